"""The service under load with writes, on the DynamoDB store in the local AWS: gunicorn as the container
runs it, wrk with GET /todos and a share of POST /todos. No request may fail and no acknowledged
write may be lost. `make bench` runs the same load for 60 s and records the figures."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from cdktf_devkit.ports import free_port
from tests.conftest import ROOT, boto3_client
from todolist_devkit import LocalService

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import load  # noqa: E402

pytestmark = pytest.mark.e2e

SECONDS = 10


@pytest.fixture(scope="module")
def service(local_aws, environment, output_dir):
    table = "load-todos"
    boto3_client(environment, "dynamodb").create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    running = LocalService(ROOT, dataclasses.replace(environment, service_port=free_port()))
    running.seed(table)
    running.start(table)
    yield running, table
    running.stop()


@pytest.fixture(scope="module")
def result(service, output_dir):
    running, _ = service
    return load.mixed_load(running.url, SECONDS, output_dir / "load-acked.txt")


def test_no_request_fails_under_load_with_writes(result):
    assert result.load.requests > 0
    assert result.load.non_2xx == 0


def test_every_acknowledged_write_reads_back(result):
    assert result.writes_acknowledged > 0
    assert result.writes_lost == []


def test_a_lost_write_is_reported(service, result, output_dir):
    running, table = service
    acknowledged = [
        (int(i), text) for i, text in (line.split("\t", 1) for line in (output_dir / "load-acked.txt").read_text().splitlines())
    ]
    todo_id, text = acknowledged[0]
    boto3_client(running.environment, "dynamodb").delete_item(TableName=table, Key={"id": {"N": str(todo_id)}})
    lost = load.read_back(running.url, acknowledged)
    assert len(lost) == 2
    assert lost[0].startswith(f"todo {todo_id} {text!r}: GET /todos/{todo_id} answered 404")
    assert lost[1] == f"todo {todo_id} {text!r}: missing from GET /todos"
