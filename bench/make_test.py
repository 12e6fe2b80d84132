"""`make test` on a fresh clone of the current commit: its wall and CPU time, and each stream's time.

The baseline from the same run is the sum of the streams' pytest times: what running them one after
another would take (not counting install, lint and the policy scan, which runs alongside them).
"""

from __future__ import annotations

import re
import resource
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^=+ (.+) in ([0-9.]+)s", re.M)
FIRST_FILE = re.compile(r"^((?:tests|examples)/\S+\.py) ", re.M)


BEFORE = (
    "Before (recorded once, not re-measured): CI's `make test` of commit 55e97c5 (pip installs, the provider's "
    "`endpoints` block, ten validates of the exit paths) took 1,127 s; this machine's fresh-clone runs of it "
    "975 to 1,165 s, 1,750 to 1,975 CPU-seconds. Earlier, CI's run of ce2f104 took 1,300 s."
)


def measure() -> dict:
    """Clone HEAD, run `make test`, return wall and CPU seconds and (first test file, summary, seconds) per stream."""
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"make test failed:\n{result.stdout[-5000:]}\n{result.stderr[-2000:]}")
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "streams": streams(result.stdout),
    }


def streams(output: str) -> list[tuple[str, str, float]]:
    """Each pytest session's first test file, summary and seconds, in the order they ended."""
    found, start = [], 0
    for match in SUMMARY.finditer(output):
        first = FIRST_FILE.search(output, start, match.start())
        found.append((first.group(1) if first else "?", match.group(1), float(match.group(2))))
        start = match.end()
    return found


def section(figures: dict, measured: str) -> list[str]:
    one_after_another = sum(seconds for _, _, seconds in figures["streams"])
    return [
        measured,
        "",
        "| what | wall time | ratio |",
        "|---|---:|---:|",
        f"| the streams' pytest times one after another (baseline) | {one_after_another:.0f} s | 1.00 |",
        f"| `make test` on a fresh clone (install, lint, then the scan and the streams at once) | {figures['wall']:.0f} s | **{figures['wall'] / one_after_another:.2f}** |",
        "",
        f"CPU time of the whole run: {figures['cpu']:.0f} s on the scan and {len(figures['streams'])} pytest streams (2 cores: at least "
        f"{figures['cpu'] / 2:.0f} s of wall time however they are arranged).",
        "",
        "| stream (its first test file) | tests | pytest time |",
        "|---|---|---:|",
        *[f"| `{first}` | {summary} | {seconds:.0f} s |" for first, summary, seconds in figures["streams"]],
        "",
        BEFORE,
    ]
