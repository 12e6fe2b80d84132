"""The policy scan's bookkeeping: notes next to resources turn failures into suppressions, and only those;
a policy checkov did not read fails; documents reach checkov as literals. (Planted findings against the
real checkov: test_scan_catches.py.)"""

from __future__ import annotations

import json

import cdktf
import pytest
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

from cdktf_devkit import hcl, scan
from cdktf_fargate import ContainerRepository, FargateTaskDefinition, SidecarContainer, TaskDefinitionConfig
from cdktf_fargate._iam import policy_document
from cdktf_fargate._terraform import skip_check

pytestmark = pytest.mark.unit


def synthesized(build):
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "Demo")
    build(stack)
    return json.loads(json.dumps(stack.to_terraform()))  # with the "//" notes, which Testing.synth drops


def report(failed=(), passed=()):
    def check(check_id, resource):
        return {"check_id": check_id, "resource": resource, "check_name": f"name of {check_id}", "file_path": "/Demo/main.tf"}

    return {"results": {"failed_checks": [check(*f) for f in failed], "passed_checks": [check(*p) for p in passed]}}


def test_a_note_on_a_resource_lands_in_its_comment_object():
    stack = synthesized(lambda s: skip_check(S3Bucket(s, "bucket"), "CKV_AWS_18", "why"))
    assert scan.skip_notes(stack) == {"bucket": {"CKV_AWS_18": "why"}}
    assert stack["resource"]["aws_s3_bucket"]["bucket"]["//"]["metadata"]["path"] == "Demo/bucket"  # cdktf's own note stays


def test_a_note_on_a_data_source_lands_in_the_stack_comment_object():
    stack = synthesized(lambda s: skip_check(DataAwsRegion(s, "region"), "CKV_AWS_999", "why"))
    assert scan.skip_notes(stack) == {"region": {"CKV_AWS_999": "why"}}


def test_a_failure_with_a_note_is_suppressed_and_one_without_fails():
    stack = synthesized(lambda s: skip_check(S3Bucket(s, "bucket"), "CKV_AWS_18", "why"))
    failed = [("CKV_AWS_18", "aws_s3_bucket.bucket"), ("CKV_AWS_145", "aws_s3_bucket.bucket")]
    result = scan.classify(report(failed=failed, passed=[("CKV_AWS_21", "aws_s3_bucket.bucket")]), {"Demo": stack})["Demo"]
    assert result.passed == 1
    assert result.suppressed == [("CKV_AWS_18", "bucket", "why")]
    assert result.failed == ["CKV_AWS_145 bucket: name of CKV_AWS_145"]
    assert result.stale == []


def test_a_note_for_a_check_that_does_not_fail_is_stale():
    stack = synthesized(lambda s: skip_check(S3Bucket(s, "bucket"), "CKV_AWS_18", "why"))
    result = scan.classify(report(passed=[("CKV_AWS_18", "aws_s3_bucket.bucket")]), {"Demo": stack})["Demo"]
    assert result.failed == [] and result.suppressed == []
    assert result.stale == ["CKV_AWS_18 bucket: noted as not met, but the check does not fail"]


def test_a_note_on_one_resource_does_not_cover_another():
    def build(s):
        skip_check(S3Bucket(s, "one"), "CKV_AWS_18", "why")
        S3Bucket(s, "two")

    failed = [("CKV_AWS_18", "aws_s3_bucket.one"), ("CKV_AWS_18", "aws_s3_bucket.two")]
    result = scan.classify(report(failed=failed), {"Demo": synthesized(build)})["Demo"]
    assert [s[1] for s in result.suppressed] == ["one"] and result.failed == ["CKV_AWS_18 two: name of CKV_AWS_18"]


def test_security_md_holds_the_figures_of_a_document():
    results = {
        "local": {"Demo": scan.StackResult(passed=3, suppressed=[("CKV_AWS_18", "bucket", "why")], iam_checks=2)},
        "aws": {"Demo": scan.StackResult(passed=3, suppressed=[])},
    }
    text = scan.document(results)
    assert "| local | Demo | 3 | 0 | 1 | 2 |" in text and "| aws | Demo | 3 | 0 | 0 | 0 |" in text
    assert "| Demo | `bucket` | CKV_AWS_18 | why (local only) |" in text


def two_policies(s):
    bucket = S3Bucket(s, "bucket")
    statements = [{"Effect": "Allow", "Action": "s3:*", "Resource": [bucket.arn, f"{bucket.arn}/*", "*"]}]
    IamRolePolicy(s, "read", role="r", policy=policy_document(statements))
    IamRolePolicy(s, "unread", role="r", policy=policy_document(statements))


def test_checks_on_iam_resources_are_counted_and_a_policy_no_policy_check_read_fails():
    passed = [
        ("CKV_AWS_290", "aws_iam_role_policy.read"),
        ("CKV_AWS_62", "aws_iam_role_policy.unread"),
        ("CKV_AWS_21", "aws_s3_bucket.bucket"),
    ]
    result = scan.classify(report(passed=passed), {"Demo": synthesized(two_policies)})["Demo"]
    assert result.passed == 3 and result.iam_checks == 2
    assert result.failed == ["UNREAD unread: checkov could not read its policy, so no IAM check ran on it"]


