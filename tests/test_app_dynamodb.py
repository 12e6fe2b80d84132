"""The DynamoDB store against the local AWS, through the Flask test client."""

from __future__ import annotations

import itertools

import pytest

from cdktf_devkit import toolchain
from tests.conftest import boto3_client
from todo_service import create_app
from todo_service.config import ServiceConfig
from todo_service.store import DynamoStore, FileStore, Todo
from todolist_names import TABLE_ITEM_ACTIONS

pytestmark = [pytest.mark.app, pytest.mark.plan]

_tables = itertools.count()


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")


@pytest.fixture
def table_name(local_aws, environment):
    name = f"todos-{next(_tables)}"
    boto3_client(environment, "dynamodb").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    return name


@pytest.fixture
def config(table_name, environment):
    return ServiceConfig(table_name=table_name, region=environment.region, dynamodb_endpoint=environment.endpoint)


@pytest.fixture
def store(config):
    store = DynamoStore(config.table_name, config.region, config.dynamodb_endpoint)
    store.seed(FileStore(ServiceConfig().data_file).list())
    return store


@pytest.fixture
def client(config, store):
    return create_app(config, store=store).test_client()


def test_a_table_name_chooses_the_dynamodb_store(config):
    assert isinstance(create_app(config).extensions["todo_store"], DynamoStore)


def test_seed_loads_the_three_items_once(store):
    assert [t.id for t in store.list()] == [1, 2, 3]
    assert store.seed(FileStore(ServiceConfig().data_file).list()) == 0
    assert len(store.list()) == 3


def test_create_read_update_delete(client):
    created = client.post("/todos", json={"text": "  write tests  "})
    assert created.status_code == 201
    todo = created.get_json()
    assert todo == {"id": 4, "text": "write tests", "completed": False}
    assert created.headers["Location"] == "/todos/4"
    assert client.get("/todos/4").get_json() == todo
    updated = client.patch("/todos/4", json={"completed": True})
    assert updated.get_json() == {**todo, "completed": True}
    assert client.delete("/todos/4").status_code == 204
    assert client.get("/todos/4").status_code == 404
    assert [t["id"] for t in client.get("/todos").get_json()] == [1, 2, 3]


def test_ids_keep_growing_after_a_delete(client):
    first = client.post("/todos", json={"text": "a"}).get_json()["id"]
    client.delete(f"/todos/{first}")
    assert client.post("/todos", json={"text": "b"}).get_json()["id"] == first + 1


def test_unknown_ids_are_404(client):
    assert client.patch("/todos/99", json={"completed": True}).status_code == 404
    assert client.delete("/todos/99").status_code == 404
    assert client.get("/todos/0").status_code == 404  # the id counter is not a todo


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": 5}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"text": "ok", "completed": "yes"}, "completed"),
        ({"text": "ok", "owner": "me"}, "owner"),
        ([1, 2], "body"),
    ],
)
def test_bad_create_bodies_are_400_naming_the_field(client, body, field):
    response = client.post("/todos", json=body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field


def test_malformed_json_is_400(client):
    response = client.post("/todos", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["field"] == "body"


def test_empty_patch_is_400(client):
    assert client.patch("/todos/1", json={}).status_code == 400


def test_health_is_503_when_dynamodb_cannot_be_reached(table_name):
    dead = ServiceConfig(table_name=table_name, dynamodb_endpoint=f"http://127.0.0.1:{toolchain.free_port()}")
    client = create_app(dead).test_client()
    assert client.get("/health").status_code == 503
    assert client.get("/todos").status_code == 503


def test_store_uses_exactly_the_item_actions_its_role_grants(store, monkeypatch):
    used = set()
    for method, action in [
        ("scan", "Scan"),
        ("get_item", "GetItem"),
        ("put_item", "PutItem"),
        ("update_item", "UpdateItem"),
        ("delete_item", "DeleteItem"),
        ("query", "Query"),
        ("batch_writer", "BatchWriteItem"),
    ]:
        original = getattr(store.table, method)
        monkeypatch.setattr(
            store.table, method, lambda *a, _o=original, _a=action, **k: (used.add(f"dynamodb:{_a}"), _o(*a, **k))[1]
        )
    todo = store.create("x", False)
    store.list(), store.get(todo.id), store.update(todo.id, {"completed": True}), store.delete(todo.id), store.healthy()
    store.seed([Todo(1, "a", False)])
    assert used == set(TABLE_ITEM_ACTIONS)
