"""TodoList-Network deployed with the cdktf CLI into the local AWS, checked, then destroyed."""

from __future__ import annotations

import json
import subprocess

import pytest

from main import NETWORK_STACK
from tests.conftest import ROOT, boto3_client

pytestmark = pytest.mark.e2e


def cdktf(tools, tf_env, outdir, *args):
    command = [str(tools.cdktf), *args, "--output", str(outdir)]
    if tools.offline and args[0] != "synth":
        command.append("--skip-provider-lock")
    result = subprocess.run(command, cwd=ROOT, env=tf_env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def deployed(local_aws, tools, tf_env, environment, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("e2e") / "cdktf.out"
    outputs_file = outdir.parent / "outputs.json"
    cdktf(tools, tf_env, outdir, "deploy", NETWORK_STACK, "--auto-approve", "--outputs-file", str(outputs_file))
    return outdir, json.loads(outputs_file.read_text())[NETWORK_STACK]


def our_vpcs(environment):
    ec2 = boto3_client(environment, "ec2")
    return ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["todolist-vpc"]}])["Vpcs"]


def test_outputs_describe_the_deployed_vpc(deployed, environment):
    _, outputs = deployed
    (vpc,) = our_vpcs(environment)
    assert outputs["vpc_id"] == vpc["VpcId"]
    assert outputs["vpc_cidr"] == "10.0.0.0/16"
    ec2 = boto3_client(environment, "ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(outputs["public_subnet_ids"] + outputs["private_subnet_ids"]) == sorted(s["SubnetId"] for s in subnets)


def test_state_is_in_the_state_bucket(deployed, environment):
    s3 = boto3_client(environment, "s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=environment.state_bucket)["Contents"]]
    assert f"{NETWORK_STACK}/terraform.tfstate" in keys


def test_second_diff_shows_no_changes(deployed, tools, tf_env):
    outdir, _ = deployed
    output = cdktf(tools, tf_env, outdir, "diff", NETWORK_STACK)
    assert "No changes." in output


def test_destroy_leaves_no_vpc_behind(deployed, tools, tf_env, environment):
    outdir, _ = deployed
    cdktf(tools, tf_env, outdir, "destroy", NETWORK_STACK, "--auto-approve")
    assert our_vpcs(environment) == []
