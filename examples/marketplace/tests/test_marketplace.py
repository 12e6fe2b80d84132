"""One shared Application Load Balancer with two web services on path rules, and a Spot worker on ARM64,
planned, applied into the plugin's local AWS, read back, re-planned clean and destroyed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.plan

STACK = "Marketplace"


@pytest.fixture(scope="module")
def plan(terraform):
    return terraform.plan(STACK)


@pytest.fixture(scope="module")
def applied(terraform, plan):
    outputs = terraform.apply(STACK)
    yield outputs
    terraform.destroy(STACK)


def test_one_load_balancer_routes_two_services_by_path(plan):
    (load_balancer,) = plan.resources("aws_lb")
    assert load_balancer["load_balancer_type"] == "application"
    (listener,) = plan.resources("aws_lb_listener")
    assert (listener["port"], listener["protocol"]) == (80, "HTTP")
    assert listener["default_action"][0]["type"] == "fixed-response"
    rules = {r["priority"]: r["condition"][0]["path_pattern"][0]["values"] for r in plan.resources("aws_lb_listener_rule")}
    assert rules == {10: ["/catalog*"], 20: ["/orders*"]}
    assert len(plan.resources("aws_lb_target_group")) == 2


def test_the_worker_runs_on_spot_and_arm64_without_a_load_balancer(plan):
    (worker,) = [s for s in plan.resources("aws_ecs_service") if s["name"] == "marketplace-worker"]
    assert worker["load_balancer"] == [] and worker.get("launch_type") in (None, "")
    strategy = {s["capacity_provider"]: (s["base"], s["weight"]) for s in worker["capacity_provider_strategy"]}
    assert strategy == {"FARGATE": (1, 0), "FARGATE_SPOT": (0, 1)}
    (task,) = [t for t in plan.resources("aws_ecs_task_definition") if t["family"].startswith("marketplace-worker")]
    assert task["runtime_platform"] == [{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}]
    assert [volume["name"] for volume in task["volume"]] == ["scratch"]


def test_the_worker_scales_on_memory_and_the_web_services_on_requests(plan):
    metrics = sorted(
        p["target_tracking_scaling_policy_configuration"][0]["predefined_metric_specification"][0]["predefined_metric_type"]
        for p in plan.resources("aws_appautoscaling_policy")
    )
    assert metrics == ["ALBRequestCountPerTarget"] * 2 + ["ECSServiceAverageCPUUtilization"] * 2 + [
        "ECSServiceAverageMemoryUtilization"
    ]


def test_it_applies_reads_back_and_plans_clean(terraform, applied, local_aws):
    ecs = local_aws.client("ecs")
    services = ecs.describe_services(
        cluster=applied["cluster_name"], services=["marketplace-catalog", "marketplace-orders", "marketplace-worker"]
    )
    assert sorted(s["serviceName"] for s in services["services"]) == [
        "marketplace-catalog",
        "marketplace-orders",
        "marketplace-worker",
    ]
    elbv2 = local_aws.client("elbv2")
    (load_balancer,) = elbv2.describe_load_balancers()["LoadBalancers"]
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=load_balancer["LoadBalancerArn"])["Listeners"]
    paths = sorted(
        c["PathPatternConfig"]["Values"][0]
        for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
        for c in r["Conditions"]
    )
    assert paths == ["/catalog*", "/orders*"]
    (worker,) = ecs.describe_services(cluster=applied["cluster_name"], services=["marketplace-worker"])["services"]
    task = ecs.describe_task_definition(taskDefinition=worker["taskDefinition"])["taskDefinition"]
    (container,) = task["containerDefinitions"]
    assert container["readonlyRootFilesystem"] is True and not container.get("portMappings")
    assert container["mountPoints"] == [{"sourceVolume": "scratch", "containerPath": "/tmp", "readOnly": False}]
    terraform.assert_plans_clean(STACK)
