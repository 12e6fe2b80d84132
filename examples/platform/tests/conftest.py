"""The platform app handed to the cdktf-devkit pytest plugin, and the shared VPC and certificate it looks up."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cdktf_devkit.testing import self_signed_certificate

APP = Path(__file__).resolve().parent.parent / "main.py"


def load_app():
    """examples/platform/main.py under its own module name (the repository's root has a main.py too)."""
    spec = importlib.util.spec_from_file_location("platform_app", APP)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PLATFORM = load_app()


@pytest.fixture(scope="session")
def cdktf_app():
    def build(settings, outdir):
        environment = PLATFORM.Environment(local_port=settings.port, region=settings.region, state_bucket=settings.state_bucket)
        return PLATFORM.build_app(outdir, environment)

    return build


@pytest.fixture(scope="session")
def shared_vpc(local_aws):
    """What another team owns and this app looks up: a tagged VPC with tiered subnets, and a certificate."""
    ec2 = local_aws.client("ec2")
    tag = [{"Key": "Name", "Value": PLATFORM.SHARED_VPC_TAG}]
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tag}])["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = {"public": [], "private": []}
    for i, (tier, zone) in enumerate([(t, z) for t in subnets for z in zones]):
        tags = [{"ResourceType": "subnet", "Tags": [{"Key": "tier", "Value": tier}]}]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{i}.0/24", AvailabilityZone=zone, TagSpecifications=tags)
        subnets[tier].append(subnet["Subnet"]["SubnetId"])
    certificate, key = self_signed_certificate(PLATFORM.CERTIFICATE_DOMAIN)
    arn = local_aws.client("acm").import_certificate(Certificate=certificate, PrivateKey=key)["CertificateArn"]
    return {"vpc_id": vpc, "subnets": subnets, "certificate_arn": arn}
