"""ARNs in a stack's own partition, region and account, read by data sources so nothing is hard-coded."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from constructs import Construct


class Arns:
    """``region``, ``account`` and ``partition`` of the stack ``scope`` is in, and ``of(service, resource)``
    (construct ids ``region``, ``account``, ``partition`` under ``scope``)."""

    def __init__(self, scope: Construct) -> None:
        self.region = DataAwsRegion(scope, "region").name
        self.account = DataAwsCallerIdentity(scope, "account").account_id
        self.partition = DataAwsPartition(scope, "partition").partition

    def of(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"
