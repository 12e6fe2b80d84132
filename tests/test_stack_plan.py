"""Network, repository, service, pipeline and website in one test stack, planned by real Terraform against the local AWS."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_devkit.testing import Stacks, synthesize
from cdktf_fargate import (
    ContainerRepository,
    Network,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
    Pipeline,
    PipelineConfig,
    StaticSite,
    StaticSiteConfig,
)
from todolist_names import config_js

pytestmark = pytest.mark.plan

STACK = "TodoList-ServicePlanTest"
ROOT = Path(__file__).resolve().parent.parent
BUILDSPEC = ROOT / "pipeline" / "buildspec.yml"
WEB_DIR = ROOT / "web"
DEFAULTS = NetworkLoadBalancedFargateServiceConfig()
CONTAINER_NAME, CONTAINER_PORT = DEFAULTS.container_name, DEFAULTS.container_port


def build_app(environment):
    """One stack holding every construct with its defaults (plus an approval stage), not the TodoList app."""
    from cdktf import App, TerraformStack

    def factory(settings, outdir):
        app = App(outdir=outdir)
        stack = TerraformStack(app, STACK)
        environment.apply(stack, STACK)
        network = Network(stack, "network")
        repository = ContainerRepository(stack, "repository")
        service = NetworkLoadBalancedFargateService(stack, "service", network=network, repository=repository)
        Pipeline(
            stack,
            "pipeline",
            service=service,
            repository=repository,
            config=PipelineConfig(buildspec=BUILDSPEC.read_text(), manual_approval=True),
        )
        site_config = StaticSiteConfig(site_dir=str(WEB_DIR), generated_files={"config.js": config_js("http://127.0.0.1:8080")})
        StaticSite(stack, "site", config=site_config, api_domain_name=service.load_balancer_dns_name)
        return app

    return factory


@pytest.fixture(scope="module")
def plan(environment, local_aws, tools, tmp_path_factory):
    synth = synthesize(build_app(environment), local_aws, tmp_path_factory.mktemp("service-plan") / "cdktf.out")
    return Stacks(synth, tools, local_aws, tmp_path_factory.mktemp("service-plan-terraform")).plan(STACK)


def planned(plan, resource_type):
    return plan.resources(resource_type)


def test_plan_only_creates(plan):
    assert plan.changes and set(plan.changes.values()) == {("create",)}


def test_planned_task_definition(plan):
    (task,) = planned(plan, "aws_ecs_task_definition")
    assert (task["cpu"], task["memory"]) == ("256", "512")
    assert task["family"].startswith(f"{STACK}-service-")  # derived from the construct path
    assert (task["network_mode"], task["requires_compatibilities"]) == ("awsvpc", ["FARGATE"])


def test_planned_service_load_balancer_names_the_container(plan):
    (service,) = planned(plan, "aws_ecs_service")
    (load_balancer,) = service["load_balancer"]
    assert (load_balancer["container_name"], load_balancer["container_port"]) == (CONTAINER_NAME, CONTAINER_PORT)


def test_planned_listener_and_target_group(plan):
    (listener,) = planned(plan, "aws_lb_listener")
    (target_group,) = planned(plan, "aws_lb_target_group")
    assert (listener["port"], listener["protocol"]) == (80, "TCP")
    assert (target_group["port"], target_group["target_type"], target_group["deregistration_delay"]) == (
        CONTAINER_PORT,
        "ip",
        "30",
    )


def test_planned_ingress_is_the_vpc_cidr(plan):
    (ingress,) = planned(plan, "aws_vpc_security_group_ingress_rule")
    assert ingress["cidr_ipv4"] == "10.0.0.0/16"
    assert (ingress["from_port"], ingress["to_port"]) == (CONTAINER_PORT, CONTAINER_PORT)


def test_planned_service(plan):
    (service,) = planned(plan, "aws_ecs_service")
    assert (service["launch_type"], service["desired_count"], service["health_check_grace_period_seconds"]) == ("FARGATE", 1, 60)
    assert service["deployment_circuit_breaker"] == [{"enable": True, "rollback": True}]
    assert service["network_configuration"][0]["assign_public_ip"] is False


def test_planned_log_group_retention(plan):
    groups = planned(plan, "aws_cloudwatch_log_group")
    assert sorted(g["name"].split("/")[1] for g in groups) == ["codebuild", "ecs", "vpc"]
    assert {g["retention_in_days"] for g in groups} == {365}


def test_planned_pipeline_stages_in_order_with_approval(plan):
    (pipeline,) = planned(plan, "aws_codepipeline")
    assert [s["name"] for s in pipeline["stage"]] == ["Source", "Build", "Approve", "Deploy"]
    deploy = pipeline["stage"][3]["action"][0]
    assert deploy["configuration"]["FileName"] == "imagedefinitions.json"
    (service,) = planned(plan, "aws_ecs_service")
    assert deploy["configuration"]["ServiceName"] == service["name"]
    assert deploy["configuration"]["ClusterName"] == planned(plan, "aws_ecs_cluster")[0]["name"]


def test_planned_build_project(plan):
    (project,) = planned(plan, "aws_codebuild_project")
    (environment,) = project["environment"]
    assert environment["privileged_mode"] is True
    variables = {v["name"]: v.get("value") for v in environment["environment_variable"]}
    assert variables["CONTAINER_NAME"] == CONTAINER_NAME and variables["AWS_DEFAULT_REGION"] == "us-east-1"
    assert set(variables) == {"AWS_ACCOUNT_ID", "AWS_DEFAULT_REGION", "REPOSITORY_URI", "CONTAINER_NAME"}
    assert project["source"][0]["buildspec"] == BUILDSPEC.read_text()


def test_planned_buckets_are_private_versioned_and_encrypted(plan):
    blocks = planned(plan, "aws_s3_bucket_public_access_block")
    assert len(blocks) == 2  # pipeline artifacts and website content
    for block in blocks:
        assert all(
            block[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
        )
    assert all(v["versioning_configuration"][0]["status"] == "Enabled" for v in planned(plan, "aws_s3_bucket_versioning"))
    for encryption in planned(plan, "aws_s3_bucket_server_side_encryption_configuration"):
        assert encryption["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "AES256"


def test_planned_site_objects_and_config(plan):
    files = {o["key"]: o for o in planned(plan, "aws_s3_object")}
    assert {k: files[k]["content_type"] for k in files} == {
        "index.html": "text/html; charset=utf-8",
        "app.js": "text/javascript; charset=utf-8",
        "style.css": "text/css; charset=utf-8",
        "config.js": "text/javascript; charset=utf-8",
    }
    assert files["config.js"]["content"] == config_js("http://127.0.0.1:8080")
    assert "${" in files["app.js"]["content"]  # JavaScript template literals reach S3 unchanged


def test_planned_distribution_uses_origin_access_control(plan):
    (distribution,) = planned(plan, "aws_cloudfront_distribution")
    assert distribution["default_root_object"] == "index.html"
    assert {o["origin_id"] for o in distribution["origin"]} == {"site", "api"}
    (control,) = planned(plan, "aws_cloudfront_origin_access_control")
    assert control["origin_access_control_origin_type"] == "s3"


def test_no_planned_policy_has_a_wildcard_action(plan):
    import json

    for policy in planned(plan, "aws_iam_role_policy"):
        if "policy" not in policy:
            continue  # rendered from unknown ARNs; checked at synth level
        for statement in json.loads(policy["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any("*" in action for action in actions)
