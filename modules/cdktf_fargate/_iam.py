"""IAM roles and policy documents shared by the constructs, and the check of statements callers hand in.

Documents are built with ``Fn.jsonencode`` (see ``_terraform.jsonencode``), not ``json.dumps``: they hold
tokens (ARNs of other resources), and only ``jsonencode`` keeps ``cdktf synth --hcl`` valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from ._terraform import jsonencode
from ._tokens import is_unresolved
from .errors import ConfigError

STATEMENT_KEYS = ("Sid", "Effect", "Action", "Resource", "Condition")


def trust_policy(service: str) -> str:
    """A trust policy that lets exactly one AWS service assume the role."""
    return jsonencode(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def policy_document(statements: list[dict[str, Any]]) -> str:
    return jsonencode({"Version": "2012-10-17", "Statement": statements})


def service_role(
    scope: Construct,
    id_prefix: str,
    *,
    name: str,
    service: str,
    tags: dict[str, str],
    policy_name: str,
    statements: list[dict[str, Any]],
) -> IamRole:
    """A role that one AWS service assumes, with one inline policy of ``statements``
    (construct ids ``<id_prefix>-role`` and ``<id_prefix>-policy``)."""
    role = IamRole(scope, f"{id_prefix}-role", name=name, assume_role_policy=trust_policy(service), tags=tags)
    IamRolePolicy(scope, f"{id_prefix}-policy", role=role.id, name=policy_name, policy=policy_document(statements))
    return role


# --- one helper per kind of statement the constructs grant -------------------------------------------------

ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
ECR_PUSH_ACTIONS = ("ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage")
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def ecr_login_statement() -> dict[str, Any]:
    """``docker login`` to ECR: ``ecr:GetAuthorizationToken`` has no resource-level permissions, so ``*``."""
    return {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}


def ecr_pull_statement(repository_arn: str, *, push: bool = False) -> dict[str, Any]:
    """Pull images from one repository (and push to it with ``push``)."""
    actions = [*ECR_PULL_ACTIONS, *(ECR_PUSH_ACTIONS if push else ())]
    return {"Effect": "Allow", "Action": actions, "Resource": repository_arn}


def log_write_statement(log_group_arn: str, *group_actions: str) -> dict[str, Any]:
    """Write log streams and events into one log group; ``group_actions`` (``logs:DescribeLogStreams``)
    act on the group itself, whose ARN is then granted too."""
    streams = f"{log_group_arn}:*"
    return {
        "Effect": "Allow",
        "Action": [*LOG_WRITE_ACTIONS, *group_actions],
        "Resource": [log_group_arn, streams] if group_actions else streams,
    }


def pass_role_statement(role_arns: Sequence[str], to_service: str) -> dict[str, Any]:
    """Hand exactly these roles to one AWS service (``iam:PassedToService``), such as a task's roles to ECS."""
    return {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": list(role_arns),
        "Condition": {"StringEquals": {"iam:PassedToService": to_service}},
    }


def secret_read_statements(arns: Iterable[str]) -> list[dict[str, Any]]:
    """Read exactly these SSM parameters and Secrets Manager secrets (container ``secrets``)."""
    arns = list(arns)
    ssm = sorted(arn for arn in arns if not is_unresolved(arn) and ":ssm:" in arn)
    secrets_manager = sorted(arn for arn in arns if not is_unresolved(arn) and ":secretsmanager:" in arn)
    unknown = [arn for arn in arns if is_unresolved(arn)]  # only Terraform knows which service these are in
    statements = []
    if ssm:
        statements.append({"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": ssm})
    if secrets_manager:
        statements.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets_manager})
    if unknown:
        statements.append(
            {"Effect": "Allow", "Action": ["ssm:GetParameters", "secretsmanager:GetSecretValue"], "Resource": unknown}
        )
    return statements


def check_statements(field: str, statements: Any) -> list[dict[str, Any]]:
    """Statements of an identity policy AWS accepts and that grant nothing by wildcard.

    Each is a mapping with ``Effect`` (``Allow`` or ``Deny``), ``Action`` (one action or a non-empty list,
    each ``service:Action`` without ``*``) and ``Resource`` (one ARN or a non-empty list; ``*`` only where
    the service has no resource-level permissions), optionally ``Sid`` and ``Condition``.
    """
    if isinstance(statements, dict) or not isinstance(statements, (list, tuple)) or not statements:
        raise ConfigError(
            field, statements, "must be a non-empty list of IAM statements (dicts with Effect, Action and Resource)"
        )
    checked = []
    for i, statement in enumerate(statements):
        where = f"{field}[{i}]"
        if not isinstance(statement, dict):
            raise ConfigError(where, statement, "must be a dict with Effect, Action and Resource")
        unknown = sorted(set(statement) - set(STATEMENT_KEYS))
        if unknown:
            raise ConfigError(
                where,
                unknown,
                f"holds keys an identity policy statement does not take here; allowed: {', '.join(STATEMENT_KEYS)}",
            )
        for key in ("Effect", "Action", "Resource"):
            if key not in statement:
                raise ConfigError(f"{where}['{key}']", None, "is required: a statement needs Effect, Action and Resource")
        if statement["Effect"] not in ("Allow", "Deny"):
            raise ConfigError(f"{where}['Effect']", statement["Effect"], "must be 'Allow' or 'Deny'")
        for action in _strings(f"{where}['Action']", statement["Action"]):
            if is_unresolved(action):
                continue
            if "*" in action or ":" not in action:
                raise ConfigError(
                    f"{where}['Action']", action, "must name one action exactly, like 's3:GetObject': no '*' wildcards"
                )
        _strings(f"{where}['Resource']", statement["Resource"])
        if "Condition" in statement and not isinstance(statement["Condition"], dict):
            raise ConfigError(f"{where}['Condition']", statement["Condition"], "must be a dict of condition operators")
        checked.append(dict(statement))
    return checked


def _strings(field: str, value: Any) -> Sequence[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values or not all(isinstance(v, str) and v for v in values):
        raise ConfigError(field, value, "must be a non-empty string or a non-empty list of them")
    return values
