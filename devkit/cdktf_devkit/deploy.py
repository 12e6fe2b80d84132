"""Deploy orchestration: synthesize with the app command of cdktf.json, then Terraform in each stack's
directory (``stackrun``), stacks in parallel as their dependencies allow; outputs recorded per target.

Every function takes the checked ``Toolchain`` and the ``Target``; the app's own steps around a
deploy come from its ``Project`` hooks (see ``project``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from . import stackrun, toolchain
from .bootstrap import bootstrap_state_bucket
from .localaws import Daemon
from .project import Project, Target, terraform_env


def say(message: str) -> None:
    stackrun.say(message)


def synth(tools: toolchain.Toolchain) -> None:
    """Run the app command of cdktf.json into the synth directory, as ``cdktf synth`` does (same files)."""
    command = json.loads((tools.root / "cdktf.json").read_text())["app"]
    tools.synth_dir.mkdir(parents=True, exist_ok=True)  # cdktf's App makes only the last directory
    started = time.monotonic()
    result = subprocess.run(
        command, shell=True, cwd=tools.root, env=tools.env({"CDKTF_OUTDIR": str(tools.synth_dir)}), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"synth ({command}) failed (exit {result.returncode}):\n{result.stderr.strip()[-3000:]}")
    say(f"synthesized {len(stack_dependencies(tools.synth_dir))} stacks in {time.monotonic() - started:.0f} s")


def outputs_file(build_dir: Path, target: Target) -> Path:
    """Outputs of the last deploy, one file per target (a local AWS is known by its port)."""
    local = target.local_aws()
    return build_dir / ("outputs-aws.json" if local is None else f"outputs-local-{local.port}.json")


def print_outputs(path: Path) -> None:
    if not path.is_file():
        return
    outputs = json.loads(path.read_text())
    say("outputs")
    for stack, values in sorted(outputs.items()):
        print(f"  {stack}")
        for name, value in sorted(values.items()):
            print(f"    {name} = {json.dumps(value)}")


def stack_dependencies(synth_dir: Path) -> dict[str, list[str]]:
    """Stack name -> the stacks it reads outputs from, from the synth's ``manifest.json``."""
    stacks = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    return {name: list(stack["dependencies"]) for name, stack in stacks.items()}


def stacks_in_waves(manifest: dict[str, Any]) -> list[list[str]]:
    """Stack names of a synth's ``manifest.json`` in waves: each wave depends only on the waves before it."""
    stacks = manifest["stacks"]
    depth: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in depth:
            depth[name] = 1 + max((level(d) for d in stacks[name]["dependencies"]), default=-1)
        return depth[name]

    for name in stacks:
        level(name)
    return [sorted(n for n in stacks if depth[n] == i) for i in range(max(depth.values(), default=-1) + 1)]


def selected(dependencies: dict[str, list[str]], stacks: list[str]) -> dict[str, list[str]]:
    """The named stacks (``*`` or none: every stack), each waiting only for named stacks: the others
    are taken as deployed already."""
    if stacks in ([], ["*"]):
        return dependencies
    unknown = sorted(set(stacks) - set(dependencies))
    if unknown:
        raise SystemExit(f"no such stack: {', '.join(unknown)} (the app has: {', '.join(dependencies)})")
    return {s: [d for d in dependencies[s] if d in stacks] for s in dependencies if s in stacks}


def reversed_dependencies(dependencies: dict[str, list[str]]) -> dict[str, list[str]]:
    """For destroy: each stack waits for every stack that reads its outputs."""
    return {s: [other for other, deps in dependencies.items() if s in deps] for s in dependencies}


def forget_backend_settings(synth_dir: Path) -> None:
    """A new local AWS starts empty, possibly on another port: drop each stack's cached backend
    settings so that terraform init configures the backend afresh instead of asking to migrate."""
    for cached in (synth_dir / "stacks").glob("*/.terraform"):
        shutil.rmtree(cached)


def tools_for(target: Target) -> toolchain.Toolchain:
    """The toolchain, with what the target's stacks need in Terraform's environment; build/env.sh
    gets the same, for cdktf and terraform by hand."""
    tools = toolchain.load(target_env=terraform_env(target))
    toolchain.write_env_script(tools)
    return tools


def prepare(target: Target) -> toolchain.Toolchain:
    """Check prerequisites; for a local target start the local AWS and bootstrap state."""
    tools = tools_for(target)
    say(f"terraform {tools.terraform}; providers from {tools.mirror or 'the Terraform registry'}")
    local = target.local_aws()
    if local is not None:
        daemon = Daemon(tools.build_dir, local.port)
        if daemon.ensure_started():
            say(f"local AWS started on {local.endpoint} (log: {daemon.log_file})")
            forget_backend_settings(tools.synth_dir)
        else:
            say(f"local AWS already running on {local.endpoint}")
        if bootstrap_state_bucket(local.client("s3"), local.state_bucket, local.region):
            say(f"state bucket {local.state_bucket} created")
    return tools


