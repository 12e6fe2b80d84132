"""Service under load with writes: GET /todos plus a share of POST /todos, then every acknowledged
write is read back. Used by `make bench` (60 s) and by tests/test_load_e2e.py (a shorter run)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from service import LoadResult, parse_wrk, require_wrk, start_gunicorn, stop

SCRIPT = Path(__file__).resolve().parent / "write_mix.lua"
CONNECTIONS = 64
WRITE_SHARE = 0.1
DURATION_S = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))


@dataclass(frozen=True)
class MixedLoadResult:
    load: LoadResult
    seconds: int
    writes_acknowledged: int
    writes_lost: list[str]


def mixed_load(base_url: str, seconds: int, acked_file: Path, label: str = "GET /todos + 10% POST /todos") -> MixedLoadResult:
    require_wrk()
    env = {**os.environ, "ACKED_FILE": str(acked_file), "WRITE_SHARE": str(WRITE_SHARE)}
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(SCRIPT), base_url],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    acknowledged = [tuple(line.split("\t", 1)) for line in acked_file.read_text().splitlines()]
    lost = read_back(base_url, [(int(todo_id), text) for todo_id, text in acknowledged])
    return MixedLoadResult(parse_wrk(label, out), seconds, len(acknowledged), lost)


def read_back(base_url: str, acknowledged: list[tuple[int, str]]) -> list[str]:
    """Every acknowledged write, read back by id and found in the list; returns what is missing or changed."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    lost = []
    try:
        for todo_id, text in acknowledged:
            connection.request("GET", f"/todos/{todo_id}")
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or json.loads(body).get("text") != text:
                lost.append(f"todo {todo_id} {text!r}: GET /todos/{todo_id} answered {response.status} {body[:200]!r}")
        connection.request("GET", "/todos")
        listed = {todo["id"] for todo in json.loads(connection.getresponse().read())}
        lost += [f"todo {todo_id} {text!r}: missing from GET /todos" for todo_id, text in acknowledged if todo_id not in listed]
    finally:
        connection.close()
    return lost


def run(free_port, dynamodb_env: dict[str, str], acked_file: Path) -> MixedLoadResult:
    """gunicorn as the container runs it, on the DynamoDB store, under the mixed load for DURATION_S."""
    process, url = start_gunicorn(free_port, dynamodb_env)
    try:
        result = mixed_load(url, DURATION_S, acked_file)
    finally:
        stop(process)
    r = result.load
    print(
        f"  {r.label:<52} {r.requests_per_s:9.0f} req/s  p99 {r.p99_ms:7.2f} ms  non-2xx/errors {r.non_2xx}  "
        f"writes acknowledged {result.writes_acknowledged}, lost {len(result.writes_lost)}",
        flush=True,
    )
    return result
