"""The exit path off cdktf: every stack written as plain Terraform (HCL), which Terraform validates."""

from __future__ import annotations

import subprocess

import pytest

from main import CICD_STACK, ECR_STACK, ECS_STACK, NETWORK_STACK, WEBSITE_STACK
from cdktf_devkit import hcl

pytestmark = pytest.mark.plan

STACKS = (NETWORK_STACK, ECR_STACK, ECS_STACK, CICD_STACK, WEBSITE_STACK)


@pytest.fixture(scope="module")
def hcl_dir(synth, tools, tmp_path_factory):
    out = tmp_path_factory.mktemp("hcl")
    written = hcl.write_stacks(tools, synth.outdir, out)
    assert sorted(p.parent.name for p in written) == sorted(STACKS)
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_plain_terraform_of_each_stack_initializes_and_validates(hcl_dir, tools, tf_env, stack):
    directory = hcl_dir / "stacks" / stack
    assert (directory / "main.tf").is_file() and not list(directory.glob("*.json"))
    for command in (["init", "-backend=false", "-input=false", "-no-color"], ["validate", "-no-color"]):
        result = subprocess.run([tools.terraform, *command], cwd=directory, env=tf_env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"terraform {command[0]} of {stack}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def test_strings_keep_their_interpolations_and_escapes():
    assert hcl.string('{"Resource": "${aws_s3_bucket.b.arn}/*"}') == '"{\\"Resource\\": \\"${aws_s3_bucket.b.arn}/*\\"}"'
    assert hcl.string("const a = `$${b}`;\n") == '"const a = `$${b}`;\\n"'