def run_stacks(tools: toolchain.Toolchain, target: Target, stacks: list[str], command: str) -> list[stackrun.StackRun]:
    """``command`` in the named stacks, in dependency order (reversed for destroy); exits on a failure.
    An apply records each stack's outputs as it ends."""
    dependencies = selected(stack_dependencies(tools.synth_dir), stacks)
    if command == "destroy":
        dependencies = reversed_dependencies(dependencies)
    elif command == "plan":
        dependencies = {stack: [] for stack in dependencies}  # read-only: every stack at once
    out = outputs_file(tools.build_dir, target)
    outputs: dict = json.loads(out.read_text()) if out.is_file() else {}

    def record(result: stackrun.StackRun) -> None:
        if command == "apply" and result.ok:
            outputs[result.stack] = result.outputs
            out.write_text(json.dumps(outputs, indent=2, sort_keys=True))
        elif command == "destroy" and result.ok and outputs.pop(result.stack, None) is not None:
            out.write_text(json.dumps(outputs, indent=2, sort_keys=True))

    started = time.monotonic()
    results = stackrun.run(tools, dependencies, command, on_done=record)
    failed = [r.stack for r in results if not r.ok]
    if failed or len(results) < len(dependencies):
        raise SystemExit(f"terraform {command} failed in {', '.join(failed)}; the stacks that ended keep their state")
    totals = [sum(r.counts[i] for r in results if r.counts) for i in range(3)]
    verb = stackrun.VERBS[command][1]
    say(f"{verb} {len(results)} stacks in {time.monotonic() - started:.0f} s ({summary_of(command, totals)})")
    return results


def summary_of(command: str, totals: list[int]) -> str:
    added, changed, destroyed = totals
    if command == "plan":
        return f"{added} to add, {changed} to change, {destroyed} to destroy"
    return f"{added} added, {changed} changed, {destroyed} destroyed"


def up(project: Project, target: Target, stacks: list[str]) -> None:
    """Start the local AWS, deploy the stacks in dependency order, print every output and run the
    project's ``after_up`` hook."""
    tools = prepare(target)
    synth(tools)
    run_stacks(tools, target, stacks, "apply")
    out = outputs_file(tools.build_dir, target)
    print_outputs(out)
    if project.after_up is not None:
        for line in project.after_up(target, json.loads(out.read_text())):
            say(line)


def diff(target: Target, stacks: list[str]) -> None:
    """Synthesize once, then plan every stack at once (read-only): one line per stack with its changes;
    each plan whole in build/logs/<stack>-plan.log."""
    tools = prepare(target)
    synth(tools)
    run_stacks(tools, target, stacks, "plan")


def deploy(target: Target, stacks: list[str]) -> None:
    tools = prepare(target)
    synth(tools)
    run_stacks(tools, target, stacks, "apply")


def destroy(target: Target, stacks: list[str]) -> None:
    """Destroy the stacks, each after every stack that reads its outputs."""
    tools = prepare(target)
    synth(tools)
    run_stacks(tools, target, stacks, "destroy")


def bootstrap(target: Target) -> None:
    if target.local_aws() is not None:
        prepare(target)
        return
    import boto3

    created = bootstrap_state_bucket(boto3.client("s3", region_name=target.region), target.state_bucket, target.region)
    say(f"state bucket {target.state_bucket} {'created' if created else 'already existed; settings enforced'}")


def down(project: Project, target: Target, root: Path) -> None:
    """Run the project's ``before_down`` hook, then stop the local AWS if the pid file still names ours."""
    if project.before_down is not None:
        for line in project.before_down(target):
            say(line)
    local = target.local_aws()
    if local is None:
        say("the target is a real AWS account: nothing local to stop")
        return
    daemon = Daemon(root / "build", local.port)
    result = daemon.stop()
    say(process_report("local AWS", result, daemon.pid_file))


def process_report(what: str, result: Any, pid_file: Path) -> str:
    """One line for the outcome of ``pidfile.stop``."""
    from .pidfile import Status

    if result.status is Status.OURS:
        return f"{what} stopped (pid {result.pid})"
    if result.status in (Status.NONE, Status.EXITED):
        return f"{what} was not running"
    return f"{what}: stale pid file {pid_file} ({result.message}); stopped nothing and removed the file"
