"""A blue/green service and its pipeline, planned, applied into the plugin's local AWS, read back,
re-planned clean and destroyed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.plan

STACK = "Releases"


@pytest.fixture(scope="module")
def plan(terraform):
    return terraform.plan(STACK)


@pytest.fixture(scope="module")
def applied(terraform, plan):
    yield terraform.apply(STACK)
    terraform.destroy(STACK)


def test_the_service_is_released_by_codedeploy(plan):
    (service,) = plan.resources("aws_ecs_service")
    assert service["deployment_controller"] == [{"type": "CODE_DEPLOY"}]
    (group,) = plan.resources("aws_codedeploy_deployment_group")
    assert group["deployment_config_name"] == "CodeDeployDefault.ECSCanary10Percent5Minutes"
    assert group["deployment_style"] == [{"deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN"}]
    (blue_green,) = group["blue_green_deployment_config"]
    assert blue_green["terminate_blue_instances_on_deployment_success"][0]["termination_wait_time_in_minutes"] == 15
    assert group["auto_rollback_configuration"] == [
        {"enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]}
    ]


def test_two_target_groups_a_test_listener_and_four_alarms(plan):
    assert len(plan.resources("aws_lb_target_group")) == 2
    assert sorted(listener["port"] for listener in plan.resources("aws_lb_listener")) == [80, 9000]
    metrics = sorted(alarm["metric_name"] for alarm in plan.resources("aws_cloudwatch_metric_alarm"))
    assert metrics == ["HTTPCode_Target_5XX_Count"] * 2 + ["UnHealthyHostCount"] * 2


def test_the_pipeline_deploys_with_codedeploy_after_an_approval(plan):
    (pipeline,) = plan.resources("aws_codepipeline")
    assert [stage["name"] for stage in pipeline["stage"]] == ["Source", "Build", "Approve", "Deploy"]
    (deploy,) = pipeline["stage"][-1]["action"]
    assert deploy["provider"] == "CodeDeployToECS"
    assert (deploy["configuration"]["TaskDefinitionTemplatePath"], deploy["configuration"]["AppSpecTemplatePath"]) == (
        "taskdef.json",
        "appspec.yaml",
    )


def test_it_applies_reads_back_and_plans_clean(terraform, applied, local_aws):
    codedeploy = local_aws.client("codedeploy")
    group = codedeploy.get_deployment_group(
        applicationName=applied["application"], deploymentGroupName=applied["deployment_group"]
    )
    info = group["deploymentGroupInfo"]
    assert info["deploymentStyle"] == {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
    (pair,) = info["loadBalancerInfo"]["targetGroupPairInfoList"]
    assert len(pair["targetGroups"]) == 2 and pair["testTrafficRoute"]["listenerArns"]
    (service,) = local_aws.client("ecs").describe_services(cluster="releases", services=["releases-web"])["services"]
    assert service["deploymentController"] == {"type": "CODE_DEPLOY"}
    stages = local_aws.client("codepipeline").get_pipeline(name=applied["pipeline_name"])["pipeline"]["stages"]
    assert stages[-1]["actions"][0]["actionTypeId"]["provider"] == "CodeDeployToECS"
    terraform.assert_plans_clean(STACK)
