"""Terraform values welcome, for real: the app of tests/test_tokens_unit.py (lookups and cross-stack
references in every id/ARN field) applies its shared stack and plans its team stack against the local
AWS once the looked-up things exist (each of which validates the stack first)."""

from __future__ import annotations

import pytest

from cdktf_devkit.testing import self_signed_certificate
from cdktf_fargate import Environment
from tests.test_tokens_unit import LOOKUPS, SHARED, TEAM, build_app

pytestmark = pytest.mark.e2e  # it applies the shared stack to plan the team stack against its state


def create_lookup_targets(local_aws) -> None:
    """What Tokens-Team looks up: a tagged VPC with tiered subnets, a certificate, a parameter, a secret, a cluster."""
    ec2 = local_aws.client("ec2")
    vpc = ec2.create_vpc(
        CidrBlock="10.42.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": LOOKUPS["vpc_tag"]}]}],
    )["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    for i, (tier, zone) in enumerate([(t, z) for t in ("public", "private") for z in zones]):
        ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.42.{i}.0/24",
            AvailabilityZone=zone,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "tier", "Value": tier}]}],
        )
    certificate, key = self_signed_certificate(LOOKUPS["certificate_domain"])
    local_aws.client("acm").import_certificate(Certificate=certificate, PrivateKey=key)
    local_aws.client("ssm").put_parameter(Name=LOOKUPS["parameter"], Value="not-a-real-secret", Type="SecureString")
    local_aws.client("secretsmanager").create_secret(Name=LOOKUPS["secret"], SecretString="not-a-real-secret")
    local_aws.client("ecs").create_cluster(clusterName=LOOKUPS["cluster"])


@pytest.fixture(scope="module")
def stacks(local_aws, terraform_toolchain, tmp_path_factory):
    from cdktf_devkit.testing import Stacks, synthesize

    def app(settings, outdir):
        environment = Environment(local_port=settings.port, region=settings.region, state_bucket=settings.state_bucket)
        return build_app(environment, outdir, with_connection=False)  # the local AWS has no CodeStar connections

    synth = synthesize(app, local_aws, tmp_path_factory.mktemp("tokens-synth") / "cdktf.out")
    stacks = Stacks(synth, terraform_toolchain, local_aws, tmp_path_factory.mktemp("tokens-terraform"))
    create_lookup_targets(local_aws)
    yield stacks
    for stack in list(reversed(stacks.applied)):
        stacks.destroy(stack)


def test_the_team_stack_plans_from_lookups_and_the_shared_stacks_outputs(stacks):
    stacks.apply(SHARED)
    plan = stacks.plan(TEAM)
    assert plan.changes and set(plan.changes.values()) == {("create",)}
    services = plan.resources("aws_ecs_service")
    assert len(services) == 2
    (listener,) = [l for l in plan.resources("aws_lb_listener") if l.get("protocol") == "TLS"]
    assert listener["certificate_arn"].startswith("arn:aws:acm:")
    security_groups = plan.resources("aws_security_group")
    assert any(g.get("vpc_id", "").startswith("vpc-") for g in security_groups)
