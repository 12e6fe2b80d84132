"""TodoList-Network planned by real Terraform against the local AWS (tftest)."""

from __future__ import annotations

import pytest
import tftest

from main import NETWORK_STACK
from tests.conftest import copy_stack

pytestmark = pytest.mark.plan


@pytest.fixture(scope="module")
def plan(synth, local_aws, tools, tf_env, tmp_path_factory):
    stack_dir = copy_stack(synth, NETWORK_STACK, tmp_path_factory.mktemp("plan"))
    terraform = tftest.TerraformTest(tfdir=str(stack_dir), binary=tools.terraform, env=tf_env)
    terraform.setup(cleanup_on_exit=False)
    return terraform.plan(output=True)


def planned(plan, resource_type):
    return [r["values"] for r in plan.root_module["resources"] if r["type"] == resource_type and r["mode"] == "managed"]


def test_plan_creates_every_resource_and_nothing_else(plan):
    actions = {change["address"]: change["change"]["actions"] for change in plan.resource_changes.values()}
    assert actions and all(a == ["create"] for a in actions.values())
    assert len(actions) == 24  # 19 for the VPC, subnets, routes, gateways and endpoint; 5 for flow logs and the default security group


def test_planned_vpc_cidr(plan):
    (vpc,) = planned(plan, "aws_vpc")
    assert vpc["cidr_block"] == "10.0.0.0/16"


def test_planned_subnets_land_in_two_real_zones_of_the_region(plan, environment):
    zones = sorted({s["availability_zone"] for s in planned(plan, "aws_subnet")})
    assert len(zones) == 2 and all(zone.startswith(environment.region) for zone in zones)


def test_planned_dynamodb_endpoint_names_the_region(plan, environment):
    (endpoint,) = planned(plan, "aws_vpc_endpoint")
    assert endpoint["service_name"] == f"com.amazonaws.{environment.region}.dynamodb"


def test_planned_outputs(plan):
    ours = {name for name in plan.outputs if not name.startswith("cross-stack-output-")}
    assert ours == {"vpc_id", "vpc_cidr", "public_subnet_ids", "private_subnet_ids"}
    assert plan.outputs["vpc_cidr"] == "10.0.0.0/16"
