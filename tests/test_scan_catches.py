"""The policy scan catches what a later change could plant, and passes the app as it is.

Planted into a copy of the real ECS stack (the app synthesized for the ``local`` target, as ``make
scan`` does), each synthesized by cdktf the way the constructs write it (policies through the
library's ``Fn.jsonencode``, or a ``data.aws_iam_policy_document``): a role policy allowing ``s3:*``
on ``*``; the same on a bucket's ARN, its objects and ``*`` (references beside ``*``, which checkov
alone does not read); one allowing ``iam:PassRole`` on ``*``, and the same through a policy
document data source; the service's security group opened to the internet on the container port
8080 (the listener's is 80); a bucket without a public access block. The real checkov
(``.venv-scan``) runs once, over the planted stacks and the clean ones side by side.
"""

from __future__ import annotations

import copy
import json

import cdktf
import pytest
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocument
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule

from cdktf_devkit import hcl, scan
from cdktf_fargate._iam import policy_document
from main import ECS_STACK
from tests.conftest import ROOT
from todolist_devkit import project

TARGET = "local"
PLANTED = ("planted-s3-star", "planted-s3-mixed", "planted-pass-role", "planted-document", "planted-open-8080", "planted-bucket")
IAM_WILDCARD_CHECKS = {"CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355"}


def only_resource(stack: dict, kind: str) -> str:
    (logical_id,) = stack["resource"][kind]
    return logical_id


def task_role(stack: dict) -> str:
    return next(logical_id for logical_id in stack["resource"]["aws_iam_role"] if "task-role" in logical_id)


def plant(stack: dict) -> dict:
    """A copy of ``stack`` with the planted resources, synthesized by cdktf from the library's helpers."""
    role = f"${{aws_iam_role.{task_role(stack)}.name}}"
    group = f"${{aws_security_group.{only_resource(stack, 'aws_security_group')}.id}}"
    planted = cdktf.TerraformStack(cdktf.Testing.app(), "Planted")
    star = policy_document([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])
    IamRolePolicy(planted, "planted-s3-star", role=role, policy=star)
    bucket = S3Bucket(planted, "planted-bucket", bucket="todolist-planted")
    mixed = policy_document([{"Effect": "Allow", "Action": "s3:*", "Resource": [bucket.arn, f"{bucket.arn}/*", "*"]}])
    IamRolePolicy(planted, "planted-s3-mixed", role=role, policy=mixed)
    pass_role = policy_document([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])
    IamRolePolicy(planted, "planted-pass-role", role=role, policy=pass_role)
    document = DataAwsIamPolicyDocument(
        planted, "planted-document", statement=[{"actions": ["iam:PassRole"], "resources": ["*"]}]
    )
    IamRolePolicy(planted, "planted-document-policy", role=role, policy=document.json)
    VpcSecurityGroupIngressRule(
        planted,
        "planted-open-8080",
        security_group_id=group,
        cidr_ipv4="0.0.0.0/0",
        ip_protocol="tcp",
        from_port=8080,
        to_port=8080,
        description="Container port from anywhere",
    )
    merged = copy.deepcopy(stack)
    for block, by_kind in json.loads(json.dumps(planted.to_terraform())).items():
        if block in ("resource", "data"):
            for kind, items in by_kind.items():
                merged.setdefault(block, {}).setdefault(kind, {}).update(items)
    return merged


@pytest.fixture(scope="module")
def stacks(tmp_path_factory) -> dict[str, dict]:
    variables = project.scan_environments[TARGET]
    return scan.synthesize(ROOT, TARGET, variables, tmp_path_factory.mktemp("synth"))


@pytest.fixture(scope="module")
def schema(tools) -> hcl.Schema:
    return hcl.provider_schema(tools)


@pytest.fixture(scope="module")
def results(stacks, schema, tmp_path_factory) -> dict[str, dict[str, scan.StackResult]]:
    """The clean stacks and the planted ones, scanned side by side in one checkov run."""
    planted = {**stacks, ECS_STACK: plant(stacks[ECS_STACK])}
    return scan.check({"clean": stacks, "planted": planted}, tmp_path_factory.mktemp("scan"), schema)


@pytest.fixture(scope="module")
def clean_results(results) -> dict[str, scan.StackResult]:
    return results["clean"]


@pytest.fixture(scope="module")
def planted_results(results) -> dict[str, scan.StackResult]:
    return results["planted"]


def failed(result: scan.StackResult) -> dict[str, set[str]]:
    """Logical id -> the ids of the checks it failed (unnoted)."""
    by_resource: dict[str, set[str]] = {}
    for failure in result.failed:
        check_id, rest = failure.split(" ", 1)
        by_resource.setdefault(rest.split(":", 1)[0], set()).add(check_id)
    return by_resource


def test_the_app_as_it_is_passes_the_scan(clean_results):
    assert clean_results.keys() == {"TodoList-CICD", "TodoList-ECR", ECS_STACK, "TodoList-Network", "TodoList-Website"}
    for stack, result in clean_results.items():
        assert (stack, result.failed, result.stale) == (stack, [], [])
    assert clean_results[ECS_STACK].iam_checks > 0


def test_a_policy_allowing_s3_star_on_every_resource_fails(planted_results):
    assert IAM_WILDCARD_CHECKS <= failed(planted_results[ECS_STACK])["planted-s3-star"]


def test_a_policy_allowing_s3_star_on_references_and_every_resource_fails(planted_results):
    assert IAM_WILDCARD_CHECKS <= failed(planted_results[ECS_STACK])["planted-s3-mixed"]


def test_a_policy_allowing_pass_role_on_every_role_fails(planted_results):
    assert {"CKV_AWS_289", "CKV_AWS_355"} <= failed(planted_results[ECS_STACK])["planted-pass-role"]


def test_pass_role_on_every_role_through_a_policy_document_fails_on_the_document(planted_results):
    assert {"CKV_AWS_109", "CKV_AWS_356"} <= failed(planted_results[ECS_STACK])["planted-document"]
    assert "planted-document-policy" not in failed(planted_results[ECS_STACK])  # read through its document


def test_the_internet_on_a_port_other_than_the_listeners_fails(planted_results):
    assert failed(planted_results[ECS_STACK])["planted-open-8080"] == {scan.INGRESS_CHECK_ID}


def test_a_bucket_without_a_public_access_block_fails(planted_results):
    assert "CKV2_AWS_6" in failed(planted_results[ECS_STACK])["planted-bucket"]


def test_only_the_planted_resources_fail(planted_results):
    for stack, result in planted_results.items():
        assert set(failed(result)) == (set(PLANTED) if stack == ECS_STACK else set()), stack
        assert result.stale == [], stack
