"""State safety on the local AWS: locking, recovery from a killed apply, and state history.

Uses a private copy of the synthesized TodoList-ECR stack (no other stack depends on these tests),
driven with the terraform CLI exactly as README's recovery section tells a person to.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time

import pytest

from main import ECR_STACK
from tests.conftest import boto3_client, copy_stack

pytestmark = pytest.mark.e2e

LOCK_ERROR = "Error acquiring the state lock"


class Terraform:
    def __init__(self, directory, tools, env):
        self.directory, self.tools, self.env = directory, tools, env

    def run(self, *args, check=True, timeout=600):
        result = subprocess.run(
            [self.tools.terraform, *args, "-no-color"],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if check:
            assert result.returncode == 0, f"terraform {args[0]}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result

    def apply_waiting_for_approval(self):
        """Start an apply that plans, takes the lock and waits at the approval prompt."""
        process = subprocess.Popen(
            [self.tools.terraform, "apply", "-no-color"],
            cwd=self.directory,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seen = ""
        deadline = time.monotonic() + 300
        while "Enter a value" not in seen:
            assert time.monotonic() < deadline and process.poll() is None, seen[-3000:]
            seen += process.stdout.read(1)
        return process

    def plan_is_clean(self) -> bool:
        return self.run("plan", "-detailed-exitcode", "-input=false", check=False).returncode == 0


@pytest.fixture
def ecr_dirs(synth, local_aws, tools, tf_env, tmp_path, environment):
    """Two working directories of the same stack, same backend key: two people, one state."""
    forget_the_stack(environment)
    before = {r["repositoryName"] for r in repositories(environment)}
    first = Terraform(copy_stack(synth, ECR_STACK, tmp_path / "a"), tools, tf_env)
    second = Terraform(copy_stack(synth, ECR_STACK, tmp_path / "b"), tools, tf_env)
    for terraform in (first, second):
        terraform.run("init", "-input=false")
    yield first, second
    # What the test made goes without another terraform process (a destroy costs a plan and an apply).
    ecr = boto3_client(environment, "ecr")
    for name in {r["repositoryName"] for r in repositories(environment)} - before:
        ecr.delete_repository(repositoryName=name, force=True)
    forget_the_stack(environment)


def forget_the_stack(environment):
    """Delete every version of the stack's state and its lock file."""
    s3 = boto3_client(environment, "s3")
    listing = s3.list_object_versions(Bucket=environment.state_bucket, Prefix=f"{ECR_STACK}/")
    for version in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
        s3.delete_object(Bucket=environment.state_bucket, Key=version["Key"], VersionId=version["VersionId"])


def repositories(environment):
    return boto3_client(environment, "ecr").describe_repositories()["repositories"]


def test_a_second_apply_is_refused_while_the_first_holds_the_lock(ecr_dirs, environment):
    first, second = ecr_dirs
    holder = first.apply_waiting_for_approval()
    try:
        refused = second.run("apply", "-auto-approve", "-input=false", check=False)
        assert refused.returncode != 0 and LOCK_ERROR in refused.stderr + refused.stdout
    finally:
        holder.communicate("no\n", timeout=120)
    second.run("apply", "-auto-approve", "-input=false")
    assert first.plan_is_clean() and second.plan_is_clean()
    assert len(repositories(environment)) == 1


def test_killed_apply_leaves_a_lock_that_the_documented_recovery_clears(ecr_dirs, environment):
    first, second = ecr_dirs
    holder = first.apply_waiting_for_approval()
    holder.send_signal(signal.SIGKILL)  # no chance to release the lock
    holder.communicate(timeout=30)  # reaps it and closes its pipes

    blocked = second.run("apply", "-auto-approve", "-input=false", check=False)
    assert LOCK_ERROR in blocked.stderr + blocked.stdout
    # README, "Recovering an interrupted deploy": step 1, force-unlock with the ID from the error.
    lock_id = re.search(r"ID:\s+([0-9a-f-]{36})", blocked.stderr + blocked.stdout).group(1)
    second.run("force-unlock", "-force", lock_id)
    # Step 2: plan; apply what is missing; nothing is duplicated.
    second.run("apply", "-auto-approve", "-input=false")
    assert second.plan_is_clean()
    assert len(repositories(environment)) == 1


def test_a_damaged_state_is_restored_from_the_previous_version(ecr_dirs, environment):
    first, _ = ecr_dirs
    first.run("apply", "-auto-approve", "-input=false")
    assert first.plan_is_clean()
    key = environment.state_key(ECR_STACK)
    s3 = boto3_client(environment, "s3")
    good_version = s3.head_object(Bucket=environment.state_bucket, Key=key)["VersionId"]

    repository_address = next(
        line for line in first.run("state", "list").stdout.split() if line.startswith("aws_ecr_repository.")
    )
    first.run("state", "rm", repository_address)  # the state forgets a real repository
    assert not first.plan_is_clean()  # terraform would now try to create a duplicate

    # README, "Restoring an earlier state": copy the last good version over the current one.
    s3.copy_object(
        Bucket=environment.state_bucket,
        Key=key,
        CopySource={"Bucket": environment.state_bucket, "Key": key, "VersionId": good_version},
    )
    assert first.plan_is_clean()
    assert len(repositories(environment)) == 1
