"""The TodoList suite on the devkit's pytest plugin (``cdktf_devkit.plugin``): one synth, one local
AWS and one toolchain per session come from there. This file hands the plugin the app, keeps the
local AWS's log in test-output/, and builds TodoList's ``Environment`` from the plugin's settings.

The local AWS starts only when a plan, app or end-to-end test asks for it; unit tests synthesize only.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cdktf_devkit import toolchain
from cdktf_devkit.localaws import LocalAwsSettings
from cdktf_devkit.testing import Synth
from cdktf_fargate.environment import Environment
from todolist_names import ENV_PREFIX

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "test-output"


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="session")
def devkit_log_dir(output_dir: Path) -> Path:
    """The plugin writes the local AWS's log here."""
    return output_dir


@pytest.fixture(scope="session")
def environment(local_aws_settings: LocalAwsSettings) -> Environment:
    """The local environment the whole session synthesizes for and deploys into."""
    s = local_aws_settings
    return Environment(local_port=s.port, region=s.region, state_bucket=s.state_bucket, variable_prefix=ENV_PREFIX)


@pytest.fixture(scope="session")
def cdktf_app(environment: Environment):
    """The TodoList app for the plugin's ``cdktf_synth``."""
    from main import build_app

    return lambda settings, outdir: build_app(environment, outdir=outdir)


@pytest.fixture(scope="module")
def synth(cdktf_synth: Synth) -> Synth:
    """The TodoList app synthesized once (the plugin's ``cdktf_synth``)."""
    return cdktf_synth


@pytest.fixture(scope="session")
def tools(terraform_toolchain: toolchain.Toolchain) -> toolchain.Toolchain:
    """terraform, node and the provider, checked (the plugin's ``terraform_toolchain``)."""
    return terraform_toolchain


@pytest.fixture(scope="session")
def tf_env(tools: toolchain.Toolchain, local_aws_settings: LocalAwsSettings) -> dict[str, str]:
    """Environment for terraform subprocesses aimed at the session's local AWS."""
    return tools.env(local_aws_settings.env())


def boto3_client(environment: Environment | LocalAwsSettings, service: str, **config: Any) -> Any:
    """A client of the local AWS an ``Environment`` (or the plugin's settings) points at."""
    local = environment.local_aws()
    assert local is not None, "the tests deploy into the local AWS only"
    return local.client(service, **config)


def copy_stack(synth: Synth, name: str, destination: Path) -> Path:
    """A private copy of one synthesized stack, so terraform's files stay out of the shared synth."""
    target = destination / name
    shutil.copytree(synth.stack_dir(name), target)
    return target
