"""Developer toolchain for CDK for Terraform Python apps: prerequisite checks, the Terraform CLI
configuration, the local AWS (a moto server on loopback with a compatibility layer), the state
bootstrap and the cdktf commands behind ``make up``/``make diff``/``make destroy``."""

__version__ = "0.2.0"
