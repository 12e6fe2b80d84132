"""The DynamoDB table construct and how the service reaches it."""

from __future__ import annotations

import pytest

from cdktf_fargate import ConfigError, Table, TableConfig
from main import ECS_STACK
from tests.synth_json import decode
from todolist_names import TABLE_ITEM_ACTIONS, TABLE_NAME_VARIABLE

pytestmark = pytest.mark.unit


def table(synth):
    (item,) = synth.resources(ECS_STACK, "aws_dynamodb_table").values()
    return item


def test_table_is_on_demand_with_a_numeric_id_key(synth):
    t = table(synth)
    assert (t["name"], t["billing_mode"], t["hash_key"]) == ("TodoList-Todos", "PAY_PER_REQUEST", "id")
    assert t["attribute"] == [{"name": "id", "type": "N"}]


def test_table_has_point_in_time_recovery_and_encryption(synth):
    t = table(synth)
    assert t["point_in_time_recovery"] == {"enabled": True}
    assert t["server_side_encryption"] == {"enabled": True}


def test_local_table_can_be_destroyed_a_real_one_cannot(synth):
    assert table(synth)["deletion_protection_enabled"] is False
    assert TableConfig().deletion_protection is True


def test_container_gets_the_table_name(synth):
    (task,) = synth.resources(ECS_STACK, "aws_ecs_task_definition").values()
    (container,) = decode(task["container_definitions"])
    (variable,) = [e for e in container["environment"] if e["name"] == TABLE_NAME_VARIABLE]
    assert "aws_dynamodb_table" in variable["value"] and variable["value"].endswith(".name}")


def test_task_role_gets_only_the_store_item_actions_on_this_table(synth):
    (policy,) = [p for p in synth.resources(ECS_STACK, "aws_iam_role_policy").values() if p["name"] == "todos-table"]
    (statement,) = decode(policy["policy"])["Statement"]
    assert statement["Action"] == sorted(TABLE_ITEM_ACTIONS)
    assert "aws_dynamodb_table" in statement["Resource"] and statement["Resource"].endswith(".arn}")
    assert "task-role" in policy["role"]


def test_item_statement_refuses_non_item_actions():
    from cdktf import TerraformStack, Testing

    t = Table(TerraformStack(Testing.app(), "test"), "table")
    with pytest.raises(ConfigError, match="actions: got .*DeleteTable"):
        t.item_statement(["dynamodb:DeleteTable"])
    with pytest.raises(ConfigError, match="actions: got"):
        t.item_statement(["dynamodb:*"])


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"name": "ab"}, "name"),
        ({"name": "todo list"}, "name"),
        ({"partition_key": "1id"}, "partition_key"),
        ({"point_in_time_recovery": 1}, "point_in_time_recovery"),
        ({"deletion_protection": None}, "deletion_protection"),
    ],
)
def test_bad_table_config_is_rejected(settings, field):
    with pytest.raises(ConfigError) as caught:
        TableConfig(**settings)
    assert caught.value.field == field
