#!/usr/bin/env python
"""Benchmarks: synth time against AWS CDK and the import floor, cdktf diff, `make up` from empty, the service under load.

Every speed is a ratio against a baseline measured in the same run (machines are shared and
noisy), median of RUNS runs, each in a fresh process. Figures are printed and written to
docs/BENCHMARKS.md together with the command that produced them.

    python bench/run.py          every benchmark, every section of docs/BENCHMARKS.md (make bench)
    python bench/run.py synth    only the synth benchmark (bench/synth.py), only its section (make bench ONLY=synth)
    python bench/run.py deploy   only up, diff and destroy (bench/deploy.py), only its section (make bench ONLY=deploy)
    python bench/run.py apps     only two apps' tests in one pytest run against one run each (make bench ONLY=apps)
    python bench/run.py gc       only one terraform plan with Go's default GC and the devkit's (make bench ONLY=gc)
    python bench/run.py endpoints  only one terraform plan with the provider's endpoints block and without (make bench ONLY=endpoints)
    python bench/run.py test     only `make test` on a fresh clone, by stream (make bench ONLY=test)
"""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import deploy as deploy_bench  # noqa: E402
import load as load_bench  # noqa: E402
import make_test as make_test_bench  # noqa: E402
import provider_endpoints as endpoints_bench  # noqa: E402
import service as service_bench  # noqa: E402
import synth as synth_bench  # noqa: E402
import terraform_gc as gc_bench  # noqa: E402

from cdktf_devkit import toolchain  # noqa: E402
from cdktf_devkit.localaws import LocalAws, LocalAwsSettings  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PY = sys.executable
REPORT = ROOT / "docs" / "BENCHMARKS.md"
PARTS = ("synth", "deploy", "apps", "gc", "endpoints", "test")  # what `bench/run.py PART` can run on its own
HEADER = [
    "# Benchmarks",
    "",
    "Every speed is compared with a baseline measured in the same run (the machines are shared and noisy);",
    "each section says when it was measured, with which command and how many runs. `make bench`",
    "(`python bench/run.py`) re-measures every section; `make bench ONLY=synth` (`python bench/run.py synth`)",
    "only the two synth sections (synth against AWS CDK, and the unit tier), leaving the others as they are.",
]
# Sections in the order the report lists them; headings are how a partial run finds its section.
SYNTH = "Synth"
UNIT_TIER = "Unit test tier with fast synth on and off"
DEPLOY = "Deploy, diff and destroy against the local AWS"
APPS = "Several apps in one pytest run"
GC = "Terraform's garbage collector"
ENDPOINTS = "The AWS provider's endpoints"
MAKE_TEST = "`make test` on a fresh clone"
SECTION_ORDER = (
    SYNTH,
    UNIT_TIER,
    DEPLOY,
    APPS,
    GC,
    ENDPOINTS,
    MAKE_TEST,
    "Service: `GET /todos` under load",
    "Service under load with writes (DynamoDB store on the local AWS)",
    "What fast synth saves elsewhere",
)
# Headings a full run replaces with a new one: the old section goes.
REPLACED = {
    "What fast synth saves elsewhere": "What the lazy provider import saves elsewhere",
    DEPLOY: "Local AWS round trip",
}


def measured_line(command: str) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"Measured {when} on {platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}; command: {command}."


def record(sections: dict[str, list[str]]) -> None:
    """Write ``sections`` (heading -> body lines) into REPORT; every other section stays as it is."""
    bodies: dict[str, list[str]] = {}
    if REPORT.is_file():
        heading = None
        for line in REPORT.read_text().splitlines():
            if line.startswith("## "):
                heading = line[3:].strip()
                bodies[heading] = []
            elif heading is not None:
                bodies[heading].append(line)
    for heading in sections:
        bodies.pop(REPLACED.get(heading, ""), None)
    bodies.update(sections)
    order = [h for h in SECTION_ORDER if h in bodies] + [h for h in bodies if h not in SECTION_ORDER]
    lines = list(HEADER)
    for heading in order:
        body = list(bodies[heading])
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        lines += ["", f"## {heading}", "", *body]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"==> written to {REPORT.relative_to(ROOT)}: {', '.join(sections)}")


