#!/usr/bin/env python
"""Synth benchmark: `python main.py` against the same five stacks written with the AWS CDK.

The AWS CDK app (bench/awscdk/app.ts, exact npm pins) is installed with `npm ci` into
bench/awscdk/node_modules and compiled with tsc into bench/awscdk/dist the first time, and again
whenever its pins or sources change. Then the variants run alternately, RUNS times each after one
untimed warm-up, every run a fresh process writing into a fresh temporary directory:

- AWS CDK: `node dist/app.js` (compiled TypeScript, environment-agnostic stacks: no lookups), as it
  comes: aws-cdk-lib validates every template at the end of synth (@aws/cloudformation-validate, WASM)
- AWS CDK with that validation off (`CDK_VALIDATION=false`): our synth validates nothing comparable,
  so this is the like-for-like baseline
- ours: `.venv/bin/python main.py` with default settings (its compile cache warm from the warm-up run,
  as after any earlier synth)
- ours with an empty compile cache, as on a first run
- ours with the synth speed-up switched off (`CDKTF_FARGATE_FAST_SYNTH=0` unless --fast-off says otherwise)
- with --import-floor also the import floor: `python -c 'import cdktf_cdktf_provider_aws'`, the
  whole provider loaded the normal way

Prints medians, min/max and the ratios ours / AWS CDK; `run()` returns the figures for bench/run.py,
which writes them into docs/BENCHMARKS.md (`python bench/run.py synth`).

    python bench/synth.py [--runs 7] [--fast-off NAME=VALUE] [--import-floor]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AWSCDK = ROOT / "bench" / "awscdk"
STACKS = ("TodoList-Network", "TodoList-ECR", "TodoList-ECS", "TodoList-CICD", "TodoList-Website")
RUNS = int(os.environ.get("BENCH_SYNTH_RUNS", "7"))
FAST_OFF = os.environ.get("BENCH_FAST_SYNTH_OFF", "CDKTF_FARGATE_FAST_SYNTH=0")
QUIET = {"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CHECKPOINT_DISABLE": "1", "CDK_DISABLE_VERSION_CHECK": "1"}


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable


@dataclass
class Variant:
    key: str
    label: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    outdir_variable: str | None  # where the run's temporary output directory is passed
    expected: tuple[str, ...] = ()  # files every run must write, relative to its output directory
    empty_dir_variable: str | None = None  # given a new empty directory on every run
    samples: list[float] = field(default_factory=list)

    def figures(self) -> dict:
        return {
            "label": self.label,
            "command": " ".join(self.command),
            "median": statistics.median(self.samples),
            "min": min(self.samples),
            "max": max(self.samples),
            "samples": [round(s, 3) for s in self.samples],
        }


def newer(target: Path, *sources: Path) -> bool:
    return target.exists() and all(target.stat().st_mtime >= s.stat().st_mtime for s in sources)


def prepare_awscdk() -> None:
    """`npm ci` the exact pins and compile app.ts, each only when out of date."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"error: {tool} not found: install Node.js >= 20 with npm")
    stamp = AWSCDK / "node_modules" / ".installed"
    if not newer(stamp, AWSCDK / "package.json", AWSCDK / "package-lock.json"):
        print("==> installing the AWS CDK app's npm pins into bench/awscdk/node_modules", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=AWSCDK, check=True)
        stamp.touch()
    app_js = AWSCDK / "dist" / "app.js"
    if not newer(app_js, AWSCDK / "app.ts", AWSCDK / "tsconfig.json", stamp):
        print("==> compiling bench/awscdk/app.ts with tsc", flush=True)
        subprocess.run([str(AWSCDK / "node_modules" / ".bin" / "tsc"), "-p", str(AWSCDK)], check=True)
        app_js.touch()


def switch(assignment: str) -> tuple[str, str]:
    name, sep, value = assignment.partition("=")
    if not sep or not name:
        raise SystemExit(f"error: --fast-off wants NAME=VALUE, got {assignment!r}")
    return name, value


