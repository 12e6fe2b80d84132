"""`make up`, `make diff` and `make destroy` against a local AWS of their own, with where the time goes.

Baselines from the same run: one plain `terraform plan` of TodoList-ECS (what a diff of every stack is
compared with), and `cdktf diff` of every stack at once (what `make diff` ran before it ran Terraform
straight). Where `make up` spends its time comes from its logs (`build/logs/<stack>-apply.log`): each
stack's wall time and the slowest resources, with the AWS provider's fixed waits for them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACK_LINE = re.compile(r"==> (\S+): (deployed|planned|destroyed) in (\d+) s")
COMPLETE = re.compile(r"^(\S+)\.\S+: Creation complete after (?:(\d+)m)?(\d+)s")
# The AWS provider 5.100.0's own waits for resources that are ready at once in the local AWS
# (internal/service/*: StateChangeConf Delay, PollInterval, ContinuousTargetOccurence).
PROVIDER_WAITS = {
    "aws_lb": "2 x 30 s delay (after create, after setting attributes)",
    "aws_s3_bucket_lifecycle_configuration": "10 s delay + 10 equal reads 5 s apart",
    "aws_cloudfront_distribution": "30 s delay before the first read",
    "aws_ecs_cluster": "10 s delay",
    "aws_vpc": "10 s delay (after setting enable_dns_hostnames)",
}


@dataclass
class Run:
    seconds: float
    output: str
    stacks: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stacks = {m.group(1): int(m.group(3)) for m in STACK_LINE.finditer(self.output)}


def devkit(args: list[str], env: dict[str, str]) -> Run:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cdktf_devkit", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"devkit {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    return Run(time.perf_counter() - started, result.stdout)


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def slowest_resources(logs: Path, stacks: list[str], count: int = 6) -> list[tuple[str, str, int]]:
    """(stack, resource type, seconds) of the slowest creations in the apply logs."""
    found = []
    for stack in stacks:
        for line in (logs / f"{stack}-apply.log").read_text().splitlines():
            if match := COMPLETE.match(line):
                found.append((stack, match.group(1), int(match.group(2) or 0) * 60 + int(match.group(3))))
    return sorted(found, key=lambda item: -item[2])[:count]


def cdktf_diff_of_every_stack(tools, stacks: list[str], env: dict[str, str]) -> float:
    """What `make diff` ran before: one `cdktf diff` per stack, all at once."""
    flags = tools.cdktf_flags("diff")
    flags[flags.index("--output") + 1] = env["CDKTF_DEVKIT_OUT"]
    started = time.perf_counter()
    with ThreadPoolExecutor(len(stacks)) as pool:
        list(pool.map(lambda s: timed([str(tools.cdktf), "diff", s, "--skip-synth", *flags], ROOT, env), stacks))
    return time.perf_counter() - started


def measure(tools, env: dict[str, str]) -> dict:
    """up from an empty local AWS, a plain plan of ECS, diff (ours and cdktf's), destroy; then down."""
    try:
        up = devkit(["up"], env)
        synth_dir = ROOT / env["CDKTF_DEVKIT_OUT"]
        stacks = list(up.stacks)
        plan = timed([tools.terraform, "plan", "-input=false", "-no-color"], synth_dir / "stacks" / "TodoList-ECS", env)
        diff = devkit(["diff"], env)
        cdktf_diff = cdktf_diff_of_every_stack(tools, stacks, env)
        plan_after = timed([tools.terraform, "plan", "-input=false", "-no-color"], synth_dir / "stacks" / "TodoList-ECS", env)
        slowest = slowest_resources(tools.build_dir / "logs", stacks)
        destroy = devkit(["destroy"], env)
    finally:
        subprocess.run([sys.executable, "-m", "cdktf_devkit", "down"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return {
        "up": up,
        "plan": (plan + plan_after) / 2,
        "diff": diff,
        "cdktf_diff": cdktf_diff,
        "slowest": slowest,
        "destroy": destroy,
    }


def section(figures: dict, measured: str) -> list[str]:
    up, diff, destroy, plan = figures["up"], figures["diff"], figures["destroy"], figures["plan"]
    lines = [
        measured,
        "",
        "| what | wall time | ratio to one `terraform plan` of TodoList-ECS |",
        "|---|---:|---:|",
        f"| one plain `terraform plan` of TodoList-ECS (baseline; mean of one before and one after the diffs) | {plan:.1f} s | 1.00 |",
        f"| `make diff` of every stack (synth, then `terraform plan` of the five at once) | {diff.seconds:.1f} s | **{diff.seconds / plan:.2f}** |",
        f"| before: `cdktf diff` of every stack at once (what `make diff` ran until 0.4.0; synth not counted) | {figures['cdktf_diff']:.1f} s | {figures['cdktf_diff'] / plan:.2f} |",
        f"| `make up` from an empty local AWS | {up.seconds:.1f} s | {up.seconds / plan:.2f} |",
        f"| `make destroy` of every stack | {destroy.seconds:.1f} s | {destroy.seconds / plan:.2f} |",
        "",
        f"`make up` printed {len(up.output.splitlines())} lines (Terraform's output is in `build/logs/`).",
        "",
        "Where `make up` spends its time, by stack (each starts when the stacks it reads outputs from are done):",
        "",
        "| stack | `make up` | `make destroy` |",
        "|---|---:|---:|",
        *[f"| {stack} | {seconds} s | {destroy.stacks.get(stack, 0)} s |" for stack, seconds in up.stacks.items()],
        "",
        "The slowest resources, and why they take that long:",
        "",
        "| stack | resource | creation | the AWS provider's own wait |",
        "|---|---|---:|---|",
        *[
            f"| {stack} | `{kind}` | {seconds} s | {PROVIDER_WAITS.get(kind, '')} |"
            for stack, kind, seconds in figures["slowest"]
        ],
    ]
    return lines


TWO_APPS = ["examples/orders/tests", "examples/releases/tests"]


def pytest_seconds(paths: list[str], env: dict[str, str]) -> float:
    return _timed_pytest([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths], env)


def _timed_pytest(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}")
    return time.perf_counter() - started


def apps_section(env: dict[str, str], measured: str) -> list[str]:
    """Two apps' tests in one pytest run against one run per app (the baseline, same machine, same run)."""
    separate = [pytest_seconds([path], env) for path in TWO_APPS]
    together = pytest_seconds(TWO_APPS, env)
    names = " and ".join(f"`{path}`" for path in TWO_APPS)
    return [
        measured,
        "",
        f"{names}: plan assertions on both; the second also applies, reads back with boto3, plans clean and destroys.",
        "",
        "| what | wall time | ratio |",
        "|---|---:|---:|",
        f"| one pytest run per app (baseline: {' + '.join(f'{s:.1f} s' for s in separate)}) | {sum(separate):.1f} s | 1.00 |",
        f"| both apps in one pytest run (one local AWS, one toolchain check) | {together:.1f} s | **{together / sum(separate):.2f}** |",
    ]