def synth_section(command: str) -> list[str]:
    """Run bench/synth.py (with the import floor rows) and describe its figures."""
    figures = synth_bench.run(import_floor=True)
    v, versions = figures["variants"], figures["versions"]
    off_name = figures["fast_off"].partition("=")[0]
    floor = v["floor"]["median"]

    def row(key: str) -> str:
        f = v[key]
        return (
            f"| {f['label']} | {f['median']:.2f} s | {f['min']:.2f} s | {f['max']:.2f} s "
            f"| {f['ratio_to_awscdk']:.2f} | {f['ratio_to_awscdk_novalidate']:.2f} |"
        )

    lines = [
        measured_line(command) + f" Node {versions['node']}.",
        f"Median, min and max of {figures['runs']} runs of each, run alternately after {figures['warmup']} warm-up each;",
        "every run is a fresh process writing into a fresh temporary directory. Our compile cache (the provider code V8",
        "compiled, kept between runs) is warm after the warm-up, as after any earlier synth; one row starts each run without it.",
        "",
        f"The AWS CDK app is `bench/awscdk/app.ts`: the same five stacks with aws-cdk-lib {versions['aws-cdk-lib']} and constructs {versions['constructs']},",
        f"compiled with TypeScript {versions['typescript']} (exact pins, installed by `npm ci` into `bench/awscdk/node_modules`),",
        f"environment-agnostic so nothing is looked up. Ours: cdktf {versions['cdktf']}, cdktf-cdktf-provider-aws {versions['cdktf-cdktf-provider-aws']}.",
        "",
        "| what | median | min | max | ratio to AWS CDK | ratio to AWS CDK without validation |",
        "|---|---:|---:|---:|---:|---:|",
        *[row(key) for key in ("awscdk", "awscdk_novalidate", "ours", "ours_cold_cache", "ours_fast_off")],
        "",
        f"**ours / AWS CDK: {figures['ratio']:.2f}** (speed-up off: {figures['ratio_fast_off']:.2f}); against AWS CDK with its",
        f"template validation off: **{figures['ratio_novalidate']:.2f}** (speed-up off: {figures['ratio_fast_off_novalidate']:.2f}). Goal (issue 16): <= 0.50.",
        "",
        f"aws-cdk-lib {versions['aws-cdk-lib']} checks every synthesized template with a built-in CloudFormation validator",
        "(`@aws/cloudformation-validate`, WebAssembly) unless `CDK_VALIDATION=false`; that is most of its synth time here.",
        "cdktf runs no comparable check of the JSON it writes (Terraform validates at plan), so the second ratio compares like with like.",
    ]
    if figures["code_changed_during_run"]:
        lines += [
            "",
            "**The code changed during this run** (shared checkout): the figures mix two versions of it; measure again.",
        ]
    if not figures["fast_off_switch_read"]:
        lines += [
            "",
            f"`{off_name}` was not read by `modules/` throughout this run: the speed-up-off row may measure the default.",
        ]
    lines += [
        "",
        "Against the import floor (same runs):",
        "",
        "| what | median | ratio to floor |",
        "|---|---:|---:|",
        *[
            f"| {v[key]['label']} | {v[key]['median']:.2f} s | {v[key]['median'] / floor:.2f} |"
            for key in ("floor", "ours_fast_off", "ours")
        ],
        "",
        "Goal: `python main.py` <= 1.2 x the floor with the speed-up off, and <= 0.4 x the floor with it on (the default).",
    ]
    return lines


def unit_tier_section(command: str) -> list[str]:
    """The unit test tier with fast synth off and on, alternately; medians."""
    # The fast-synth tests switch it off on purpose, and the install tests spend their time in pip.
    pytest = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "unit", "-k", "not fast_synth and not library_install"]
    off_name, _, off_value = synth_bench.FAST_OFF.partition("=")
    env = {k: v for k, v in os.environ.items() if k != off_name}
    print(f"==> unit test tier, fast synth off and on alternately, median of {RUNS}", flush=True)
    samples: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(RUNS):
        samples["off"].append(timed(pytest, {**env, off_name: off_value}))
        samples["on"].append(timed(pytest, env))
    off, on = (statistics.median(samples[k]) for k in ("off", "on"))
    for key, value in (("off", off), ("on", on)):
        print(
            f"  {'pytest -m unit, fast synth ' + key:<44} median {value:6.2f} s  ({', '.join(f'{s:.2f}' for s in samples[key])})"
        )
    return [
        measured_line(command) + f" Medians of {RUNS} runs of each, alternately.",
        f"`{off_name}=<{off_value}|1> python {shlex.join(pytest[1:])}`",
        "(the fast-synth tests synthesize with the switch off on purpose, and the install tests spend their time in pip).",
        "",
        "| what | fast synth off | on (default) | ratio |",
        "|---|---:|---:|---:|",
        f"| unit tier (wall, including pytest start) | {off:.1f} s | {on:.1f} s | {on / off:.2f} |",
    ]


