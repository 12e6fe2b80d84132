"""TodoList-Network as synthesized JSON."""

from __future__ import annotations

import json

import pytest

from main import NETWORK_STACK
from tests.synth_json import decode

pytestmark = pytest.mark.unit


def test_one_vpc_with_the_seed_cidr_and_dns(synth):
    (vpc,) = synth.resources(NETWORK_STACK, "aws_vpc").values()
    assert vpc["cidr_block"] == "10.0.0.0/16"
    assert vpc["enable_dns_support"] is True and vpc["enable_dns_hostnames"] is True


def test_two_public_and_two_private_subnets_with_cidrs_derived_from_the_vpc(synth):
    subnets = synth.resources(NETWORK_STACK, "aws_subnet").values()
    by_tier = {tier: sorted(s["cidr_block"] for s in subnets if s["tags"]["tier"] == tier) for tier in ("public", "private")}
    assert by_tier == {"public": ["10.0.0.0/24", "10.0.1.0/24"], "private": ["10.0.128.0/24", "10.0.129.0/24"]}


def test_subnets_spread_over_two_distinct_zones(synth):
    subnets = list(synth.resources(NETWORK_STACK, "aws_subnet").values())
    zones = {s["availability_zone"] for s in subnets}
    assert len(zones) == 2
    assert all("data.aws_availability_zones" in zone for zone in zones)


def test_public_subnets_do_not_hand_out_public_ips(synth):
    public = [s for s in synth.resources(NETWORK_STACK, "aws_subnet").values() if s["tags"]["tier"] == "public"]
    assert all(s["map_public_ip_on_launch"] is False for s in public)


def test_one_nat_gateway_serves_both_private_route_tables(synth):
    nats = synth.resources(NETWORK_STACK, "aws_nat_gateway")
    assert len(nats) == 1
    assert len(synth.resources(NETWORK_STACK, "aws_eip")) == 1
    routes = synth.resources(NETWORK_STACK, "aws_route").values()
    private_defaults = [r for r in routes if "nat_gateway_id" in r]
    assert len(private_defaults) == 2
    (nat_name,) = nats
    assert all(nat_name in r["nat_gateway_id"] for r in private_defaults)


def test_public_route_table_routes_to_the_internet_gateway(synth):
    routes = synth.resources(NETWORK_STACK, "aws_route").values()
    (public_default,) = [r for r in routes if "gateway_id" in r]
    assert public_default["destination_cidr_block"] == "0.0.0.0/0"
    assert "aws_internet_gateway" in public_default["gateway_id"]


def test_dynamodb_gateway_endpoint_on_both_private_route_tables(synth):
    (endpoint,) = synth.resources(NETWORK_STACK, "aws_vpc_endpoint").values()
    assert endpoint["vpc_endpoint_type"] == "Gateway"
    assert endpoint["service_name"].endswith(".dynamodb")
    assert len(endpoint["route_table_ids"]) == 2


def test_resource_counts(synth):
    counts = {kind: len(items) for kind, items in synth.stacks[NETWORK_STACK]["resource"].items()}
    assert counts == {
        "aws_vpc": 1,
        "aws_internet_gateway": 1,
        "aws_subnet": 4,
        "aws_route_table": 3,
        "aws_route_table_association": 4,
        "aws_route": 3,
        "aws_eip": 1,
        "aws_nat_gateway": 1,
        "aws_vpc_endpoint": 1,
        "aws_default_security_group": 1,
        "aws_flow_log": 1,
        "aws_cloudwatch_log_group": 1,
        "aws_iam_role": 1,
        "aws_iam_role_policy": 1,
    }


def test_the_default_security_group_is_adopted_without_rules(synth):
    (group,) = synth.resources(NETWORK_STACK, "aws_default_security_group").values()
    assert "ingress" not in group and "egress" not in group
    assert group["vpc_id"].startswith("${aws_vpc.")


def test_flow_logs_record_all_traffic_into_their_own_log_group(synth):
    (flow_log,) = synth.resources(NETWORK_STACK, "aws_flow_log").values()
    (log_group,) = synth.resources(NETWORK_STACK, "aws_cloudwatch_log_group").values()
    (role,) = synth.resources(NETWORK_STACK, "aws_iam_role").values()
    (policy,) = synth.resources(NETWORK_STACK, "aws_iam_role_policy").values()
    assert flow_log["traffic_type"] == "ALL" and flow_log["log_destination_type"] == "cloud-watch-logs"
    assert log_group["retention_in_days"] == 365
    assert decode(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    (statement,) = decode(policy["policy"])["Statement"]
    assert all(resource.startswith("${aws_cloudwatch_log_group.") for resource in statement["Resource"])


def test_flow_logs_can_be_turned_off():
    from cdktf import TerraformStack, Testing

    from cdktf_fargate import Network, NetworkConfig

    stack = TerraformStack(Testing.app(), "s")
    Network(stack, "network", config=NetworkConfig(enable_flow_logs=False))
    resources = json.loads(Testing.synth(stack))["resource"]
    assert "aws_flow_log" not in resources and "aws_default_security_group" in resources


def test_outputs_name_the_vpc_and_subnets(synth):
    outputs = {name for name in synth.stacks[NETWORK_STACK]["output"] if not name.startswith("cross-stack-output-")}
    assert outputs == {"vpc_id", "vpc_cidr", "public_subnet_ids", "private_subnet_ids"}


def test_s3_backend_with_encryption_lockfile_and_a_key_per_stack(synth, environment):
    backend = synth.stacks[NETWORK_STACK]["terraform"]["backend"]["s3"]
    assert backend["bucket"] == environment.state_bucket
    assert backend["key"] == f"{NETWORK_STACK}/terraform.tfstate"
    assert backend["encrypt"] is True
    assert backend["use_lockfile"] is True


def test_local_environment_points_the_backend_at_loopback_and_the_provider_at_terraforms_environment(synth, environment):
    """The provider carries no endpoints block (it costs a provider process about 4 CPU-seconds):
    Terraform runs with the local AWS's AWS_ENDPOINT_URL instead."""
    stack = synth.stacks[NETWORK_STACK]
    (provider,) = stack["provider"]["aws"]
    assert "endpoints" not in provider and provider["access_key"] == "test"
    assert environment.local_aws().env()["AWS_ENDPOINT_URL"] == environment.endpoint
    assert stack["terraform"]["backend"]["s3"]["endpoints"]["s3"] == environment.endpoint


def test_aws_provider_is_pinned_to_the_bindings_version(synth):
    assert synth.stacks[NETWORK_STACK]["terraform"]["required_providers"]["aws"]["version"] == "5.100.0"
