"""The policy scan's bookkeeping: notes next to resources turn failures into suppressions, and only those."""

from __future__ import annotations

import json

import cdktf
import pytest
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

from cdktf_devkit import scan
from cdktf_fargate._terraform import skip_check

pytestmark = pytest.mark.unit


def synthesized(build):
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "Demo")
    build(stack)
    return json.loads(json.dumps(stack.to_terraform()))  # with the "//" notes, which Testing.synth drops


def report(failed=(), passed=()):
    def check(check_id, resource):
        return {"check_id": check_id, "resource": resource, "check_name": f"name of {check_id}", "file_path": "/Demo/cdk.tf.json"}

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
        "local": {"Demo": scan.StackResult(passed=3, suppressed=[("CKV_AWS_18", "bucket", "why")])},
        "aws": {"Demo": scan.StackResult(passed=3, suppressed=[])},
    }
    text = scan.document(results)
    assert "| local | Demo | 3 | 0 | 1 |" in text and "| aws | Demo | 3 | 0 | 0 |" in text
    assert "| Demo | `bucket` | CKV_AWS_18 | why (local only) |" in text


def test_checkov_reads_stacks_whose_terraform_block_requires_a_version(tmp_path):
    stack = {
        "terraform": {"required_version": ">= 1.10", "backend": {"s3": {"bucket": "b"}}, "required_providers": {"aws": {}}},
        "resource": {"aws_s3_bucket": {"b": {"bucket": "b"}}},
    }
    path = tmp_path / "Stack" / "cdk.tf.json"
    path.parent.mkdir()
    path.write_text(json.dumps(stack))
    scan.readable_by_checkov(tmp_path)
    read = json.loads(path.read_text())
    assert read["terraform"] == {"backend": {"s3": {"bucket": "b"}}, "required_providers": {"aws": {}}}
    assert read["resource"] == stack["resource"]
