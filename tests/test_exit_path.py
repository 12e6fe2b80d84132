"""The exit path off cdktf: every stack written as plain Terraform, which Terraform itself validates."""

from __future__ import annotations

import subprocess

import pytest

from main import CICD_STACK, ECR_STACK, ECS_STACK, NETWORK_STACK, WEBSITE_STACK
from tests.conftest import ROOT

pytestmark = pytest.mark.plan

STACKS = (NETWORK_STACK, ECR_STACK, ECS_STACK, CICD_STACK, WEBSITE_STACK)


@pytest.fixture(scope="module")
def hcl_dir(tools, tf_env, tmp_path_factory):
    out = tmp_path_factory.mktemp("hcl") / "hcl"
    result = subprocess.run([str(tools.cdktf), "synth", "--hcl", "--output", str(out)], cwd=ROOT, env=tf_env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_plain_terraform_of_each_stack_initializes_and_validates(hcl_dir, tools, tf_env, stack):
    directory = hcl_dir / "stacks" / stack
    assert (directory / "cdk.tf").is_file() and not (directory / "cdk.tf.json").exists()
    for command in (["init", "-backend=false", "-input=false", "-no-color"], ["validate", "-no-color"]):
        result = subprocess.run([tools.terraform, *command], cwd=directory, env=tf_env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"terraform {command[0]} of {stack}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