def deploy_env(tools: toolchain.Toolchain) -> dict[str, str]:
    """A local AWS and service of the benchmark's own, and a synth directory that keeps the user's."""
    local_aws = LocalAwsSettings(port=toolchain.free_port())
    return tools.env(
        {
            **local_aws.env(),
            "TODOLIST_ENV": "local",
            "TODOLIST_LOCAL_AWS_PORT": str(local_aws.port),
            "TODOLIST_SERVICE_PORT": str(toolchain.free_port()),
            "CDKTF_DEVKIT_OUT": "build/bench/cdktf.out",
        }
    )


def deploy_section(command: str) -> list[str]:
    print("==> make up from an empty local AWS, a plain terraform plan, make diff, cdktf diff, make destroy", flush=True)
    tools = toolchain.load(ROOT)
    figures = deploy_bench.measure(tools, deploy_env(tools))
    section = deploy_bench.section(figures, measured_line(command))
    print("\n".join(line for line in section if line.startswith("|")), flush=True)
    return section


def apps_section(command: str) -> list[str]:
    print(f"==> {' and '.join(deploy_bench.TWO_APPS)}: one pytest run per app, then both in one run", flush=True)
    section = deploy_bench.apps_section(toolchain.load(ROOT).env(), measured_line(command))
    print("\n".join(line for line in section if line.startswith("|")), flush=True)
    return section


def gc_section(command: str) -> list[str]:
    print("==> terraform plan with Go's default GC and with the devkit's GOGC, alternating", flush=True)
    tools = toolchain.load(ROOT)
    section = gc_bench.section(gc_bench.measure(tools, deploy_env(tools), RUNS), measured_line(command), RUNS)
    print("\n".join(line for line in section if line.startswith("|")), flush=True)
    return section


def endpoints_section(command: str) -> list[str]:
    print("==> terraform plan with the provider's endpoints block and with AWS_ENDPOINT_URL, alternating", flush=True)
    tools = toolchain.load(ROOT)
    figures = endpoints_bench.measure(tools, deploy_env(tools), RUNS)
    section = endpoints_bench.section(figures, measured_line(command), RUNS)
    print("\n".join(line for line in section if line.startswith("|")), flush=True)
    return section


def make_test_section(command: str) -> list[str]:
    print("==> make test on a fresh clone of HEAD", flush=True)
    section = make_test_bench.section(make_test_bench.measure(), measured_line(command))
    print("\n".join(line for line in section if line.startswith("|")), flush=True)
    return section


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

    boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    ).create_table(
        TableName="bench-todos",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )


