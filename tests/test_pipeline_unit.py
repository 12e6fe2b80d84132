"""TodoList-CICD as synthesized JSON, and the buildspec run for real."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from main import BUILDSPEC, CICD_STACK, ECR_STACK, ECS_STACK
from tests.synth_json import decode

pytestmark = pytest.mark.unit


def one(synth, resource_type):
    (resource,) = synth.resources(CICD_STACK, resource_type).values()
    return resource


def statements(synth, policy_name):
    (policy,) = [p for p in synth.resources(CICD_STACK, "aws_iam_role_policy").values() if p["name"] == policy_name]
    return decode(policy["policy"])["Statement"]


def test_stages_run_source_build_deploy_in_order(synth):
    stages = one(synth, "aws_codepipeline")["stage"]
    assert [s["name"] for s in stages] == ["Source", "Build", "Deploy"]
    assert [s["action"][0]["provider"] for s in stages] == ["CodeCommit", "CodeBuild", "ECS"]


def test_source_is_the_backend_repository_on_main_triggered_by_push(synth):
    repository = one(synth, "aws_codecommit_repository")
    assert repository["repository_name"] == "TodoList-BackendRepository"
    source = one(synth, "aws_codepipeline")["stage"][0]["action"][0]["configuration"]
    assert (source["BranchName"], source["PollForSourceChanges"]) == ("main", "false")
    pattern = decode(one(synth, "aws_cloudwatch_event_rule")["event_pattern"])
    assert pattern["detail"]["referenceName"] == ["main"]
    assert "codepipeline" in one(synth, "aws_cloudwatch_event_target")["arn"]


def test_deploy_action_reads_imagedefinitions_for_this_service(synth):
    deploy = one(synth, "aws_codepipeline")["stage"][2]["action"][0]
    assert deploy["configuration"]["FileName"] == "imagedefinitions.json"
    assert "TodoList-ECS" in deploy["configuration"]["ServiceName"] and deploy["input_artifacts"] == ["build"]


def test_build_is_privileged_small_linux_with_its_own_logs(synth):
    project = one(synth, "aws_codebuild_project")
    environment = project["environment"]
    assert (environment["type"], environment["compute_type"], environment["privileged_mode"]) == (
        "LINUX_CONTAINER",
        "BUILD_GENERAL1_SMALL",
        True,
    )
    assert environment["image"] == "aws/codebuild/standard:7.0"
    assert {v["name"] for v in environment["environment_variable"]} == {
        "AWS_ACCOUNT_ID",
        "AWS_DEFAULT_REGION",
        "REPOSITORY_URI",
        "CONTAINER_NAME",
    }
    assert "aws_cloudwatch_log_group.pipeline_build-logs" in project["logs_config"]["cloudwatch_logs"]["group_name"]
    assert one(synth, "aws_cloudwatch_log_group")["retention_in_days"] == 365


def test_build_embeds_the_buildspec_file_unchanged(synth):
    embedded = one(synth, "aws_codebuild_project")["source"]["buildspec"]
    assert embedded.replace("$${", "${").replace("%%{", "%{") == BUILDSPEC.read_text()


def test_artifact_bucket_is_private_versioned_encrypted(synth):
    block = one(synth, "aws_s3_bucket_public_access_block")
    assert all(
        block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    assert one(synth, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}
    rule = one(synth, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "AES256"
    assert one(synth, "aws_s3_bucket")["force_destroy"] is True  # local AWS only


def test_roles_trust_only_their_service(synth):
    trusted = sorted(
        decode(r["assume_role_policy"])["Statement"][0]["Principal"]["Service"]
        for r in synth.resources(CICD_STACK, "aws_iam_role").values()
    )
    assert trusted == ["codebuild.amazonaws.com", "codepipeline.amazonaws.com", "events.amazonaws.com"]


def test_no_action_wildcards_and_star_resources_only_where_aws_requires(synth):
    allowed_star = {
        "ecr:GetAuthorizationToken",
        "ecs:DescribeTaskDefinition",
        "ecs:RegisterTaskDefinition",
        "ecs:DescribeTasks",
        "ecs:ListTasks",
    }
    for name in ("build", "pipeline", "start-pipeline"):
        for statement in statements(synth, name):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any("*" in action for action in actions)
            if statement["Resource"] == "*":
                assert set(actions) <= allowed_star


def test_build_role_pushes_only_to_this_repository(synth):
    push = [s for s in statements(synth, "build") if "ecr:PutImage" in s["Action"]]
    assert len(push) == 1 and ECR_STACK in push[0]["Resource"]


def test_pipeline_passes_only_the_service_roles_to_ecs_tasks(synth):
    (pass_role,) = [s for s in statements(synth, "pipeline") if s["Action"] == "iam:PassRole"]
    assert len(pass_role["Resource"]) == 2 and all(ECS_STACK in r for r in pass_role["Resource"])
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def test_pipeline_tags_only_this_services_task_definitions_in_the_accounts_partition(synth):
    (tag,) = [s for s in statements(synth, "pipeline") if s["Action"] == "ecs:TagResource"]
    assert tag["Resource"].startswith("arn:${data.aws_partition.")  # aws, aws-cn or aws-us-gov: as the account's
    assert ":ecs:${data.aws_region." in tag["Resource"] and tag["Resource"].endswith(":*")
    assert ":task-definition/${data.terraform_remote_state." in tag["Resource"]


def test_service_ignores_task_definition_changes_the_pipeline_makes(synth):
    (service,) = synth.resources(ECS_STACK, "aws_ecs_service").values()
    assert service["lifecycle"]["ignore_changes"] == ["task_definition"]


def test_outputs_include_both_clone_urls(synth):
    assert {"clone_url_http", "clone_url_ssh", "pipeline_name", "artifact_bucket"} <= set(synth.stacks[CICD_STACK]["output"])


def test_buildspec_writes_imagedefinitions_naming_the_synthesized_container_and_image(synth, tmp_path):
    """Run the buildspec's tag and imagedefinitions commands with the variables the construct sets."""
    variables = {v["name"]: v["value"] for v in one(synth, "aws_codebuild_project")["environment"]["environment_variable"]}
    (repository,) = synth.resources(ECR_STACK, "aws_ecr_repository").values()
    repository_uri = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{repository['name']}"
    env = {
        "PATH": "/usr/bin:/bin",
        "CONTAINER_NAME": variables["CONTAINER_NAME"],
        "REPOSITORY_URI": repository_uri,
        "AWS_DEFAULT_REGION": "us-east-1",
        "CODEBUILD_RESOLVED_SOURCE_VERSION": "0123456789abcdef0123456789abcdef01234567",
    }
    phases = yaml.safe_load(BUILDSPEC.read_text())["phases"]
    commands = [
        c
        for phase in phases.values()
        for c in phase["commands"]
        if c.startswith(("IMAGE_TAG=", "IMAGE_URI=")) or "imagedefinitions.json" in c
    ]
    assert len(commands) == 3
    subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(commands)], cwd=tmp_path, env=env, check=True)

    (definition,) = json.loads((tmp_path / "imagedefinitions.json").read_text())
    (task,) = synth.resources(ECS_STACK, "aws_ecs_task_definition").values()
    (container,) = decode(task["container_definitions"])
    assert definition == {"name": container["name"], "imageUri": f"{repository_uri}:0123456789ab"}
    assert yaml.safe_load(BUILDSPEC.read_text())["artifacts"]["files"] == ["imagedefinitions.json"]
