"""IAM policy documents shared by the constructs."""

from __future__ import annotations

import json
from typing import Any


def trust_policy(service: str) -> str:
    """A trust policy that lets exactly one AWS service assume the role."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    })


def policy_document(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
