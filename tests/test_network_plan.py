"""TodoList-Network planned by real Terraform against the local AWS (the plugin's ``terraform``)."""

from __future__ import annotations

import pytest

from main import NETWORK_STACK

pytestmark = pytest.mark.plan


@pytest.fixture(scope="module")
def plan(terraform):
    return terraform.plan(NETWORK_STACK)


def test_plan_creates_every_resource_and_nothing_else(plan):
    assert plan.changes and set(plan.changes.values()) == {("create",)}
    assert (
        len(plan.changes) == 24
    )  # 19 for the VPC, subnets, routes, gateways and endpoint; 5 for flow logs and the default security group


def test_planned_vpc_cidr(plan):
    assert plan.resource("aws_vpc")["cidr_block"] == "10.0.0.0/16"


def test_planned_subnets_land_in_two_real_zones_of_the_region(plan, local_aws):
    zones = sorted({s["availability_zone"] for s in plan.resources("aws_subnet")})
    assert len(zones) == 2 and all(zone.startswith(local_aws.region) for zone in zones)


def test_planned_dynamodb_endpoint_names_the_region(plan, local_aws):
    assert plan.resource("aws_vpc_endpoint")["service_name"] == f"com.amazonaws.{local_aws.region}.dynamodb"


def test_planned_outputs(plan):
    assert set(plan.outputs) == {"vpc_id", "vpc_cidr", "public_subnet_ids", "private_subnet_ids"}
    assert plan.outputs["vpc_cidr"] == "10.0.0.0/16"
