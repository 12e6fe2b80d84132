"""The devkit's stack runner with the real Terraform CLI, on small stacks of Terraform's built-in
``terraform_data`` resources (no provider to load): dependency order, the one-line reports, the logs,
and what a failed stack prints."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from cdktf_devkit import stackrun, toolchain
from cdktf_devkit.deploy import reversed_dependencies, selected
from cdktf_devkit.errors import PrerequisiteError
from cdktf_devkit.localaws import LocalAwsSettings
from cdktf_devkit.project import AwsAccount, terraform_env

pytestmark = pytest.mark.plan


def stack(tmp_path, name, resources, outputs=None):
    directory = tmp_path / "cdktf.out" / "stacks" / name
    directory.mkdir(parents=True)
    body = {"resource": {"terraform_data": resources}}
    if outputs:
        body["output"] = outputs
    (directory / "cdk.tf.json").write_text(json.dumps(body))


@pytest.fixture
def tools(tmp_path, monkeypatch):
    monkeypatch.delenv("CDKTF_DEVKIT_OUT", raising=False)
    monkeypatch.delenv("VERBOSE", raising=False)
    return toolchain.Toolchain(root=tmp_path, terraform=toolchain.check_terraform(), cdktf=None, mirror=None)


@pytest.fixture
def console(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(stackrun.Console, "current", stackrun.Console(stream))
    return stream


def test_stacks_run_after_what_they_wait_for_and_report_one_line_each(tools, tmp_path, console):
    stack(tmp_path, "Base", {"a": {"input": "a"}, "b": {"input": "b"}}, {"name": {"value": "base"}})
    stack(tmp_path, "Top", {"c": {"input": "c"}})
    results = stackrun.run(tools, {"Top": ["Base"], "Base": []}, "apply")
    lines = console.getvalue().splitlines()
    assert lines == [
        "==> [1/2] Base: deploying",
        f"==> Base: deployed in {results[0].seconds:.0f} s (2 added, 0 changed, 0 destroyed)",
        "==> [2/2] Top: deploying",
        f"==> Top: deployed in {results[1].seconds:.0f} s (1 added, 0 changed, 0 destroyed)",
    ]
    assert results[0].outputs == {"name": "base"}
    log = (tmp_path / "build" / "logs" / "Base-apply.log").read_text()
    assert "Apply complete! Resources: 2 added" in log and "Creation complete" in log


def test_a_second_plan_says_no_changes_and_skips_init(tools, tmp_path, console):
    stack(tmp_path, "Only", {"a": {"input": "a"}})
    stackrun.run(tools, {"Only": []}, "apply")
    (result,) = stackrun.run(tools, {"Only": []}, "plan")
    assert result.ok and result.no_changes and result.summary() == "no changes"
    assert "Initializing" not in result.log.read_text()


def test_a_failed_stack_prints_its_error_and_log_and_starts_nothing_that_waits_for_it(tools, tmp_path, console):
    stack(tmp_path, "Broken", {"a": {"input": "${terraform_data.missing.output}"}})
    stack(tmp_path, "After", {"b": {"input": "b"}})
    results = stackrun.run(tools, {"Broken": [], "After": ["Broken"]}, "apply")
    printed = console.getvalue()
    assert [r.stack for r in results] == ["Broken"] and not results[0].ok
    assert f"Broken: failed after {results[0].seconds:.0f} s" in printed and str(results[0].log) in printed
    assert "Error: Reference to undeclared resource" in printed
    assert "After: not deployed: a stack it waits for failed" in printed


def test_verbose_streams_terraforms_output_with_the_stack_name(tools, tmp_path, console, monkeypatch):
    monkeypatch.setenv("VERBOSE", "1")
    stack(tmp_path, "Loud", {"a": {"input": "a"}})
    stackrun.run(tools, {"Loud": []}, "apply")
    assert "Loud  Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in console.getvalue()


def test_named_stacks_wait_only_for_named_stacks_and_destroy_goes_in_reverse():
    dependencies = {"Network": [], "ECR": [], "ECS": ["Network", "ECR"], "CICD": ["ECR", "ECS"]}
    assert selected(dependencies, ["*"]) == dependencies
    assert selected(dependencies, ["ECS", "CICD"]) == {"ECS": [], "CICD": ["ECS"]}
    assert reversed_dependencies(dependencies) == {"Network": ["ECS"], "ECR": ["ECS", "CICD"], "ECS": ["CICD"], "CICD": []}
    with pytest.raises(SystemExit, match="no such stack: Nope"):
        selected(dependencies, ["Nope"])


def test_progress_counts_each_resource_as_terraform_finishes_it():
    run = stackrun.StackRun("S", "apply", log=None)  # type: ignore[arg-type]
    for line in (
        "Plan: 2 to add, 1 to change, 0 to destroy.",
        "aws_vpc.main: Creation complete after 11s [id=vpc-1]",
        "aws_subnet.a: Modifications complete after 0s [id=subnet-1]",
    ):
        run.read(line)
    assert run.progress() == "S 2/3"
    run.read("Apply complete! Resources: 2 added, 1 changed, 0 destroyed.")
    assert run.summary() == "2 added, 1 changed, 0 destroyed"


def test_terraform_runs_with_the_devkits_go_gc_target_unless_the_user_sets_one(tools, monkeypatch):
    monkeypatch.delenv("GOGC", raising=False)
    assert tools.env()["GOGC"] == toolchain.TERRAFORM_GOGC
    monkeypatch.setenv("GOGC", "150")
    assert tools.env()["GOGC"] == "150"


def test_terraform_and_env_sh_get_the_local_aws_endpoint_and_nothing_for_a_real_account(tools, tmp_path):
    targeted = dataclasses.replace(tools, target_env=terraform_env(LocalAwsSettings(port=5999)))
    assert targeted.env()["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    toolchain.write_env_script(targeted)
    assert 'AWS_ENDPOINT_URL="http://127.0.0.1:5999"' in (tmp_path / "build" / "env.sh").read_text()
    assert terraform_env(AwsAccount(state_bucket="acme-tfstate")) == {}


def test_a_real_account_is_refused_while_a_local_aws_endpoint_is_left_in_the_shell(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5050")
    with pytest.raises(PrerequisiteError, match=r"AWS_ENDPOINT_URL: got 'http://127.0.0.1:5050', a local AWS's .* unset it"):
        terraform_env(AwsAccount(state_bucket="acme-tfstate"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://vpce-0123.s3.eu-west-1.vpce.amazonaws.com")
    assert terraform_env(AwsAccount(state_bucket="acme-tfstate")) == {}
