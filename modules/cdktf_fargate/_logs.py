"""The CloudWatch log group every construct that writes logs creates, with its scan note."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from constructs import Construct

from ._terraform import AWS_MANAGED_KEYS, skip_check


def log_group(scope: Construct, id: str, *, name: str, retention_days: int, tags: dict[str, str] | None) -> CloudwatchLogGroup:
    """A log group kept ``retention_days``, encrypted with CloudWatch's AWS-managed key."""
    group = CloudwatchLogGroup(scope, id, name=name, retention_in_days=retention_days, tags=tags)
    skip_check(group, "CKV_AWS_158", AWS_MANAGED_KEYS)
    return group
