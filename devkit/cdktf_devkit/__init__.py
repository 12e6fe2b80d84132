"""Developer toolchain for CDK for Terraform Python apps, one job per module:

- ``cli``: the command line (``python -m cdktf_devkit COMMAND``) and its dispatch;
- ``deploy``: deploy orchestration with the cdktf CLI (dependency waves, outputs, timings);
- ``localaws``, ``compat``, ``ports``, ``pidfile``: the local AWS (moto server, background daemon,
  compatibility patches, loopback ports, pid files it can trust);
- ``toolchain``: prerequisite checks and the Terraform CLI configuration;
- ``bootstrap``: the Terraform state bucket;
- ``project``: what an app hands the devkit (target, hooks); the devkit names no app;
- ``testing`` and ``plugin``: synth, plan, apply and destroy in tests (the pytest plugin);
- ``hcl``, ``scan``, ``reference``: the plain-Terraform exit path, the policy scan, generated docs.
"""

__version__ = "0.3.0"
