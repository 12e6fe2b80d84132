"""The Flask service through its test client, with the seed's JSON file store."""

from __future__ import annotations

import json

import pytest

from todo_service import create_app
from todo_service.config import ConfigurationError, ServiceConfig
from todo_service.store import FileStore, InvalidDataFile

pytestmark = pytest.mark.app

SEED = [
    {"id": 1, "text": "프로젝트 계획 수립하기", "completed": False},
    {"id": 2, "text": "디자인 시안 검토하기", "completed": True},
    {"id": 3, "text": "API 문서 작성하기", "completed": False},
]


@pytest.fixture
def client():
    return create_app(ServiceConfig()).test_client()


def test_index_answers_a_health_message(client):
    response = client.get("/")
    assert response.status_code == 200 and "message" in response.get_json()


def test_health_is_ok_with_the_file_store(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_todos_are_exactly_the_seed(client):
    response = client.get("/todos")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == SEED


def test_one_todo_by_id(client):
    assert client.get("/todos/2").get_json() == SEED[1]


def test_unknown_id_is_404_json(client):
    response = client.get("/todos/99")
    assert response.status_code == 404 and response.get_json()["message"] == "no todo with id 99"


def test_unknown_path_is_404_json_not_html(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_wrong_method_is_405_json_with_allow(client):
    response = client.put("/todos")
    assert response.status_code == 405 and response.is_json
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("post", "/todos", {"text": "new"}), ("patch", "/todos/1", {"completed": True}), ("delete", "/todos/1", None)],
)
def test_file_store_refuses_writes_with_a_clear_405(client, method, path, body):
    response = getattr(client, method)(path, json=body)
    assert response.status_code == 405
    assert "TODO_TABLE_NAME" in response.get_json()["message"]


def test_oversized_body_is_413_json():
    client = create_app(ServiceConfig(max_body_bytes=100)).test_client()
    response = client.post("/todos", data=json.dumps({"text": "x" * 200}), content_type="application/json")
    assert response.status_code == 413 and response.is_json


def test_cors_allows_any_origin_by_default(client):
    for origin in ("https://example.org", "http://127.0.0.1:9000"):
        response = client.get("/todos", headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin


def test_cors_preflight_allows_the_api_methods_and_the_requested_headers(client):
    response = client.options(
        "/todos",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://example.org"
    assert {"POST", "PATCH", "DELETE"} <= {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert response.headers["Access-Control-Allow-Headers"] == "content-type"
    assert "Origin" in response.headers["Vary"]


def test_requests_without_an_origin_get_no_cors_headers(client):
    assert not [h for h in client.get("/todos").headers.keys() if h.startswith("Access-Control-")]


def test_cors_origins_are_configurable():
    client = create_app(ServiceConfig(cors_origins=("https://todo.example",))).test_client()
    allowed = client.get("/todos", headers={"Origin": "https://todo.example"})
    other = client.get("/todos", headers={"Origin": "https://evil.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://todo.example"
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"id": 1}', "must hold a JSON array"),
        ('[{"id": 1, "text": "a"}]', "exactly the keys id, text, completed"),
        ('[{"id": "1", "text": "a", "completed": false}]', ".id: must be a positive integer"),
        ('[{"id": 1, "text": "a", "completed": "no"}]', ".completed: must be true or false"),
        ('[{"id": 1, "text": "a", "completed": false}, {"id": 1, "text": "b", "completed": true}]', "ids must be unique"),
    ],
)
def test_broken_data_file_stops_start_up_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "todos.json"
    path.write_text(content)
    with pytest.raises(InvalidDataFile, match=message.replace(".", r"\.").replace("[", r"\[")):
        create_app(ServiceConfig(data_file=path))


def test_missing_data_file_stops_start_up(tmp_path):
    with pytest.raises(InvalidDataFile, match="cannot be read"):
        FileStore(tmp_path / "missing.json")


def test_configuration_comes_from_documented_variables(tmp_path):
    config = ServiceConfig.from_env(
        {
            "TODO_TABLE_NAME": "todos",
            "TODO_AWS_REGION": "eu-west-1",
            "TODO_DYNAMODB_ENDPOINT": "http://127.0.0.1:5050",
            "TODO_CORS_ORIGINS": "https://a.example, https://b.example",
            "TODO_MAX_BODY_BYTES": "2048",
            "TODO_DATA_FILE": str(tmp_path / "x.json"),
        }
    )
    assert (config.table_name, config.region, config.dynamodb_endpoint) == ("todos", "eu-west-1", "http://127.0.0.1:5050")
    assert config.cors_origins == ("https://a.example", "https://b.example")
    assert (config.max_body_bytes, config.data_file) == (2048, tmp_path / "x.json")


def test_bad_body_limit_is_named():
    with pytest.raises(ConfigurationError, match="TODO_MAX_BODY_BYTES: got 'lots'"):
        ServiceConfig.from_env({"TODO_MAX_BODY_BYTES": "lots"})
