"""NetworkConfig choices and mistakes, synthesized in isolation."""

from __future__ import annotations

import json

import pytest

from cdktf_fargate import ConfigError, Network, NetworkConfig

pytestmark = pytest.mark.unit


def synth_network(config: NetworkConfig) -> dict:
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    Network(stack, "network", config=config)
    return json.loads(Testing.synth(stack))["resource"]


def test_no_nat_gateway_leaves_private_subnets_without_an_internet_route():
    resources = synth_network(NetworkConfig(nat_gateway_count=0))
    assert "aws_nat_gateway" not in resources and "aws_eip" not in resources
    assert [r for r in resources["aws_route"].values() if "nat_gateway_id" in r] == []


def test_one_nat_gateway_per_zone_routes_each_private_subnet_to_its_own():
    resources = synth_network(NetworkConfig(az_count=3, nat_gateway_count=3))
    assert len(resources["aws_nat_gateway"]) == 3
    targets = {r["nat_gateway_id"] for r in resources["aws_route"].values() if "nat_gateway_id" in r}
    assert len(targets) == 3


def test_explicit_zones_are_used_verbatim():
    resources = synth_network(NetworkConfig(availability_zones=("eu-west-1b", "eu-west-1c")))
    assert {s["availability_zone"] for s in resources["aws_subnet"].values()} == {"eu-west-1b", "eu-west-1c"}


def test_endpoint_can_be_left_out():
    assert "aws_vpc_endpoint" not in synth_network(NetworkConfig(enable_dynamodb_endpoint=False))


def test_subnet_cidrs_follow_the_vpc_cidr():
    public, private = NetworkConfig(cidr="172.20.0.0/20", az_count=3, subnet_newbits=4).subnet_cidrs()
    assert public == ("172.20.0.0/24", "172.20.1.0/24", "172.20.2.0/24")
    assert private == ("172.20.8.0/24", "172.20.9.0/24", "172.20.10.0/24")


def test_tags_reach_every_resource():
    resources = synth_network(NetworkConfig(tags={"team": "platform"}))
    tagged = [r for kind in resources.values() for r in kind.values() if "tags" in r]
    assert tagged and all(r["tags"]["team"] == "platform" for r in tagged)


@pytest.mark.parametrize(
    ("settings", "field", "hint"),
    [
        ({"cidr": "10.0.0.0/33"}, "cidr", "IPv4 CIDR"),
        ({"cidr": "10.0.0.1/16"}, "cidr", "no host bits"),
        ({"cidr": "10.0.0.0/8"}, "cidr", "between /16 and /24"),
        ({"cidr": "not-a-cidr"}, "cidr", "IPv4 CIDR"),
        ({"az_count": 0}, "az_count", "between 1 and 6"),
        ({"az_count": 7}, "az_count", "between 1 and 6"),
        ({"az_count": "2"}, "az_count", "integer"),
        ({"nat_gateway_count": 3}, "nat_gateway_count", "between 0 and 2"),
        ({"nat_gateway_count": -1}, "nat_gateway_count", "between 0 and 2"),
        ({"availability_zones": ("us-east-1a",)}, "availability_zones", "exactly az_count=2"),
        ({"availability_zones": ("us-east-1a", "us-east-1a")}, "availability_zones", "not repeat"),
        ({"availability_zones": "us-east-1a"}, "availability_zones", "tuple of strings"),
        ({"cidr": "10.0.0.0/24", "subnet_newbits": 8}, "subnet_newbits", "at most 4"),
        ({"az_count": 6, "subnet_newbits": 3}, "subnet_newbits", "room for 12 subnets"),
        ({"name": "9lives"}, "name", "start with a letter"),
        ({"name": "has space"}, "name", "holds ' '; network names must be 1-32 characters of letters, digits and '-'"),
        ({"enable_dynamodb_endpoint": "yes"}, "enable_dynamodb_endpoint", "True or False"),
        ({"tags": {"team": 7}}, "tags", "strings to strings"),
        ({"enable_flow_logs": 1}, "enable_flow_logs", "True or False"),
        ({"flow_log_retention_days": 100}, "flow_log_retention_days", "365"),
    ],
)
def test_bad_config_is_rejected_naming_field_value_and_what_is_allowed(settings, field, hint):
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(**settings)
    error = caught.value
    assert error.field == field
    assert str(error).startswith(f"{field}: got {settings[field]!r}")
    assert hint in str(error)


def test_construct_rejects_a_config_of_the_wrong_type():
    from cdktf import TerraformStack, Testing

    with pytest.raises(ConfigError, match="config: got .* must be a NetworkConfig"):
        Network(TerraformStack(Testing.app(), "test"), "network", config={"cidr": "10.0.0.0/16"})


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"vpc_id": "vpc-xyz"}, "vpc_id"),
        ({"vpc_cidr": "10.0.0.0/33"}, "vpc_cidr"),
        ({"public_subnet_ids": ()}, "public_subnet_ids"),
        ({"private_subnet_ids": ("sub-123",)}, "private_subnet_ids"),
    ],
)
def test_bad_existing_network_is_rejected(settings, field):
    from cdktf_fargate import ExistingNetwork

    good = {
        "vpc_id": "vpc-0a1b2c3d",
        "vpc_cidr": "10.0.0.0/16",
        "public_subnet_ids": ("subnet-0a1b2c3d",),
        "private_subnet_ids": ("subnet-0a1b2c3e",),
    }
    with pytest.raises(ConfigError) as caught:
        ExistingNetwork(**{**good, **settings})
    assert caught.value.field == field
