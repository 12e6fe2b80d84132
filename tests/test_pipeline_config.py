"""Pipeline options and the mistakes its config rejects."""

from __future__ import annotations

import json

import pytest

from cdktf_fargate import (
    ConfigError,
    ContainerRepository,
    Network,
    NetworkLoadBalancedFargateService,
    Pipeline,
    PipelineConfig,
    SourceKind,
)
from tests.library_inputs import BUILDSPEC
from tests.synth_json import decode

pytestmark = pytest.mark.unit

CONNECTION = "arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-aaaa-bbbb-cccc-444455556666"


def synth_pipeline(config: PipelineConfig) -> dict:
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    repository = ContainerRepository(stack, "repository")
    service = NetworkLoadBalancedFargateService(stack, "service", network=Network(stack, "network"), repository=repository)
    Pipeline(stack, "pipeline", config=config, service=service, repository=repository)
    return json.loads(Testing.synth(stack))["resource"]


def pipeline_config(**settings) -> PipelineConfig:
    return PipelineConfig(buildspec=BUILDSPEC.read_text(), **settings)


def test_manual_approval_sits_between_build_and_deploy():
    (pipeline,) = synth_pipeline(pipeline_config(manual_approval=True))["aws_codepipeline"].values()
    assert [s["name"] for s in pipeline["stage"]] == ["Source", "Build", "Approve", "Deploy"]
    assert pipeline["stage"][2]["action"][0]["provider"] == "Manual"


def test_github_source_uses_the_connection_and_creates_no_codecommit_repository():
    resources = synth_pipeline(
        pipeline_config(source="GITHUB", github_repository="acme/todo", github_connection_arn=CONNECTION, branch="release")
    )
    assert "aws_codecommit_repository" not in resources and "aws_cloudwatch_event_rule" not in resources
    (pipeline,) = resources["aws_codepipeline"].values()
    source = pipeline["stage"][0]["action"][0]
    assert source["provider"] == "CodeStarSourceConnection"
    assert source["configuration"] == {"ConnectionArn": CONNECTION, "FullRepositoryId": "acme/todo", "BranchName": "release"}
    (policy,) = [decode(p["policy"]) for p in resources["aws_iam_role_policy"].values() if p["name"] == "pipeline"]
    assert {"Effect": "Allow", "Action": "codestar-connections:UseConnection", "Resource": CONNECTION} in policy["Statement"]


def test_codecommit_is_the_default_source():
    assert pipeline_config().source is SourceKind.CODECOMMIT


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"buildspec": "echo hi"}, "buildspec"),
        ({"name": "todo pipeline"}, "name"),
        ({"source": "BITBUCKET"}, "source"),
        ({"source": "GITHUB", "github_connection_arn": CONNECTION}, "github_repository"),
        ({"source": "GITHUB", "github_repository": "acme/todo"}, "github_connection_arn"),
        ({"repository_name": "has space"}, "repository_name"),
        ({"branch": "bad branch"}, "branch"),
        ({"compute_type": "BUILD_GENERAL1_HUGE"}, "compute_type"),
        ({"build_timeout_minutes": 1}, "build_timeout_minutes"),
        ({"log_retention_days": 2}, "log_retention_days"),
        ({"manual_approval": "yes"}, "manual_approval"),
    ],
)
def test_bad_pipeline_config_is_rejected(settings, field):
    settings = {"buildspec": BUILDSPEC.read_text(), **settings}
    with pytest.raises(ConfigError) as caught:
        PipelineConfig(**settings)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got ")


def test_a_buildspec_path_is_shown_back_with_what_to_pass():
    with pytest.raises(ConfigError) as caught:
        PipelineConfig(buildspec="pipeline/buildspec.yml")
    assert str(caught.value) == (
        "buildspec: got 'pipeline/buildspec.yml'; must be the buildspec's contents, not its path: pass Path(...).read_text()"
    )


def test_buildspec_text_that_is_not_a_buildspec_is_not_shown():
    with pytest.raises(ConfigError) as caught:
        PipelineConfig(buildspec="version: 0.2\nenv:\n  variables:\n    TOKEN: hunter2\n")
    assert "hunter2" not in str(caught.value) and "imagedefinitions.json" in str(caught.value)
