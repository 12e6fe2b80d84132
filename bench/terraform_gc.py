"""One `terraform plan` with Go's default garbage collector against the devkit's GOGC, CPU and wall time,
on an idle machine and with every core kept busy by another process (as in `make test`).

The plan is of TodoList-ECR (it reads no other stack's outputs) against a local AWS of the benchmark's own,
so it loads the AWS provider three times like any plan; the two settings alternate, RUNS plans each.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cdktf_devkit import toolchain

ROOT = Path(__file__).resolve().parent.parent
STACK = "TodoList-ECR"
GO_DEFAULT = "100"
BUSY_LOOP = "while True: pass"


def timed_plan(terraform: str, stack_dir: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of terraform and its provider processes) of one plan."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [terraform, "plan", "-input=false", "-no-color"], cwd=stack_dir, env=env, check=True, stdout=subprocess.DEVNULL
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(tools: toolchain.Toolchain, env: dict[str, str], runs: int) -> dict[str, dict[str, tuple[float, float]]]:
    """Medians of (wall, CPU) per GOGC value, on an idle machine ("idle") and on busy cores ("busy")."""
    devkit = [sys.executable, "-m", "cdktf_devkit"]
    try:
        for verb in ("synth", "bootstrap"):
            subprocess.run(devkit + [verb], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        stack_dir = ROOT / env["CDKTF_DEVKIT_OUT"] / "stacks" / STACK
        subprocess.run([tools.terraform, "init", "-input=false"], cwd=stack_dir, env=env, check=True, stdout=subprocess.DEVNULL)
        idle = alternate(tools, stack_dir, env, runs)
        hogs = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(os.cpu_count() or 1)]
        try:
            busy = alternate(tools, stack_dir, env, runs)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
    finally:
        subprocess.run(devkit + ["down"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return {"idle": idle, "busy": busy}


def alternate(tools: toolchain.Toolchain, stack_dir: Path, env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[tuple[float, float]]] = {GO_DEFAULT: [], toolchain.TERRAFORM_GOGC: []}
    for _ in range(runs):
        for gogc, found in samples.items():
            found.append(timed_plan(tools.terraform, stack_dir, {**env, "GOGC": gogc}))
    return {
        gogc: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found)) for gogc, found in samples.items()
    }


def section(figures: dict[str, dict[str, tuple[float, float]]], measured: str, runs: int) -> list[str]:
    lines = [
        measured,
        "",
        f"`terraform plan` of {STACK} against the local AWS, {runs} runs of each setting, alternating; medians.",
        "CPU is terraform's and its three AWS provider processes'. Busy: one busy loop per core runs alongside,",
        "as the other streams of `make test` do.",
        "",
        "| machine | GOGC | wall time | CPU time | CPU ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for machine, found in figures.items():
        (base_wall, base_cpu), (ours_wall, ours_cpu) = found[GO_DEFAULT], found[toolchain.TERRAFORM_GOGC]
        lines += [
            f"| {machine} | {GO_DEFAULT} (Go's default; baseline) | {base_wall:.1f} s | {base_cpu:.1f} s | 1.00 |",
            f"| {machine} | {toolchain.TERRAFORM_GOGC} (the devkit's unless `GOGC` is set) | {ours_wall:.1f} s | {ours_cpu:.1f} s | **{ours_cpu / base_cpu:.2f}** |",
        ]
    return lines
