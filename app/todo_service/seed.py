"""``python -m todo_service.seed``: load the seed's todos into the configured DynamoDB table (idempotent)."""

from __future__ import annotations

import sys

from .config import ServiceConfig
from .store import DynamoStore, FileStore


def main() -> int:
    config = ServiceConfig.from_env()
    if not config.table_name:
        print("error: TODO_TABLE_NAME is not set: name the DynamoDB table to seed", file=sys.stderr)
        return 1
    store = DynamoStore(config.table_name, config.region, config.dynamodb_endpoint)
    added = store.seed(FileStore(config.data_file).list())
    print(f"seeded {config.table_name}: {added} added, {len(store.list())} in the table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
