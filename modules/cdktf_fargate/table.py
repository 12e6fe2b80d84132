"""Table: a DynamoDB table with a numeric partition key, on-demand, encrypted, with point-in-time recovery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable, DynamodbTableAttribute
from constructs import Construct

from . import _checks, _names
from ._terraform import AWS_MANAGED_KEYS, skip_check
from .errors import ConfigError

ITEM_ACTIONS = frozenset(
    {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    }
)


@dataclass(frozen=True)
class TableConfig:
    """Settings of :class:`Table`."""

    name: str | None = None
    """Table name: 3-255 letters, digits, '_', '-', '.'. Default: derived from the construct path (``<stack>-<id>-<hash>``)."""
    partition_key: str = "id"
    """Name of the numeric partition key. Default ``id``."""
    point_in_time_recovery: bool = True
    """Continuous backups for the last 35 days. Default True."""
    deletion_protection: bool = True
    """Refuse to delete the table (turn off before ``destroy``). Default True."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if self.name is not None:
            _names.DYNAMODB_TABLE.check("name", self.name)
        _checks.matches(
            "partition_key",
            self.partition_key,
            r"[A-Za-z_][A-Za-z0-9_]{0,254}",
            "must be an attribute name: letters, digits and '_'",
        )
        _checks.boolean("point_in_time_recovery", self.point_in_time_recovery)
        _checks.boolean("deletion_protection", self.deletion_protection)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


class Table(Construct):
    """On-demand DynamoDB table, server-side encrypted with a KMS key, point-in-time recovery on.

    Attributes: ``name``, ``arn``; the resource ``table``. ``item_statement(actions)`` builds an IAM
    statement for exactly those item actions on this table only.
    """

    name: str
    """Table name (a token)."""
    arn: str
    """Table ARN (a token)."""
    table: DynamodbTable
    """The DynamoDB table."""

    def __init__(self, scope: Construct, id: str, *, config: TableConfig | None = None) -> None:
        config = config if config is not None else TableConfig()
        if not isinstance(config, TableConfig):
            raise ConfigError("config", config, "must be a TableConfig")
        super().__init__(scope, id)
        self.table = self._table(config)
        self.name = self.table.name
        self.arn = self.table.arn

    def _table(self, config: TableConfig) -> DynamodbTable:
        table = DynamodbTable(
            self,
            "table",
            name=config.name if config.name is not None else _names.DYNAMODB_TABLE.unique(self),
            billing_mode="PAY_PER_REQUEST",
            hash_key=config.partition_key,
            attribute=[DynamodbTableAttribute(name=config.partition_key, type="N")],
            point_in_time_recovery={"enabled": config.point_in_time_recovery},
            server_side_encryption={"enabled": True},
            deletion_protection_enabled=config.deletion_protection,
            tags=dict(config.tags) or None,
        )
        skip_check(table, "CKV_AWS_119", AWS_MANAGED_KEYS)
        return table

    def item_statement(self, actions: Sequence[str]) -> dict[str, Any]:
        unknown = sorted(set(actions) - ITEM_ACTIONS)
        if unknown or not actions:
            raise ConfigError("actions", tuple(actions), f"must be DynamoDB item actions from: {', '.join(sorted(ITEM_ACTIONS))}")
        return {"Effect": "Allow", "Action": sorted(set(actions)), "Resource": self.arn}
