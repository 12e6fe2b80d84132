"""Security audit of every synthesized stack: IAM policies, trust policies, network exposure, buckets."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.unit

# Actions that AWS does not let a policy scope to a resource; only these may use Resource "*".
STAR_RESOURCE_ALLOWED = {
    "ecr:GetAuthorizationToken",
    "ecs:DescribeTaskDefinition",
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListTasks",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
}


TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|=|[{}\[\],]|\s+|[^\s,{}\[\]=]+')


def document(text):
    """A policy as synthesized: JSON, or ``${jsonencode({...})}`` whose references become strings."""
    match = re.fullmatch(r"\$\{jsonencode\((.*)\)\}", text, flags=re.S)
    if match is None:
        return json.loads(text)
    parts = []
    for token in TOKEN.findall(match.group(1)):
        if token == "=":
            parts.append(":")
        elif token[0] in '"{}[],' or token.isspace():
            parts.append(token)
        else:
            parts.append(json.dumps(token))  # a Terraform reference such as aws_s3_bucket.site.arn
    return json.loads("".join(parts))


def test_the_audit_reads_policies_built_with_jsonencode():
    text = '${jsonencode({"Statement" = [{"Action" = ["s3:GetObject"], "Resource" = "${aws_s3_bucket.b.arn}/*", "Principal" = aws_iam_role.r.arn}]})}'
    assert document(text) == {
        "Statement": [{"Action": ["s3:GetObject"], "Resource": "${aws_s3_bucket.b.arn}/*", "Principal": "aws_iam_role.r.arn"}]
    }


def all_resources(synth, resource_type):
    return [(stack, name, body) for stack in synth.stacks for name, body in synth.resources(stack, resource_type).items()]


def policy_statements(synth):
    for stack, name, policy in all_resources(synth, "aws_iam_role_policy"):
        for statement in document(policy["policy"])["Statement"]:
            yield f"{stack}/{name}", statement
    for stack, name, policy in all_resources(synth, "aws_s3_bucket_policy"):
        for statement in document(policy["policy"])["Statement"]:
            yield f"{stack}/{name}", statement


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_the_audit_sees_every_policy(synth):
    assert len(list(policy_statements(synth))) >= 15


def test_no_action_has_a_wildcard(synth):
    offenders = [(where, a) for where, s in policy_statements(synth) for a in as_list(s["Action"]) if "*" in a]
    assert offenders == []


def test_star_resources_only_for_actions_without_resource_level_permissions(synth):
    offenders = [
        (where, s["Action"])
        for where, s in policy_statements(synth)
        if "*" in as_list(s.get("Resource", [])) and not set(as_list(s["Action"])) <= STAR_RESOURCE_ALLOWED
    ]
    assert offenders == []


def test_pass_role_names_its_roles_and_the_service_they_go_to(synth):
    passes = [(where, s) for where, s in policy_statements(synth) if "iam:PassRole" in as_list(s["Action"])]
    assert passes, "the pipeline passes the service's roles to ECS"
    for where, statement in passes:
        assert "*" not in as_list(statement["Resource"]), where
        assert "iam:PassedToService" in statement.get("Condition", {}).get("StringEquals", {}), where


def test_every_trust_policy_admits_exactly_one_service(synth):
    roles = all_resources(synth, "aws_iam_role")
    assert len(roles) >= 5
    for stack, name, role in roles:
        (statement,) = document(role["assume_role_policy"])["Statement"]
        assert statement["Action"] == "sts:AssumeRole" and set(statement["Principal"]) == {"Service"}, f"{stack}/{name}"
        assert isinstance(statement["Principal"]["Service"], str) and statement["Principal"]["Service"].endswith(".amazonaws.com")


def test_no_ingress_from_the_internet_except_the_load_balancer_listener(synth):
    open_rules = [
        (stack, name)
        for stack, name, rule in all_resources(synth, "aws_vpc_security_group_ingress_rule")
        if rule.get("cidr_ipv4") == "0.0.0.0/0" or rule.get("cidr_ipv6") == "::/0"
    ]
    inline = [
        (stack, name)
        for stack, name, group in all_resources(synth, "aws_security_group")
        if "0.0.0.0/0" in json.dumps(group.get("ingress", []))
    ]
    assert open_rules == [] and inline == []
    listeners = [listener for _, _, listener in all_resources(synth, "aws_lb_listener")]
    assert [(l["port"], l["protocol"]) for l in listeners] == [(80, "TCP")]  # the one public entry point


def test_every_bucket_blocks_public_access_and_encrypts(synth):
    buckets = {(stack, name.split("_bucket_")[0]) for stack, name, _ in all_resources(synth, "aws_s3_bucket")}
    blocked = {
        (stack, name.split("_public-access-block_")[0])
        for stack, name, block in all_resources(synth, "aws_s3_bucket_public_access_block")
        if all(
            block[k] is True
            for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
        )
    }
    encrypted = {
        (stack, name.split("_encryption_")[0])
        for stack, name, _ in all_resources(synth, "aws_s3_bucket_server_side_encryption_configuration")
    }
    assert buckets and buckets == blocked == encrypted


def test_tables_and_repositories_are_encrypted(synth):
    assert all(t["server_side_encryption"] == {"enabled": True} for _, _, t in all_resources(synth, "aws_dynamodb_table"))
    assert all(r["encryption_configuration"] for _, _, r in all_resources(synth, "aws_ecr_repository"))
