"""Service configuration, read from environment variables.

| variable | default | meaning |
|---|---|---|
| ``TODO_TABLE_NAME`` | unset | DynamoDB table; when set the DynamoDB store is used, else the JSON file store |
| ``TODO_DATA_FILE`` | the bundled ``data/todos.json`` | JSON file of the file store (read once at start, read-only) |
| ``TODO_AWS_REGION`` | ``AWS_REGION``, then ``us-east-1`` | region of the DynamoDB table |
| ``TODO_DYNAMODB_ENDPOINT`` | unset (AWS) | endpoint override, e.g. the local AWS ``http://127.0.0.1:5050`` |
| ``TODO_CORS_ORIGINS`` | ``*`` | comma-separated origins allowed by CORS |
| ``TODO_MAX_BODY_BYTES`` | ``16384`` | largest request body; larger bodies get 413 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_FILE = Path(__file__).parent / "data" / "todos.json"


class ConfigurationError(RuntimeError):
    """A setting the service cannot start with."""


@dataclass(frozen=True)
class ServiceConfig:
    table_name: str | None = None
    data_file: Path = DEFAULT_DATA_FILE
    region: str = "us-east-1"
    dynamodb_endpoint: str | None = None
    cors_origins: tuple[str, ...] = ("*",)
    max_body_bytes: int = 16384

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceConfig:
        env = os.environ if environ is None else environ
        size_text = env.get("TODO_MAX_BODY_BYTES", "16384")
        if not size_text.isdigit() or int(size_text) < 1:
            raise ConfigurationError(f"TODO_MAX_BODY_BYTES: got {size_text!r}; must be a positive number of bytes")
        origins = tuple(o.strip() for o in env.get("TODO_CORS_ORIGINS", "*").split(",") if o.strip())
        return cls(
            table_name=env.get("TODO_TABLE_NAME") or None,
            data_file=Path(env.get("TODO_DATA_FILE") or DEFAULT_DATA_FILE),
            region=env.get("TODO_AWS_REGION") or env.get("AWS_REGION") or "us-east-1",
            dynamodb_endpoint=env.get("TODO_DYNAMODB_ENDPOINT") or None,
            cors_origins=origins or ("*",),
            max_body_bytes=int(size_text),
        )
