#!/usr/bin/env python
"""Service benchmark: GET /todos throughput and p99 latency under wrk, on loopback.

(a) our service under gunicorn with the file store, (b) the seed-style baseline (Flask's
development server re-reading the JSON file per request), (c) our service with the DynamoDB store
on the local AWS. Same run, same wrk settings. Returns the figures for bench/run.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32
DURATION_S = int(os.environ.get("BENCH_WRK_SECONDS", "10"))


@dataclass(frozen=True)
class LoadResult:
    label: str
    requests_per_s: float
    p99_ms: float
    non_2xx: int
    requests: int


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: `make bench` and `make test` install it (apt-get install wrk)")


def wrk(label: str, url: str) -> LoadResult:
    require_wrk()
    # Warm-up: let every worker finish importing and compiling before the measured run.
    subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", "-d3s", url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = parse_wrk(label, out)
    print(
        f"  {label:<52} {result.requests_per_s:9.0f} req/s  p99 {result.p99_ms:7.2f} ms  non-2xx/errors {result.non_2xx}",
        flush=True,
    )
    return result


def parse_wrk(label: str, out: str) -> LoadResult:
    """The figures of wrk's --latency report; non-2xx counts socket errors and timeouts too."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return LoadResult(label, rps, _ms(*p99.groups()), non_2xx, requests)


def wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def serve(command: list[str], cwd: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/todos", process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=15)


def start_gunicorn(free_port, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """gunicorn as the container runs it (its config, from app/), on a free loopback port; returns it and its URL."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**env, "TODO_ACCESS_LOG": "/dev/null", "TODO_BIND": f"127.0.0.1:{port}"}
    return serve([gunicorn, "--config", "gunicorn.conf.py"], ROOT / "app", env, port), f"http://127.0.0.1:{port}"


def run(free_port, dynamodb_env: dict[str, str] | None) -> list[LoadResult]:
    results = []
    ours, url = start_gunicorn(free_port, dict(os.environ))
    try:
        results.append(wrk("(a) gunicorn, file store", f"{url}/todos"))
    finally:
        stop(ours)

    port = free_port()
    baseline = serve([sys.executable, str(ROOT / "bench" / "seed_service.py"), "--port", str(port)], ROOT, dict(os.environ), port)
    try:
        results.append(wrk("(b) seed style: Flask dev server, file re-read", f"http://127.0.0.1:{port}/todos"))
    finally:
        stop(baseline)

    if dynamodb_env is not None:
        ours, url = start_gunicorn(free_port, {**os.environ, **dynamodb_env})
        try:
            results.append(wrk("(c) gunicorn, DynamoDB store on the local AWS", f"{url}/todos"))
        finally:
            stop(ours)
    return results
