"""Existing deployments upgrade in place: the TodoList stacks as built by the release before the service
parts (commit ``BASE_COMMIT``) are deployed into a local AWS of their own, then the current code plans
against them. Nothing may be destroyed or replaced: the service's resources moved into the parts by
Terraform ``moved`` blocks, and keep their AWS names."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile

import pytest

from cdktf_devkit.bootstrap import bootstrap_state_bucket
from cdktf_devkit.localaws import LocalAws, LocalAwsSettings
from cdktf_devkit.testing import Stacks, synthesize
from main import ECR_STACK, ECS_STACK, NETWORK_STACK
from tests.conftest import ROOT
from todolist_names import ENV_PREFIX

pytestmark = pytest.mark.e2e

BASE_COMMIT = "d436eab3d8a27e647e9c5a0e5fdeba54d837c1a9"
"""The last commit with ``LoadBalancedFargateService`` (cdktf-fargate 0.3), before the service parts."""
STACKS = (NETWORK_STACK, ECR_STACK, ECS_STACK)
"""The service's stack and the two it reads from (the other stacks' construct ids did not change)."""
STATE_BUCKET = "tfstate-upgrade"

SYNTH_OLD = f"""
import sys
import main
from cdktf_fargate import Environment
port, outdir = int(sys.argv[1]), sys.argv[2]
environment = Environment(local_port=port, region="us-east-1", state_bucket="{STATE_BUCKET}", variable_prefix="{ENV_PREFIX}")
main.build_app(environment, outdir=outdir).synth()
"""


def old_tree(destination):
    """The repository as it was at ``BASE_COMMIT`` (from git, so no checkout is touched)."""
    archive = subprocess.run(["git", "archive", BASE_COMMIT], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def synth_old(tree, settings, outdir):
    library = tree / "packages" / "cdktf-fargate" / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(library), str(tree)])}
    result = subprocess.run(
        [sys.executable, "-c", SYNTH_OLD, str(settings.port), str(outdir)], cwd=tree, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (outdir / "stacks" / ECS_STACK / "cdk.tf.json").exists()
    return synthesize(lambda *_: _Synthesized(), settings, outdir)


class _Synthesized:
    """Stands in for an app whose synth already ran in another process (the old code's)."""

    def synth(self):
        pass


@pytest.fixture(scope="module")
def plans(tmp_path_factory, tools):
    from cdktf_fargate import Environment
    from main import build_app

    work = tmp_path_factory.mktemp("upgrade")
    server = LocalAws.start_on_free_port(work / "local-aws.log")
    try:
        settings = LocalAwsSettings(port=server.port, state_bucket=STATE_BUCKET)
        bootstrap_state_bucket(settings.client("s3"), STATE_BUCKET, settings.region)
        old = Stacks(synth_old(old_tree(work / "old"), settings, work / "old.out"), tools, settings, work / "old-terraform")
        for stack in STACKS:
            old.apply(stack)
        environment = Environment(
            local_port=settings.port, region=settings.region, state_bucket=STATE_BUCKET, variable_prefix=ENV_PREFIX
        )
        current = synthesize(lambda _, outdir: build_app(environment, outdir=outdir), settings, work / "new.out")
        new = Stacks(current, tools, settings, work / "new-terraform")
        yield {stack: new.plan(stack) for stack in STACKS}
    finally:
        server.stop()


@pytest.mark.parametrize("stack", STACKS)
def test_nothing_is_destroyed_or_replaced(plans, stack):
    destroyed = {address: actions for address, actions in plans[stack].changes.items() if "delete" in actions}
    assert destroyed == {}, f"{stack} would destroy or replace: {destroyed}"


def test_the_service_resources_move_into_the_parts(plans):
    changes = plans[ECS_STACK].raw.resource_changes
    moved = {address: change["previous_address"] for address, change in changes.items() if change.get("previous_address")}
    assert {address.split(".")[0] for address in moved} >= {
        "aws_ecs_cluster",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_lb",
        "aws_iam_role",
        "aws_cloudwatch_log_group",
        "aws_security_group",
    }
    assert all(".service_" in old for old in moved.values())


def test_nothing_new_is_created(plans):
    for stack in STACKS:
        created = [address for address, actions in plans[stack].changes.items() if actions == ("create",)]
        assert created == [], f"{stack} would create {created}"
