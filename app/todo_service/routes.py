"""The HTTP API: health, and CRUD on /todos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from .store import MAX_TEXT_LENGTH, ReadOnlyStore, StoreUnavailable, TodoStore

api = Blueprint("api", __name__)
FIELDS = {"text", "completed"}


class BadRequest(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def store() -> TodoStore:
    return current_app.extensions["todo_store"]


@api.get("/")
def index() -> Any:
    return {"message": "TodoList service is running. GET /todos lists the todos."}


@api.get("/health")
def health() -> Any:
    if store().healthy():
        return {"status": "ok"}
    return {"status": "unavailable"}, 503


@api.get("/todos")
def list_todos() -> Any:
    cached = getattr(store(), "list_json", None)  # the read-only file store serializes once
    if cached is not None:
        return Response(cached, mimetype="application/json")
    return jsonify([t.to_json() for t in store().list()])


@api.get("/todos/<int:todo_id>")
def get_todo(todo_id: int) -> Any:
    todo = store().get(todo_id)
    if todo is None:
        abort(404, description=f"no todo with id {todo_id}")
    return todo.to_json()


@api.post("/todos")
def create_todo() -> Any:
    body = json_body(required={"text"})
    todo = store().create(body["text"], body.get("completed", False))
    return todo.to_json(), 201, {"Location": f"/todos/{todo.id}"}


@api.patch("/todos/<int:todo_id>")
def update_todo(todo_id: int) -> Any:
    body = json_body(required=set())
    if not body:
        raise BadRequest("body", "must set at least one of: text, completed")
    todo = store().update(todo_id, body)
    if todo is None:
        abort(404, description=f"no todo with id {todo_id}")
    return todo.to_json()


@api.delete("/todos/<int:todo_id>")
def delete_todo(todo_id: int) -> Any:
    if not store().delete(todo_id):
        abort(404, description=f"no todo with id {todo_id}")
    return "", 204


def json_body(required: set[str]) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("body", "must be a JSON object, sent with Content-Type: application/json")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise BadRequest(unknown[0], f"unknown field; allowed: {', '.join(sorted(FIELDS))}")
    for name in sorted(required - set(body)):
        raise BadRequest(name, "is required")
    if "text" in body:
        text = body["text"]
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("text", "must be a non-empty string")
        if len(text) > MAX_TEXT_LENGTH:
            raise BadRequest("text", f"must be at most {MAX_TEXT_LENGTH} characters")
        body["text"] = text.strip()
    if "completed" in body and not isinstance(body["completed"], bool):
        raise BadRequest("completed", "must be true or false")
    return body


@api.app_errorhandler(BadRequest)
def bad_request(error: BadRequest) -> Any:
    return {"error": "Bad Request", "field": error.field, "message": f"{error.field}: {error.message}"}, 400


@api.app_errorhandler(ReadOnlyStore)
def read_only(_: ReadOnlyStore) -> Any:
    message = "this service reads todos from a file and cannot change them; set TODO_TABLE_NAME to store todos in DynamoDB"
    return {"error": "Method Not Allowed", "message": message}, 405, {"Allow": "GET, HEAD, OPTIONS"}


@api.app_errorhandler(StoreUnavailable)
def unavailable(_: StoreUnavailable) -> Any:
    return {"error": "Service Unavailable", "message": "the todo store cannot be reached; try again"}, 503
