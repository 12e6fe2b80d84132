"""Shared fixtures: one synth, one local AWS and one toolchain per test session.

The app is synthesized once, in-process, for an environment whose local AWS port is chosen at
session start; the local AWS itself starts only when a plan or end-to-end test asks for it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

from cdktf_fargate.environment import Environment
from cdktf_devkit import toolchain
from cdktf_devkit.bootstrap import bootstrap_state_bucket
from cdktf_devkit.localaws import LocalAws

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "test-output"
TEST_STATE_BUCKET = "todolist-tfstate-test"


@dataclass(frozen=True)
class Synth:
    """The synthesized app: cdktf.out-style directory plus each stack's parsed JSON."""

    outdir: Path
    stacks: dict[str, dict[str, Any]]

    def stack_dir(self, name: str) -> Path:
        return self.outdir / "stacks" / name

    def resources(self, name: str, resource_type: str) -> dict[str, dict[str, Any]]:
        return self.stacks[name].get("resource", {}).get(resource_type, {})


def synthesize(environment: Environment, outdir: Path) -> Synth:
    from main import build_app

    build_app(environment, outdir=str(outdir)).synth()
    stacks = {
        path.parent.name: json.loads(path.read_text())
        for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }
    return Synth(outdir=outdir, stacks=stacks)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="session")
def environment() -> Environment:
    """The local environment the whole session synthesizes for and deploys into."""
    return Environment(local_port=toolchain.free_port(), state_bucket=TEST_STATE_BUCKET)


@pytest.fixture(scope="session")
def synth(environment: Environment, tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return synthesize(environment, tmp_path_factory.mktemp("synth") / "cdktf.out")


@pytest.fixture(scope="session")
def tools() -> toolchain.Toolchain:
    return toolchain.load(ROOT)


@pytest.fixture(scope="session")
def local_aws(environment: Environment, output_dir: Path) -> Iterator[LocalAws]:
    server = LocalAws.start(environment.local_port, output_dir / "local-aws.log")
    try:
        bootstrap_state_bucket(environment)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tf_env(tools: toolchain.Toolchain, environment: Environment) -> dict[str, str]:
    """Environment for terraform/cdktf subprocesses aimed at the session's local AWS."""
    return tools.env({
        "TODOLIST_ENV": "local",
        "TODOLIST_LOCAL_AWS_PORT": str(environment.local_port),
        "TODOLIST_STATE_BUCKET": environment.state_bucket,
        "TODOLIST_REGION": environment.region,
    })


def boto3_client(environment: Environment, service: str, **config: Any) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service, region_name=environment.region, endpoint_url=environment.endpoint,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def copy_stack(synth: Synth, name: str, destination: Path) -> Path:
    """A private copy of one synthesized stack, so terraform's files stay out of the shared synth."""
    target = destination / name
    shutil.copytree(synth.stack_dir(name), target)
    return target