def main(argv: list[str]) -> None:
    unknown = [a for a in argv if a not in PARTS]
    if unknown or len(argv) > 1:
        raise SystemExit(f"usage: bench/run.py [{'|'.join(PARTS)}]")
    if argv == ["synth"]:
        command = f"`make bench ONLY=synth` (`python bench/run.py synth`; `BENCH_RUNS={RUNS}`)"
        record({SYNTH: synth_section(command), UNIT_TIER: unit_tier_section(command)})
        return

    if argv == ["deploy"]:
        command = "`make bench ONLY=deploy` (`python bench/run.py deploy`)"
        record({DEPLOY: deploy_section(command)})
        return
    if argv == ["apps"]:
        command = "`make bench ONLY=apps` (`python bench/run.py apps`)"
        record({APPS: apps_section(command)})
        return
    if argv == ["test"]:
        command = "`make bench ONLY=test` (`python bench/run.py test`)"
        record({MAKE_TEST: make_test_section(command)})
        return
    if argv == ["gc"]:
        command = f"`make bench ONLY=gc` (`python bench/run.py gc`; `BENCH_RUNS={RUNS}`)"
        record({GC: gc_section(command)})
        return
    if argv == ["endpoints"]:
        command = f"`make bench ONLY=endpoints` (`python bench/run.py endpoints`; `BENCH_RUNS={RUNS}`)"
        record({ENDPOINTS: endpoints_section(command)})
        return

    command = f"`make bench` (`python bench/run.py`; `BENCH_RUNS={RUNS}`)"
    record(
        {
            DEPLOY: deploy_section(command),
            APPS: apps_section(command),
            GC: gc_section(command),
            ENDPOINTS: endpoints_section(command),
        }
    )
    tools = toolchain.load(ROOT)
    env = deploy_env(tools)
    synth = synth_section(command)
    off_name, _, off_value = synth_bench.FAST_OFF.partition("=")
    fast_off = {**env, off_name: off_value}

    devkit = [PY, "-m", "cdktf_devkit"]
    print("==> make up from an empty local AWS, then cdktf diff of one stack with fast synth off and on", flush=True)
    try:
        timed(devkit + ["up"], env)
        one_stack = [str(tools.cdktf), "diff", "TodoList-Network", *tools.cdktf_flags("diff")]
        one_stack[one_stack.index("--output") + 1] = str(ROOT / "build" / "bench" / "cdktf.out")
        diff_off = median_of("cdktf diff TodoList-Network, fast synth off", one_stack, fast_off)
        diff_on = median_of("cdktf diff TodoList-Network, fast synth on", one_stack, env)
    finally:
        subprocess.run(devkit + ["down"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)

    print(
        f"==> GET /todos under wrk: {service_bench.CONNECTIONS} connections, {service_bench.DURATION_S} s each, loopback",
        flush=True,
    )
    local_aws = LocalAws.start_on_free_port(ROOT / "build" / "bench" / "local-aws.log")
    try:
        table_env = {
            **os.environ,
            "TODO_TABLE_NAME": "bench-todos",
            "TODO_DYNAMODB_ENDPOINT": local_aws.endpoint,
            "TODO_AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
        }
        create_table(local_aws.endpoint)
        subprocess.run([PY, "-m", "todo_service.seed"], cwd=ROOT / "app", env=table_env, check=True, stdout=subprocess.DEVNULL)
        loads = service_bench.run(toolchain.free_port, table_env)
        print(
            f"==> mixed load on the DynamoDB store: {load_bench.CONNECTIONS} connections, {load_bench.DURATION_S} s", flush=True
        )
        mixed = load_bench.run(toolchain.free_port, table_env, ROOT / "build" / "bench" / "acked-writes.txt")
    finally:
        local_aws.stop()
    ours, seed_style = loads[0], loads[1]

    unit_tier = unit_tier_section(command)
    measured = measured_line(command) + f" Medians of {RUNS} runs where it says median."
    record(
        {
            SYNTH: synth,
            UNIT_TIER: unit_tier,
            "Service: `GET /todos` under load": [
                measured,
                "",
                f"`wrk -t2 -c{service_bench.CONNECTIONS} -d{service_bench.DURATION_S}s --latency` after a 3 s warm-up, loopback, server and wrk on the same 2 cores.",
                "gunicorn runs with `app/gunicorn.conf.py` as in the container: 4 sync workers with the file store, 2 gthread workers x 4 threads with DynamoDB.",
                "",
                "| server | requests/s | p99 latency | non-2xx or socket errors |",
                "|---|---:|---:|---:|",
                *[f"| {r.label} | {r.requests_per_s:.0f} | {r.p99_ms:.1f} ms | {r.non_2xx} |" for r in loads],
                "",
                f"Throughput ratio (a)/(b): **{ours.requests_per_s / seed_style.requests_per_s:.2f}** (goal >= 5); p99 of (a): **{ours.p99_ms:.1f} ms** (goal <= 10 ms).",
            ],
            "Service under load with writes (DynamoDB store on the local AWS)": [
                measured,
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
            ],
            "What fast synth saves elsewhere": [
                measured,
                "",
                f"| what | fast synth off (`{synth_bench.FAST_OFF}`) | on (default) | ratio |",
                "|---|---:|---:|---:|",
                f"| `cdktf diff TodoList-Network` (synth + plan, median) | {diff_off:.1f} s | {diff_on:.1f} s | {diff_on / diff_off:.2f} |",
            ],
        }
    )


if __name__ == "__main__":
    main(sys.argv[1:])
