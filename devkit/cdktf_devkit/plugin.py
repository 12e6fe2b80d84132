"""pytest plugin: plan and apply any cdktf Python app's stacks against a local AWS, with no account.

Installed with the ``cdktf-devkit`` distribution (entry point ``pytest11``). A test suite hands over
its app in one fixture, then asks for the others::

    @pytest.fixture(scope="session")
    def cdktf_app():
        return build_app  # (settings: LocalAwsSettings, outdir: str) -> cdktf.App

One local AWS (moto with the devkit's compatibility patches, on a free loopback port) serves the
whole session. Each app (each ``cdktf_app`` a directory's conftest defines) is synthesized once, into
its own directory, with Terraform working directories of its own, so ``pytest`` at a repository's
root tests several apps in one run. Each app keeps its state in a bucket of its own (the first one in
``local_aws_settings``' bucket, the next in ``<bucket>-2``, ...), so two apps may name their stacks
and state keys alike. A missing prerequisite fails the tests that need it with one line that says
what to install.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from .errors import PrerequisiteError
from .localaws import LocalAwsSettings
from .ports import free_port

if TYPE_CHECKING:
    from .testing import AppFactory, Stacks, Synth
    from .toolchain import Toolchain

T = TypeVar("T")

# Terraform and the cdktf CLI otherwise call HashiCorp's version-check service; jsii prints a
# banner about Node's support window on every run.
QUIET_ENV = {"CHECKPOINT_DISABLE": "1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
TEST_STATE_BUCKET = "tfstate-test"


def pytest_configure(config: pytest.Config) -> None:
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)


def _prerequisite(call: Callable[[], T]) -> T:
    try:
        return call()
    except PrerequisiteError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def devkit_log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory for the local AWS's log. Default: a session temporary directory; override to keep it."""
    return tmp_path_factory.mktemp("cdktf-devkit-logs")


@pytest.fixture(scope="session")
def local_aws_settings() -> LocalAwsSettings:
    """How to reach the session's local AWS, before it starts (synth needs no server): a free port on
    127.0.0.1, region ``us-east-1``, state bucket ``tfstate-test``. Override to change region or bucket.
    ``endpoint``, ``credentials``, ``provider_settings()``, ``backend_settings(key)``, ``env()``, ``client(service)``."""
    return LocalAwsSettings(port=free_port(), state_bucket=TEST_STATE_BUCKET)


@pytest.fixture(scope="session")
def local_aws(local_aws_settings: LocalAwsSettings, devkit_log_dir: Path) -> Iterator[LocalAwsSettings]:
    """The local AWS, running for the session with the state bucket created; stopped at the end.
    The same ``LocalAwsSettings`` as ``local_aws_settings``."""
    from .bootstrap import bootstrap_state_bucket
    from .localaws import LocalAws

    server = _prerequisite(lambda: LocalAws.start(local_aws_settings.port, devkit_log_dir / "local-aws.log"))
    try:
        bootstrap_state_bucket(local_aws_settings.client("s3"), local_aws_settings.state_bucket, local_aws_settings.region)
        yield local_aws_settings
    finally:
        server.stop()


@pytest.fixture(scope="session")
def terraform_toolchain(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Toolchain:
    """Checked prerequisites: terraform >= 1.10, Node.js >= 20 and the AWS provider (a filesystem mirror,
    found or named by ``CDKTF_DEVKIT_PROVIDER_MIRROR``, else the registry). ``terraform``; ``env(extra)``,
    to which a test running Terraform on a local stack itself adds ``local_aws_settings.env()``."""
    from . import toolchain

    build = tmp_path_factory.mktemp("cdktf-devkit-build")
    return _prerequisite(lambda: toolchain.load_for_tests(build, Path(pytestconfig.rootpath)))


@pytest.fixture(scope="session")
def cdktf_app() -> AppFactory:
    """The app under test, handed over by the test suite: a session fixture returning a function
    ``(settings: LocalAwsSettings, outdir: str) -> cdktf.App``. Not defined by the plugin."""
    pytest.fail("define a session fixture `cdktf_app` returning a function (settings, outdir) -> cdktf.App", pytrace=False)


@dataclasses.dataclass
class _App:
    """One app of the session: the settings it is built with, its synth and its Terraform, made once."""

    settings: LocalAwsSettings
    synth: Synth | None = None
    stacks: Stacks | None = None


@pytest.fixture(scope="session")
def _cdktf_devkit_apps() -> dict[Any, _App]:
    """Every app the session has met, by its ``cdktf_app`` factory."""
    return {}


def _app_of(apps: dict[Any, _App], factory: AppFactory, settings: LocalAwsSettings) -> _App:
    if factory not in apps:
        bucket = settings.state_bucket if not apps else f"{settings.state_bucket}-{len(apps) + 1}"
        apps[factory] = _App(dataclasses.replace(settings, state_bucket=bucket))
    return apps[factory]


@pytest.fixture(scope="module")
def cdktf_synth(
    cdktf_app: AppFactory,
    local_aws_settings: LocalAwsSettings,
    _cdktf_devkit_apps: dict[Any, _App],
    tmp_path_factory: pytest.TempPathFactory,
) -> Synth:
    """The app synthesized once per session (per app: each directory's ``cdktf_app``) into a temporary
    directory, pointed at the local AWS (which need not be running). ``stacks``, ``resources(stack, type)``,
    ``stack_dir(stack)``, ``order``."""
    from .testing import synthesize
    from .toolchain import check_node

    app = _app_of(_cdktf_devkit_apps, cdktf_app, local_aws_settings)
    if app.synth is None:
        _prerequisite(check_node)
        app.synth = synthesize(cdktf_app, app.settings, tmp_path_factory.mktemp("cdktf-synth") / "cdktf.out")
    return app.synth


@pytest.fixture(scope="module")
def terraform(
    cdktf_synth: Synth,
    cdktf_app: AppFactory,
    _cdktf_devkit_apps: dict[Any, _App],
    terraform_toolchain: Toolchain,
    local_aws: LocalAwsSettings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Stacks:
    """Terraform for every stack of the app's synth against the running local AWS: ``plan(stack)`` returns
    a ``Plan``; ``apply(stack)``, ``destroy(stack)``, ``apply_all()``, ``destroy_all()``, ``outputs(stack)``,
    ``assert_plans_clean(stack)``. Each stack is initialised once per session, in its own directory."""
    from .bootstrap import bootstrap_state_bucket
    from .testing import Stacks

    app = _cdktf_devkit_apps[cdktf_app]
    if app.stacks is None:
        if app.settings.state_bucket != local_aws.state_bucket:
            bootstrap_state_bucket(local_aws.client("s3"), app.settings.state_bucket, local_aws.region)
        app.stacks = Stacks(cdktf_synth, terraform_toolchain, app.settings, tmp_path_factory.mktemp("cdktf-terraform"))
    return app.stacks
