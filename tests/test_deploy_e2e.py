"""Every stack deployed with the cdktf CLI into the local AWS, checked, diffed, then destroyed."""

from __future__ import annotations

import json
import subprocess

import pytest

from main import ECR_STACK, ECS_STACK, NETWORK_STACK
from tests.conftest import ROOT, boto3_client
from todolist_cdktf.names import CLUSTER_NAME, CONTAINER_NAME, REPOSITORY_NAME

pytestmark = pytest.mark.e2e

STACKS = (NETWORK_STACK, ECR_STACK, ECS_STACK)


def cdktf(tools, tf_env, outdir, *args):
    command = [str(tools.cdktf), *args, "--output", str(outdir)]
    if tools.offline and args[0] != "synth":
        command.append("--skip-provider-lock")
    result = subprocess.run(command, cwd=ROOT, env=tf_env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def deployed(local_aws, tools, tf_env, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("e2e") / "cdktf.out"
    outputs_file = outdir.parent / "outputs.json"
    cdktf(tools, tf_env, outdir, "deploy", "*", "--auto-approve", "--outputs-file", str(outputs_file))
    return outdir, json.loads(outputs_file.read_text())


def our_vpcs(environment):
    return boto3_client(environment, "ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["todolist-vpc"]}])["Vpcs"]


def test_network_outputs_describe_the_deployed_vpc(deployed, environment):
    outputs = deployed[1][NETWORK_STACK]
    (vpc,) = our_vpcs(environment)
    assert (outputs["vpc_id"], outputs["vpc_cidr"]) == (vpc["VpcId"], "10.0.0.0/16")
    subnets = boto3_client(environment, "ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(outputs["public_subnet_ids"] + outputs["private_subnet_ids"]) == sorted(s["SubnetId"] for s in subnets)


def test_repository_is_deployed_with_scan_on_push(deployed, environment):
    outputs = deployed[1][ECR_STACK]
    (repository,) = boto3_client(environment, "ecr").describe_repositories(repositoryNames=[REPOSITORY_NAME])["repositories"]
    assert outputs["repository_url"] == repository["repositoryUri"]
    assert repository["imageScanningConfiguration"]["scanOnPush"] is True


def test_service_runs_behind_the_load_balancer_named_in_the_outputs(deployed, environment):
    outputs = deployed[1][ECS_STACK]
    (nlb,) = boto3_client(environment, "elbv2").describe_load_balancers()["LoadBalancers"]
    assert outputs["LoadBalancerDNS"] == nlb["DNSName"]
    assert nlb["Type"] == "network"
    ecs = boto3_client(environment, "ecs")
    (service,) = ecs.describe_services(cluster=CLUSTER_NAME, services=[outputs["service_name"]])["services"]
    assert service["loadBalancers"][0]["containerName"] == CONTAINER_NAME
    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert task["containerDefinitions"][0]["image"] == f"{deployed[1][ECR_STACK]['repository_url']}:latest"


def test_state_of_every_stack_is_in_the_state_bucket(deployed, environment):
    keys = {o["Key"] for o in boto3_client(environment, "s3").list_objects_v2(Bucket=environment.state_bucket)["Contents"]}
    assert {f"{stack}/terraform.tfstate" for stack in STACKS} <= keys


@pytest.mark.parametrize("stack", STACKS)
def test_second_diff_shows_no_changes(deployed, tools, tf_env, stack):
    assert "No changes." in cdktf(tools, tf_env, deployed[0], "diff", stack, "--skip-synth")


def test_destroy_leaves_nothing_behind(deployed, tools, tf_env, environment):
    cdktf(tools, tf_env, deployed[0], "destroy", "*", "--auto-approve", "--skip-synth")
    assert our_vpcs(environment) == []
    assert boto3_client(environment, "ecr").describe_repositories()["repositories"] == []
    assert boto3_client(environment, "elbv2").describe_load_balancers()["LoadBalancers"] == []