def test_a_policy_that_is_a_policy_document_data_source_is_read_through_the_document():
    stack = {
        "resource": {"aws_iam_role_policy": {"p": {"policy": "${data.aws_iam_policy_document.doc.json}"}}},
        "data": {"aws_iam_policy_document": {"doc": {"statement": [{"actions": ["s3:GetObject"]}]}}},
    }
    assert scan.unread_policies(report(), {"Demo": stack}) == [("Demo", "p")]
    assert scan.unread_policies(report(passed=[("CKV_AWS_356", "aws_iam_policy_document.doc")]), {"Demo": stack}) == []


def test_a_jsonencode_written_by_cdktf_decodes_to_its_document_with_each_reference_as_text():
    policy = synthesized(two_policies)["resource"]["aws_iam_role_policy"]["read"]["policy"]
    assert policy.startswith("${jsonencode(")  # as cdktf writes it: references bare and inside strings
    assert hcl.jsonencoded(policy, interpolation=lambda expression: f"<{expression}>") == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": ["<aws_s3_bucket.bucket.arn>", "<aws_s3_bucket.bucket.arn>/*", "*"]}
        ],
    }


@pytest.mark.parametrize(
    ("template", "decoded"),
    [
        (
            '${jsonencode({"a" = 1.5, b = true, "c": null, "d" = [], "e" = {}})}',
            {"a": 1.5, "b": True, "c": None, "d": [], "e": {}},
        ),
        (
            '${jsonencode({"q" = "say \\"hi\\"\\n\\u00e9 $${literal} %%{literal}"})}',
            {"q": 'say "hi"\n\u00e9 ${literal} %{literal}'},
        ),
        (
            '${jsonencode({"x" = a == 1 ? "y" : "z", "f" = merge(b, {c = 1})})}',
            {"x": '<a == 1 ? "y" : "z">', "f": "<merge(b, {c = 1})>"},
        ),
        ("${jsonencode(var.document)}", "<var.document>"),
        ('${jsonencode({"a" = 1})}-suffix', None),
        ('{"a": 1}', None),
        (5, None),
    ],
)
def test_jsonencoded_reads_literals_and_hands_over_every_expression(template, decoded):
    assert hcl.jsonencoded(template, interpolation=lambda expression: f"<{expression}>") == decoded


BARE_SCHEMA = {"provider": {"block": {}}, "resource_schemas": {}, "data_source_schemas": {}}


def test_the_stacks_reach_checkov_as_hcl_with_literal_documents(tmp_path):
    stack = {
        "terraform": {"required_version": ">= 1.10", "backend": {"s3": {"bucket": "b"}}},
        **synthesized(two_policies),
        "moved": [{"from": "aws_s3_bucket.old", "to": "aws_s3_bucket.bucket"}],
    }
    scan.write_hcl({"Demo": stack}, tmp_path, BARE_SCHEMA)
    text = (tmp_path / "Demo" / "main.tf").read_text()
    assert 'required_version = ">= 1.10"' in text and "moved {" in text
    assert "jsonencode" not in text
    expected = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": ["aws_s3_bucket.bucket.arn", "aws_s3_bucket.bucket.arn/*", "*"]}
            ],
        }
    )
    assert f"policy = {hcl.string(expected)}" in text


def test_a_literal_dollar_brace_in_a_document_stays_literal():
    decoded = scan.literal_documents('${jsonencode({"a" = "$${x} ${y}"})}')
    assert decoded == '{"a": "$${x} y"}'


def test_internet_ingress_is_allowed_on_the_listener_ports_only():
    stack = {"resource": {"aws_lb_listener": {"http": {"port": 80}, "tls": {"port": "443"}, "token": {"port": "${var.port}"}}}}
    assert scan.listener_ports([stack]) == [80, 443]
    check = scan.ingress_check([80, 443])
    assert check["metadata"]["id"] == scan.INGRESS_CHECK_ID and "(80, 443)" in check["metadata"]["name"]
    ports = [c for part in check["definition"]["or"] for c in part.get("and", [part]) if c["attribute"] == "from_port"]
    assert ports and all(c["value"] == [80, 443, "80", "443"] for c in ports)


@pytest.mark.parametrize(
    ("config", "note"),
    [
        (TaskDefinitionConfig(), "read_only_root_filesystem=False in this configuration: the image may write anywhere"),
        (TaskDefinitionConfig(read_only_root_filesystem=True), None),
        (
            TaskDefinitionConfig(
                read_only_root_filesystem=True, sidecars=(SidecarContainer("agent", "public.ecr.aws/x/agent:1"),)
            ),
            "read_only_root_filesystem covers the main container; sidecars may write anywhere",
        ),
    ],
)
def test_a_task_definition_notes_a_container_with_a_writable_root_filesystem(config, note):
    def build(s):
        FargateTaskDefinition(s, "task", repository=ContainerRepository(s, "repository"), config=config)

    stack = synthesized(build)
    (task_id,) = stack["resource"]["aws_ecs_task_definition"]
    assert scan.skip_notes(stack).get(task_id, {}).get("CKV_AWS_336") == note
