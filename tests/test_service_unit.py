"""TodoList-ECR and TodoList-ECS as synthesized JSON."""

from __future__ import annotations

import json

import pytest

from main import ECR_STACK, ECS_STACK
from tests.synth_json import decode
from todolist_names import CONTAINER_NAME, CONTAINER_PORT, REPOSITORY_NAME

pytestmark = pytest.mark.unit


def one(synth, stack, resource_type):
    (resource,) = synth.resources(stack, resource_type).values()
    return resource


def policies(synth, stack):
    return {r["name"]: decode(r["policy"]) for r in synth.resources(stack, "aws_iam_role_policy").values()}


def test_repository_name_scan_on_push_and_encryption(synth):
    repository = one(synth, ECR_STACK, "aws_ecr_repository")
    assert repository["name"] == REPOSITORY_NAME
    assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    assert repository["image_tag_mutability"] == "MUTABLE"
    assert repository["encryption_configuration"] == [{"encryption_type": "AES256"}]


def test_repository_is_force_deleted_only_on_the_local_aws(synth):
    assert one(synth, ECR_STACK, "aws_ecr_repository")["force_delete"] is True


def test_lifecycle_keeps_20_images_and_expires_untagged_after_7_days(synth):
    rules = decode(one(synth, ECR_STACK, "aws_ecr_lifecycle_policy")["policy"])["rules"]
    assert rules[0]["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 7,
    }
    assert rules[1]["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 20}


def test_ecr_outputs(synth):
    assert {"repository_name", "repository_url", "repository_arn"} <= set(synth.stacks[ECR_STACK]["output"])


def test_cluster_has_container_insights(synth):
    cluster = one(synth, ECS_STACK, "aws_ecs_cluster")
    assert cluster["name"] == "TodoList-Cluster"
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]


def test_task_definition_is_fargate_256_512_with_the_shared_container_name(synth):
    task = one(synth, ECS_STACK, "aws_ecs_task_definition")
    assert (task["cpu"], task["memory"], task["network_mode"], task["requires_compatibilities"]) == (
        "256",
        "512",
        "awsvpc",
        ["FARGATE"],
    )
    (container,) = decode(task["container_definitions"])
    assert container["name"] == CONTAINER_NAME
    assert container["portMappings"] == [{"containerPort": CONTAINER_PORT, "hostPort": CONTAINER_PORT, "protocol": "tcp"}]
    assert container["image"].endswith(":latest") and "TodoList-ECR" in container["image"]
    assert container["logConfiguration"]["logDriver"] == "awslogs"


def test_log_group_keeps_a_year(synth):
    assert one(synth, ECS_STACK, "aws_cloudwatch_log_group")["retention_in_days"] == 365


def test_both_roles_trust_only_ecs_tasks(synth):
    for role in synth.resources(ECS_STACK, "aws_iam_role").values():
        (statement,) = decode(role["assume_role_policy"])["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRole"


def test_execution_role_pulls_only_this_repository_and_writes_only_its_log_group(synth):
    statements = policies(synth, ECS_STACK)["pull-image-write-logs"]["Statement"]
    by_action = {json.dumps(s["Action"]): s["Resource"] for s in statements}
    assert by_action['"ecr:GetAuthorizationToken"'] == "*"
    pull = by_action['["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]']
    assert "TodoList-ECR" in pull and pull != "*"
    logs = by_action['["logs:CreateLogStream", "logs:PutLogEvents"]']
    assert "aws_cloudwatch_log_group" in logs and logs.endswith(":*")


def test_no_action_wildcards_anywhere(synth):
    for stack in (ECR_STACK, ECS_STACK):
        for policy in policies(synth, stack).values():
            for statement in policy["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert not any("*" in action for action in actions)


def test_service_runs_in_private_subnets_without_public_ip(synth):
    service = one(synth, ECS_STACK, "aws_ecs_service")
    network = service["network_configuration"]
    assert network["assign_public_ip"] is False
    assert all("private" in subnet for subnet in network["subnets"])
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    assert service["load_balancer"][0]["container_name"] == CONTAINER_NAME


def test_security_group_opens_the_container_port_to_the_vpc_only(synth):
    (ingress,) = synth.resources(ECS_STACK, "aws_vpc_security_group_ingress_rule").values()
    assert (ingress["from_port"], ingress["to_port"], ingress["ip_protocol"]) == (CONTAINER_PORT, CONTAINER_PORT, "tcp")
    assert "0.0.0.0/0" not in json.dumps(ingress)
    assert "cidr_block" in ingress["cidr_ipv4"]


def test_public_nlb_in_public_subnets_with_cross_zone(synth):
    nlb = one(synth, ECS_STACK, "aws_lb")
    assert nlb["load_balancer_type"] == "network" and nlb["internal"] is False
    assert nlb["enable_cross_zone_load_balancing"] is True
    assert all("public" in subnet for subnet in nlb["subnets"])


def test_listener_80_forwards_to_an_ip_target_group_on_8080(synth):
    listener = one(synth, ECS_STACK, "aws_lb_listener")
    assert (listener["port"], listener["protocol"]) == (80, "TCP")
    target_group = one(synth, ECS_STACK, "aws_lb_target_group")
    assert (target_group["port"], target_group["protocol"], target_group["target_type"]) == (CONTAINER_PORT, "TCP", "ip")
    assert target_group["health_check"]["protocol"] == "TCP"
    assert "aws_lb_target_group" in listener["default_action"][0]["target_group_arn"]


def test_ecs_outputs(synth):
    assert {"LoadBalancerDNS", "cluster_name", "service_name", "task_definition_family", "log_group_name"} <= set(
        synth.stacks[ECS_STACK]["output"]
    )


def test_ecs_stack_reads_network_and_repository_through_remote_state(synth):
    remote = synth.stacks[ECS_STACK]["data"]["terraform_remote_state"]
    assert {r["config"]["key"] for r in remote.values()} == {
        "TodoList-Network/terraform.tfstate",
        "TodoList-ECR/terraform.tfstate",
    }
