"""One `terraform plan` of a stack whose AWS provider names the local AWS in an `endpoints` block (as the
devkit's settings did in 0.3) against the same stack reaching it through `AWS_ENDPOINT_URL` (0.4).

The plan is of TodoList-ECR against a local AWS of the benchmark's own; the two forms alternate, RUNS
plans each. Only the provider block differs: the "before" copy gets the block back, every service the
devkit used to list pointed at the local AWS; a third copy names one service only (ECR, the stack's own).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from terraform_gc import timed_plan

from cdktf_devkit import toolchain

ROOT = Path(__file__).resolve().parent.parent
STACK = "TodoList-ECR"
BEFORE_SERVICES = (
    "acm apigateway appautoscaling cloudformation cloudfront cloudwatch codebuild codecommit codepipeline "
    "codestarconnections dynamodb ec2 ecr ecs efs elasticache elb elbv2 events firehose iam kinesis kms lambda "
    "logs rds route53 s3 secretsmanager sfn sns sqs ssm sts"
).split()
FORMS = (
    "an `endpoints` block of every service the devkit listed (before; baseline)",
    "an `endpoints` block of one service (`ecr`)",
    "`AWS_ENDPOINT_URL` (the devkit's now)",
)


def with_endpoints_block(stack_dir: Path, services: list[str], endpoint: str) -> Path:
    """A copy of the stack (initialised) whose provider names ``endpoint`` for ``services``."""
    copy = stack_dir.with_name(f"{stack_dir.name}-endpoints-{len(services)}")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(stack_dir, copy, symlinks=True)
    stack = json.loads((copy / "cdk.tf.json").read_text())
    stack["provider"]["aws"][0]["endpoints"] = [dict.fromkeys(services, endpoint)]
    (copy / "cdk.tf.json").write_text(json.dumps(stack, indent=2))
    return copy


def measure(tools: toolchain.Toolchain, env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    """Medians of (wall, CPU) of a plan in each form."""
    devkit = [sys.executable, "-m", "cdktf_devkit"]
    try:
        for verb in ("synth", "bootstrap"):
            subprocess.run(devkit + [verb], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        stack_dir = ROOT / env["CDKTF_DEVKIT_OUT"] / "stacks" / STACK
        subprocess.run([tools.terraform, "init", "-input=false"], cwd=stack_dir, env=env, check=True, stdout=subprocess.DEVNULL)
        endpoint = env["AWS_ENDPOINT_URL"]
        copies = [with_endpoints_block(stack_dir, services, endpoint) for services in (BEFORE_SERVICES, ["ecr"])]
        directories = dict(zip(FORMS, [*copies, stack_dir], strict=True))
        samples: dict[str, list[tuple[float, float]]] = {form: [] for form in FORMS}
        for _ in range(runs):
            for form, directory in directories.items():
                samples[form].append(timed_plan(tools.terraform, directory, env))
    finally:
        subprocess.run(devkit + ["down"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return {form: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for form, s in samples.items()}


def section(figures: dict[str, tuple[float, float]], measured: str, runs: int) -> list[str]:
    (base_wall, base_cpu) = figures[FORMS[0]]
    lines = [
        measured,
        "",
        f"`terraform plan` of {STACK} against the local AWS, {runs} runs of each form, alternating; medians. CPU is",
        "terraform's and its three AWS provider processes'. An `endpoints` block, even of one service, costs each",
        "provider process that validates or plans about 4 CPU-seconds; the process that only reads the schema",
        "does not pay it.",
        "",
        "| the provider reaches the local AWS by | wall time | CPU time | CPU ratio |",
        "|---|---:|---:|---:|",
    ]
    for form, (wall, cpu) in figures.items():
        ratio = f"{cpu / base_cpu:.2f}"
        lines.append(f"| {form} | {wall:.1f} s | {cpu:.1f} s | {f'**{ratio}**' if form == FORMS[-1] else ratio} |")
    return lines
