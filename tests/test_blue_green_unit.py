"""Blue/green releases through CodeDeploy: what the services and the pipeline synthesize, and the
buildspec contract the pipeline holds a build to."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from cdktf_fargate import (
    ApplicationLoadBalancedFargateService,
    ApplicationLoadBalancedFargateServiceConfig,
    ConfigError,
    ContainerRepository,
    DeploymentAlarms,
    DeploymentStrategy,
    Network,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
    Pipeline,
    PipelineConfig,
    TrafficShifting,
)
from tests.library_inputs import BLUE_GREEN_BUILDSPEC, BUILDSPEC
from tests.synth_json import decode

pytestmark = pytest.mark.unit

BLUE_GREEN = DeploymentStrategy.BLUE_GREEN


def synth(build) -> dict:
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    build(stack, Network(stack, "network"), ContainerRepository(stack, "repository"))
    return json.loads(Testing.synth(stack))["resource"]


def alb(config: ApplicationLoadBalancedFargateServiceConfig, *, buildspec=BLUE_GREEN_BUILDSPEC):
    def build(stack, network, repository):
        service = ApplicationLoadBalancedFargateService(stack, "web", network=network, repository=repository, config=config)
        Pipeline(
            stack, "pipeline", service=service, repository=repository, config=PipelineConfig(buildspec=buildspec.read_text())
        )

    return build


@pytest.fixture(scope="module")
def blue_green() -> dict:
    config = ApplicationLoadBalancedFargateServiceConfig(
        deployment_strategy=BLUE_GREEN,
        traffic_shifting=TrafficShifting.LINEAR_10_PERCENT_EVERY_1_MINUTE,
        termination_wait_minutes=30,
        alarms=DeploymentAlarms(http_5xx_threshold=5),
    )
    return synth(alb(config))


def only(resources: dict, kind: str) -> dict:
    (item,) = resources[kind].values()
    return item


def test_the_service_is_under_the_codedeploy_controller_and_terraform_leaves_what_it_owns(blue_green):
    service = only(blue_green, "aws_ecs_service")
    assert service["deployment_controller"] == {"type": "CODE_DEPLOY"} and "deployment_circuit_breaker" not in service
    assert service["lifecycle"]["ignore_changes"] == ["task_definition", "load_balancer"]
    for listener in blue_green["aws_lb_listener"].values():
        assert listener["lifecycle"]["ignore_changes"] == ["default_action"]


def test_the_deployment_group_switches_two_target_groups_behind_production_and_test_listeners(blue_green):
    group = only(blue_green, "aws_codedeploy_deployment_group")
    assert group["deployment_config_name"] == "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    assert group["blue_green_deployment_config"]["terminate_blue_instances_on_deployment_success"] == {
        "action": "TERMINATE",
        "termination_wait_time_in_minutes": 30,
    }
    pair = group["load_balancer_info"]["target_group_pair_info"]
    target_groups = {tg["name"] for tg in blue_green["aws_lb_target_group"].values()}
    assert len(target_groups) == 2 and len(pair["target_group"]) == 2
    assert pair["prod_traffic_route"]["listener_arns"] != pair["test_traffic_route"]["listener_arns"]
    assert group["auto_rollback_configuration"]["events"] == ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
    assert len(group["alarm_configuration"]["alarms"]) == 4  # 5xx and unhealthy hosts, on blue and green
    assert only(blue_green, "aws_codedeploy_app")["compute_platform"] == "ECS"


def test_the_test_listener_is_reachable_from_the_vpc_only(blue_green):
    test_port = [r for r in blue_green["aws_vpc_security_group_ingress_rule"].values() if r.get("from_port") == 8080]
    assert [r["cidr_ipv4"] for r in test_port if "referenced_security_group_id" not in r] == [
        "${aws_vpc.network_vpc_4E8F0223.cidr_block}"
    ]


def test_codedeploy_may_act_on_this_service_only(blue_green):
    (policy,) = [decode(p["policy"]) for p in blue_green["aws_iam_role_policy"].values() if p["name"] == "blue-green-deploy"]
    resources = json.dumps(policy)
    assert "task-set/" in resources and "iam:PassRole" in resources
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any("*" in a for a in actions)
        if statement["Resource"] == "*":
            assert all(a.startswith("elasticloadbalancing:Describe") for a in actions)


def test_the_pipeline_deploys_with_codedeploy_and_the_build_learns_the_task_family(blue_green):
    pipeline = only(blue_green, "aws_codepipeline")
    deploy = pipeline["stage"][-1]["action"][0]
    assert deploy["provider"] == "CodeDeployToECS"
    assert deploy["configuration"]["Image1ContainerName"] == "IMAGE1_NAME"
    variables = {v["name"] for v in only(blue_green, "aws_codebuild_project")["environment"]["environment_variable"]}
    assert {"TASK_DEFINITION_FAMILY", "CONTAINER_PORT", "CONTAINER_NAME"} <= variables
    (pipeline_policy,) = [decode(p["policy"]) for p in blue_green["aws_iam_role_policy"].values() if p["name"] == "pipeline"]
    actions = {a for s in pipeline_policy["Statement"] for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert "codedeploy:CreateDeployment" in actions and "ecs:UpdateService" not in actions


def test_rolling_alarms_are_the_services_deployment_alarms():
    config = NetworkLoadBalancedFargateServiceConfig(alarms=DeploymentAlarms(unhealthy_hosts_threshold=2))
    resources = synth(
        lambda stack, network, repository: NetworkLoadBalancedFargateService(
            stack, "tcp", network=network, repository=repository, config=config
        )
    )
    service = only(resources, "aws_ecs_service")
    assert service["alarms"]["enable"] is True and service["alarms"]["rollback"] is True
    alarm = only(resources, "aws_cloudwatch_metric_alarm")
    assert (alarm["namespace"], alarm["metric_name"], alarm["threshold"]) == ("AWS/NetworkELB", "UnHealthyHostCount", 2)
    assert "aws_codedeploy_app" not in resources


def test_a_rolling_build_must_write_imagedefinitions_and_a_blue_green_build_its_three_files():
    with pytest.raises(ConfigError, match="imageDetail.json, taskdef.json, appspec.yaml"):
        synth(alb(ApplicationLoadBalancedFargateServiceConfig(deployment_strategy=BLUE_GREEN), buildspec=BUILDSPEC))
    with pytest.raises(ConfigError, match="imagedefinitions.json"):
        synth(alb(ApplicationLoadBalancedFargateServiceConfig(), buildspec=BLUE_GREEN_BUILDSPEC))


@pytest.mark.parametrize(
    ("make", "field", "hint"),
    [
        (
            lambda: NetworkLoadBalancedFargateServiceConfig(
                deployment_strategy=BLUE_GREEN, traffic_shifting=TrafficShifting.CANARY_10_PERCENT_5_MINUTES
            ),
            "traffic_shifting",
            "ALL_AT_ONCE behind a Network Load Balancer",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(deployment_strategy=BLUE_GREEN, test_listener_port=80),
            "test_listener_port",
            "must differ from the production listener ports (80,)",
        ),
        (
            lambda: NetworkLoadBalancedFargateServiceConfig(
                deployment_strategy=BLUE_GREEN,
                enable_tls=True,
                tls_certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/abc",
                test_listener_port=443,
            ),
            "test_listener_port",
            "(80, 443)",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(deployment_strategy=BLUE_GREEN, termination_wait_minutes=2881),
            "termination_wait_minutes",
            "between 0 and 2880",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(traffic_shifting=TrafficShifting.CANARY_10_PERCENT_5_MINUTES),
            "traffic_shifting",
            "only with deployment_strategy=BLUE_GREEN",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(deployment_strategy="RED_BLACK"),
            "deployment_strategy",
            "'ROLLING'",
        ),
        (lambda: ApplicationLoadBalancedFargateServiceConfig(alarms=True), "alarms", "DeploymentAlarms"),
        (lambda: DeploymentAlarms(unhealthy_hosts_threshold=None), "alarms.unhealthy_hosts_threshold", "at least one of"),
        (lambda: DeploymentAlarms(period_s=45), "alarms.period_s", "multiple of 60"),
        (lambda: DeploymentAlarms(evaluation_periods=0), "alarms.evaluation_periods", "between 1 and 100"),
        (
            lambda: NetworkLoadBalancedFargateServiceConfig(alarms=DeploymentAlarms(http_5xx_threshold=1)),
            "alarms.http_5xx_threshold",
            "needs an Application Load Balancer",
        ),
    ],
)
def test_what_aws_refuses_is_refused_at_synth(make, field, hint):
    with pytest.raises(ConfigError) as caught:
        make()
    assert caught.value.field == field and hint in str(caught.value)


def test_the_example_buildspec_writes_the_files_the_pipeline_names(tmp_path):
    """Run the buildspec's AppSpec step as CodeBuild would (bash) and read what it wrote."""
    buildspec = yaml.safe_load(BLUE_GREEN_BUILDSPEC.read_text())
    assert set(buildspec["artifacts"]["files"]) == {"imageDetail.json", "taskdef.json", "appspec.yaml"}
    (appspec_step,) = [c for c in buildspec["phases"]["post_build"]["commands"] if "appspec.yaml" in c]
    env = {"CONTAINER_NAME": "web", "CONTAINER_PORT": "8080", "PATH": "/usr/bin:/bin"}
    subprocess.run(["bash", "-euo", "pipefail", "-c", appspec_step], cwd=tmp_path, env=env, check=True)
    appspec = yaml.safe_load((tmp_path / "appspec.yaml").read_text())
    (target,) = appspec["Resources"]
    properties = target["TargetService"]["Properties"]
    assert properties["TaskDefinition"] == "<TASK_DEFINITION>"
    assert properties["LoadBalancerInfo"] == {"ContainerName": "web", "ContainerPort": 8080}
