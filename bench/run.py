#!/usr/bin/env python
"""Benchmarks: synth time against the import floor, cdktf diff, and `make up` from empty.

Every speed is a ratio against a baseline measured in the same run (machines are shared and
noisy), median of RUNS runs, each in a fresh process. Figures are printed and written to
docs/BENCHMARKS.md together with the command that produced them.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import load as load_bench  # noqa: E402
import service as service_bench  # noqa: E402
from cdktf_devkit import toolchain  # noqa: E402
from cdktf_devkit.localaws import LocalAws  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PY = sys.executable
REPORT = ROOT / "docs" / "BENCHMARKS.md"


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return elapsed


def median_of(label: str, command: list[str], env: dict[str, str]) -> float:
    samples = [timed(command, env) for _ in range(RUNS)]
    value = statistics.median(samples)
    print(f"  {label:<44} median {value:6.2f} s  ({', '.join(f'{s:.2f}' for s in samples)})", flush=True)
    return value


def create_table(endpoint: str) -> None:
    import boto3

    boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test").create_table(
        TableName="bench-todos", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )


def main() -> None:
    tools = toolchain.load(ROOT)
    port = toolchain.free_port()
    env = tools.env({
        "TODOLIST_ENV": "local",
        "TODOLIST_LOCAL_AWS_PORT": str(port),
        "TODOLIST_SERVICE_PORT": str(toolchain.free_port()),
        "TODOLIST_CDKTF_OUT": "build/bench/cdktf.out",  # keeps the user's cdktf.out and its backend settings
    })
    lazy_off = {**env, "TODOLIST_LAZY_PROVIDER": "0"}

    print(f"==> synth, median of {RUNS}", flush=True)
    floor = median_of("floor: import cdktf_cdktf_provider_aws", [PY, "-c", "import cdktf_cdktf_provider_aws"], lazy_off)
    eager = median_of("python main.py, eager provider import", [PY, "main.py"], lazy_off)
    lazy = median_of("python main.py (default: lazy provider import)", [PY, "main.py"], env)

    devkit = [PY, "-m", "cdktf_devkit"]
    print("==> make up from an empty local AWS, then make diff", flush=True)
    try:
        up = timed(devkit + ["up"], env)
        print(f"  {'make up (start local AWS, bootstrap, deploy)':<44} {up:6.2f} s", flush=True)
        diff = timed(devkit + ["diff"], env)
        print(f"  {'make diff (synth + diff of every stack)':<44} {diff:6.2f} s", flush=True)
        one_stack = [str(tools.cdktf), "diff", "TodoList-Network", *tools.cdktf_flags("diff")]
        one_stack[one_stack.index("--output") + 1] = str(ROOT / "build" / "bench" / "cdktf.out")
        diff_eager = median_of("cdktf diff TodoList-Network, eager import", one_stack, lazy_off)
        diff_lazy = median_of("cdktf diff TodoList-Network, lazy import", one_stack, env)
    finally:
        subprocess.run(devkit + ["down"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)

    print(f"==> GET /todos under wrk: {service_bench.CONNECTIONS} connections, {service_bench.DURATION_S} s each, loopback", flush=True)
    local_aws = LocalAws.start_on_free_port(ROOT / "build" / "bench" / "local-aws.log")
    try:
        table_env = {
            **os.environ, "TODO_TABLE_NAME": "bench-todos", "TODO_DYNAMODB_ENDPOINT": local_aws.endpoint,
            "TODO_AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        }
        create_table(local_aws.endpoint)
        subprocess.run([PY, "-m", "todo_service.seed"], cwd=ROOT / "app", env=table_env, check=True, stdout=subprocess.DEVNULL)
        loads = service_bench.run(toolchain.free_port, table_env)
        print(f"==> mixed load on the DynamoDB store: {load_bench.CONNECTIONS} connections, {load_bench.DURATION_S} s", flush=True)
        mixed = load_bench.run(toolchain.free_port, table_env, ROOT / "build" / "bench" / "acked-writes.txt")
    finally:
        local_aws.stop()
    ours, seed_style = loads[0], loads[1]

    print(f"==> unit test tier, median of {RUNS}", flush=True)
    pytest = [PY, "-m", "pytest", "-q", "-m", "unit", "-k", "not lazy_provider", "-p", "no:cacheprovider"]
    unit_eager = median_of("pytest -m unit, eager import", pytest, lazy_off)
    unit_lazy = median_of("pytest -m unit, lazy import", pytest, env)

    rows = [
        ("floor: `python -c 'import cdktf_cdktf_provider_aws'`", floor, 1.0),
        ("`python main.py`, eager provider import (`TODOLIST_LAZY_PROVIDER=0`)", eager, eager / floor),
        ("`python main.py` (default, lazy provider import)", lazy, lazy / floor),
    ]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Latest run: {when} on {platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Command: `make bench` (`python bench/run.py`; `BENCH_RUNS={RUNS}`). Each figure is the median of {RUNS} runs,",
        "each in a fresh process; ratios are against the floor measured in the same run.",
        "",
        "## Synth",
        "",
        "| what | median | ratio to floor |",
        "|---|---:|---:|",
        *[f"| {label} | {value:.2f} s | {ratio:.2f} |" for label, value, ratio in rows],
        "",
        "Goal: `python main.py` <= 1.2 x the floor (eager), and <= 0.4 x the floor with the lazy import.",
        "",
        "## Local AWS round trip",
        "",
        "| what | wall time |",
        "|---|---:|",
        f"| `make up` from an empty local AWS (start it, bootstrap state, `cdktf deploy` every stack) | {up:.1f} s |",
        f"| `make diff` right after (one synth, `cdktf diff` of every stack: no changes) | {diff:.1f} s |",
        "",
        "## Service: `GET /todos` under load",
        "",
        f"`wrk -t2 -c{service_bench.CONNECTIONS} -d{service_bench.DURATION_S}s --latency` after a 3 s warm-up, loopback, server and wrk on the same 2 cores.",
        "gunicorn runs with `app/gunicorn.conf.py` as in the container: 4 sync workers with the file store, 2 gthread workers x 4 threads with DynamoDB.",
        "",
        "| server | requests/s | p99 latency | non-2xx or socket errors |",
        "|---|---:|---:|---:|",
        *[f"| {r.label} | {r.requests_per_s:.0f} | {r.p99_ms:.1f} ms | {r.non_2xx} |" for r in loads],
        "",
        f"Throughput ratio (a)/(b): **{ours.requests_per_s / seed_style.requests_per_s:.2f}** (goal >= 5); p99 of (a): **{ours.p99_ms:.1f} ms** (goal <= 10 ms).",
        "",
        "## Service under load with writes (DynamoDB store on the local AWS)",
        "",
        f"`wrk -t2 -c{load_bench.CONNECTIONS} -d{mixed.seconds}s --timeout 10s -s bench/write_mix.lua`: `GET /todos` with "
        f"{load_bench.WRITE_SHARE:.0%} `POST /todos`; afterwards every acknowledged write is read back by id and looked up in the list.",
        "",
        "| requests | requests/s | p99 latency | non-2xx or socket errors | writes acknowledged | writes lost |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {mixed.load.requests} | {mixed.load.requests_per_s:.0f} | {mixed.load.p99_ms:.0f} ms | {mixed.load.non_2xx} | {mixed.writes_acknowledged} | {len(mixed.writes_lost)} |",
        "",
        "Throughput is bounded by the local AWS (moto answers each DynamoDB call in Python, and every",
        "`GET /todos` scans a table that grows by each write); the figures that matter are the last two.",
        "",
        "## What the lazy provider import saves elsewhere",
        "",
        "| what | eager import | lazy import | ratio |",
        "|---|---:|---:|---:|",
        f"| `cdktf diff TodoList-Network` (synth + plan, median) | {diff_eager:.1f} s | {diff_lazy:.1f} s | {diff_lazy / diff_eager:.2f} |",
        f"| `pytest -m unit` (median) | {unit_eager:.1f} s | {unit_lazy:.1f} s | {unit_lazy / unit_eager:.2f} |",
        "",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines))
    print(f"==> written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
