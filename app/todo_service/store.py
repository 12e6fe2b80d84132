"""Where todos live: the seed's JSON file (read-only) or a DynamoDB table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

MAX_TEXT_LENGTH = 500
COUNTER_ID = 0  # item holding the next id in the DynamoDB table; never a todo


@dataclass(frozen=True)
class Todo:
    id: int
    text: str
    completed: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "completed": self.completed}


class ReadOnlyStore(Exception):
    """The store does not accept writes."""


class StoreUnavailable(Exception):
    """The store cannot be reached."""


class TodoStore(Protocol):
    writable: bool

    def list(self) -> list[Todo]: ...
    def get(self, todo_id: int) -> Todo | None: ...
    def create(self, text: str, completed: bool) -> Todo: ...
    def update(self, todo_id: int, changes: dict[str, Any]) -> Todo | None: ...
    def delete(self, todo_id: int) -> bool: ...
    def healthy(self) -> bool: ...


class InvalidDataFile(RuntimeError):
    """The JSON file of the file store is missing or malformed."""


def parse_todo(raw: Any, where: str) -> Todo:
    if not isinstance(raw, dict) or set(raw) != {"id", "text", "completed"}:
        raise InvalidDataFile(f"{where}: must be an object with exactly the keys id, text, completed; got {raw!r}")
    if isinstance(raw["id"], bool) or not isinstance(raw["id"], int) or raw["id"] < 1:
        raise InvalidDataFile(f"{where}.id: must be a positive integer; got {raw['id']!r}")
    if not isinstance(raw["text"], str) or not raw["text"]:
        raise InvalidDataFile(f"{where}.text: must be a non-empty string; got {raw['text']!r}")
    if not isinstance(raw["completed"], bool):
        raise InvalidDataFile(f"{where}.completed: must be true or false; got {raw['completed']!r}")
    return Todo(raw["id"], raw["text"], raw["completed"])


class FileStore:
    """The seed's todos.json, read and validated once at start. Read-only."""

    writable = False

    def __init__(self, path: Path) -> None:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise InvalidDataFile(f"{path}: cannot be read ({error.strerror})") from None
        except json.JSONDecodeError as error:
            raise InvalidDataFile(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
        if not isinstance(raw, list):
            raise InvalidDataFile(f"{path}: must hold a JSON array of todos")
        todos = [parse_todo(item, f"{path}[{i}]") for i, item in enumerate(raw)]
        ids = [t.id for t in todos]
        if len(set(ids)) != len(ids):
            raise InvalidDataFile(f"{path}: ids must be unique; got {ids}")
        self._todos = {t.id: t for t in todos}
        self.list_json = json.dumps([t.to_json() for t in todos], ensure_ascii=False).encode()

    def list(self) -> list[Todo]:
        return list(self._todos.values())

    def get(self, todo_id: int) -> Todo | None:
        return self._todos.get(todo_id)

    def create(self, text: str, completed: bool) -> Todo:
        raise ReadOnlyStore()

    def update(self, todo_id: int, changes: dict[str, Any]) -> Todo | None:
        raise ReadOnlyStore()

    def delete(self, todo_id: int) -> bool:
        raise ReadOnlyStore()

    def healthy(self) -> bool:
        return True


class DynamoStore:
    """Todos in a DynamoDB table with a numeric partition key ``id``.

    New ids come from an atomic counter item (id 0), so concurrent creates never collide.
    Item actions used: GetItem, PutItem, UpdateItem, DeleteItem, Scan; the task role grants exactly
    these (todolist_names.TABLE_ITEM_ACTIONS, checked by tests/test_app_dynamodb.py).
    """

    writable = True

    def __init__(self, table_name: str, region: str, endpoint: str | None = None) -> None:
        import boto3
        from botocore.config import Config

        session = boto3.session.Session()
        resource = session.resource(
            "dynamodb",
            region_name=region,
            endpoint_url=endpoint,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5),
        )
        self.table = resource.Table(table_name)
        from botocore.exceptions import BotoCoreError, ClientError

        self._errors = (BotoCoreError, ClientError)

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return getattr(self.table, method)(**kwargs)
        except self._errors as error:
            if getattr(error, "response", {}).get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise
            raise StoreUnavailable(str(error)) from error

    @staticmethod
    def _todo(item: dict[str, Any]) -> Todo:
        return Todo(int(item["id"]), str(item["text"]), bool(item["completed"]))

    def list(self) -> list[Todo]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = self._call("scan", **kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted((self._todo(i) for i in items if int(i["id"]) != COUNTER_ID), key=lambda t: t.id)

    def get(self, todo_id: int) -> Todo | None:
        if todo_id == COUNTER_ID:
            return None
        item = self._call("get_item", Key={"id": todo_id}, ConsistentRead=True).get("Item")
        return self._todo(item) if item else None

    def _next_id(self) -> int:
        result = self._call(
            "update_item",
            Key={"id": COUNTER_ID},
            UpdateExpression="ADD next_id :one",
            ExpressionAttributeValues={":one": 1},
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["next_id"])

    def create(self, text: str, completed: bool) -> Todo:
        todo = Todo(self._next_id(), text, completed)
        self._call("put_item", Item=todo.to_json(), ConditionExpression="attribute_not_exists(id)")
        return todo

    def update(self, todo_id: int, changes: dict[str, Any]) -> Todo | None:
        if todo_id == COUNTER_ID:
            return None
        names = {f"#{k}": k for k in changes}
        values = {f":{k}": v for k, v in changes.items()}
        try:
            result = self._call(
                "update_item",
                Key={"id": todo_id},
                UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in changes),
                ConditionExpression="attribute_exists(id)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except self._errors:
            return None  # ConditionalCheckFailed: no such todo
        return self._todo(result["Attributes"])

    def delete(self, todo_id: int) -> bool:
        if todo_id == COUNTER_ID:
            return False
        try:
            self._call("delete_item", Key={"id": todo_id}, ConditionExpression="attribute_exists(id)")
        except self._errors:
            return False
        return True

    def healthy(self) -> bool:
        try:
            self._call("get_item", Key={"id": COUNTER_ID})
        except (StoreUnavailable, *self._errors):
            return False
        return True

    def seed(self, todos: list[Todo]) -> int:
        """Load ``todos`` unless present (idempotent) and move the counter past them. Returns how many were added."""
        added = 0
        for todo in todos:
            try:
                self._call("put_item", Item=todo.to_json(), ConditionExpression="attribute_not_exists(id)")
                added += 1
            except self._errors:
                pass  # already there
        highest = max((t.id for t in todos), default=0)
        try:
            self._call(
                "update_item",
                Key={"id": COUNTER_ID},
                UpdateExpression="SET next_id = :n",
                ConditionExpression="attribute_not_exists(next_id) OR next_id < :n",
                ExpressionAttributeValues={":n": highest},
            )
        except self._errors:
            pass  # counter already past the seed
        return added


def open_store(config: Any) -> TodoStore:
    if config.table_name:
        return DynamoStore(config.table_name, config.region, config.dynamodb_endpoint)
    return FileStore(config.data_file)
