"""The Orders service planned by real Terraform against the plugin's local AWS: no account needed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.plan

STACK = "Orders-Service"


@pytest.fixture(scope="module")
def plan(terraform):
    return terraform.plan(STACK)


def test_first_plan_only_creates(plan):
    assert plan.changes and set(plan.changes.values()) == {("create",)}


def test_the_service_runs_its_container_on_its_port_with_its_size(plan):
    (load_balancer,) = plan.resource("aws_ecs_service")["load_balancer"]
    assert (load_balancer["container_name"], load_balancer["container_port"]) == ("orders-api", 9000)
    task = plan.resource("aws_ecs_task_definition")
    assert (task["cpu"], task["memory"]) == ("512", "1024")
    assert plan.resource("aws_ecr_repository")["name"] == "orders/api"


def test_the_service_joins_the_existing_network_instead_of_creating_one(plan):
    assert plan.resources("aws_vpc") == []
    (configuration,) = plan.resource("aws_ecs_service")["network_configuration"]
    assert configuration["subnets"] == ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"]
    assert configuration["assign_public_ip"] is False