def library_reads(name: str) -> bool:
    """Whether the construct library mentions the variable at all (else the switch does nothing)."""
    return any(name in path.read_text(errors="replace") for path in (ROOT / "modules").glob("**/*.py"))


def code_fingerprint() -> str:
    """Hash of the code the variants run: a shared checkout can change under a running benchmark."""
    digest = hashlib.sha256()
    files = [*sorted((ROOT / "modules").glob("**/*.py")), *sorted(ROOT.glob("*.py")), AWSCDK / "app.ts"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def variants(fast_off: str, import_floor: bool) -> list[Variant]:
    base = {**os.environ, **QUIET}
    off_name, off_value = switch(fast_off)
    # "Default settings" means default: none of our switches inherited from the caller's shell.
    ours_env = {k: v for k, v in base.items() if k not in (off_name, "CDKTF_OUTDIR")}
    ours_files = tuple(f"stacks/{s}/cdk.tf.json" for s in STACKS)
    py = python()
    aws_env = {
        k: v
        for k, v in base.items()
        if not k.startswith(("CDK_CONTEXT", "CDK_DEFAULT")) and k not in ("CDK_OUTDIR", "CDK_VALIDATION")
    }
    templates = tuple(f"{s}.template.json" for s in STACKS)
    result = [
        Variant(
            "awscdk",
            "AWS CDK: `node dist/app.js` (default: built-in template validation on)",
            ["node", "dist/app.js"],
            AWSCDK,
            aws_env,
            "CDK_OUTDIR",
            templates,
        ),
        Variant(
            "awscdk_novalidate",
            "AWS CDK: `CDK_VALIDATION=false node dist/app.js` (template validation off)",
            ["node", "dist/app.js"],
            AWSCDK,
            {**aws_env, "CDK_VALIDATION": "false"},
            "CDK_OUTDIR",
            templates,
        ),
        Variant("ours", "ours: `python main.py` (default settings)", [py, "main.py"], ROOT, ours_env, "CDKTF_OUTDIR", ours_files),
        Variant(
            "ours_cold_cache",
            "ours: `python main.py`, compile cache empty (a new `CDKTF_FARGATE_CACHE_DIR` every run)",
            [py, "main.py"],
            ROOT,
            ours_env,
            "CDKTF_OUTDIR",
            ours_files,
            empty_dir_variable="CDKTF_FARGATE_CACHE_DIR",
        ),
        Variant(
            "ours_fast_off",
            f"ours: `{fast_off} python main.py` (speed-up off)",
            [py, "main.py"],
            ROOT,
            {**ours_env, off_name: off_value},
            "CDKTF_OUTDIR",
            ours_files,
        ),
    ]
    if import_floor:
        result.append(
            Variant(
                "floor",
                "floor: `python -c 'import cdktf_cdktf_provider_aws'`",
                [py, "-c", "import cdktf_cdktf_provider_aws"],
                ROOT,
                ours_env,
                None,
            )
        )
    return result


def run_once(variant: Variant) -> float:
    with tempfile.TemporaryDirectory(prefix=f"synth-bench-{variant.key}-") as scratch:
        outdir = Path(scratch) / "out"
        env = dict(variant.env)
        if variant.outdir_variable:
            env[variant.outdir_variable] = str(outdir)
        if variant.empty_dir_variable:
            env[variant.empty_dir_variable] = str(Path(scratch) / "empty")
        started = time.perf_counter()
        done = subprocess.run(
            variant.command, check=False, cwd=variant.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"synth benchmark command failed: {variant.label}\n{done.stderr[-3000:]}")
        missing = [name for name in variant.expected if not (outdir / name).is_file()]
        if missing:
            raise SystemExit(f"{variant.label} wrote no {', '.join(missing)} into {outdir}")
    return elapsed


def versions() -> dict[str, str]:
    def npm_version(package: str) -> str:
        return json.loads((AWSCDK / "node_modules" / package / "package.json").read_text())["version"]

    ours = subprocess.run(
        [python(), "-c", "import importlib.metadata as m; print(m.version('cdktf'), m.version('cdktf-cdktf-provider-aws'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return {
        "node": node,
        "aws-cdk-lib": npm_version("aws-cdk-lib"),
        "constructs": npm_version("constructs"),
        "typescript": npm_version("typescript"),
        "cdktf": ours[0],
        "cdktf-cdktf-provider-aws": ours[1],
        "python": platform.python_version(),
    }


def run(runs: int = RUNS, fast_off: str = FAST_OFF, import_floor: bool = False, warmup: int = 1) -> dict:
    """Prepare, measure alternately, print; returns the figures (seconds) keyed by variant."""
    prepare_awscdk()
    measured = variants(fast_off, import_floor)
    off_name = switch(fast_off)[0]
    switch_read = library_reads(off_name)
    fingerprint = code_fingerprint()
    print(
        f"==> synth: {', '.join(v.key for v in measured)} alternately, {runs} timed runs each after {warmup} warm-up", flush=True
    )
    if not switch_read:
        print(f"  note: nothing under modules/ reads {off_name}: 'speed-up off' measures the default", flush=True)
    for _ in range(warmup):
        for variant in measured:
            run_once(variant)
    for round_no in range(runs):
        # Rotate the order every round so no variant always runs right after the same neighbour.
        shift = round_no % len(measured)
        for variant in measured[shift:] + measured[:shift]:
            variant.samples.append(run_once(variant))
    code_changed = code_fingerprint() != fingerprint
    if code_changed:
        print("  warning: main.py or modules/ changed during the run: the figures mix two versions of the code", flush=True)
    switch_read = switch_read and library_reads(off_name)  # read all along, not just at the start or the end
    figures = {v.key: v.figures() for v in measured}
    aws, aws_novalidate = figures["awscdk"]["median"], figures["awscdk_novalidate"]["median"]
    for v in measured:
        f = figures[v.key]
        f["ratio_to_awscdk"] = f["median"] / aws
        f["ratio_to_awscdk_novalidate"] = f["median"] / aws_novalidate
        print(
            f"  {v.key:<18} median {f['median']:6.2f} s  min {f['min']:6.2f}  max {f['max']:6.2f}  "
            f"x{f['ratio_to_awscdk']:.2f} / x{f['ratio_to_awscdk_novalidate']:.2f} of AWS CDK with / without validation  "
            f"({', '.join(f'{s:.2f}' for s in v.samples)})",
            flush=True,
        )
    result = {
        "runs": runs,
        "warmup": warmup,
        "fast_off": fast_off,
        "fast_off_switch_read": switch_read,
        "code_changed_during_run": code_changed,
        "variants": figures,
        "ratio": figures["ours"]["median"] / aws,
        "ratio_fast_off": figures["ours_fast_off"]["median"] / aws,
        "ratio_novalidate": figures["ours"]["median"] / aws_novalidate,
        "ratio_fast_off_novalidate": figures["ours_fast_off"]["median"] / aws_novalidate,
        "versions": versions(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    print(
        f"==> ours / AWS CDK (default): {result['ratio']:.2f} (speed-up off: {result['ratio_fast_off']:.2f}); "
        f"ours / AWS CDK without template validation: {result['ratio_novalidate']:.2f} "
        f"(speed-up off: {result['ratio_fast_off_novalidate']:.2f}); goal <= 0.50",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=RUNS, help=f"timed runs of each variant (default {RUNS}, or BENCH_SYNTH_RUNS)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each variant first (default 1)")
    parser.add_argument(
        "--fast-off",
        default=FAST_OFF,
        metavar="NAME=VALUE",
        help=f"environment setting that switches our speed-up off (default {FAST_OFF}, or BENCH_FAST_SYNTH_OFF)",
    )
    parser.add_argument(
        "--import-floor", action="store_true", help="also time the import floor (the whole AWS provider, loaded the normal way)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    result = run(args.runs, args.fast_off, args.import_floor, args.warmup)
    if args.json:
        print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
