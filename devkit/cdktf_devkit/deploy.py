"""Deploy orchestration with the project's cdktf CLI: stacks in dependency waves, outputs, timings.

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

from . import toolchain
from .bootstrap import bootstrap_state_bucket
from .errors import PrerequisiteError
from .localaws import Daemon
from .project import Project, Target


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def start_cdktf(tools: toolchain.Toolchain, args: list[str], **popen: Any) -> subprocess.Popen:
    """Start the project's cdktf CLI in the project directory."""
    if tools.cdktf is None:
        raise PrerequisiteError("no cdktf CLI in this toolchain: load it with toolchain.load()")
    tools.synth_dir.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([str(tools.cdktf), *args], cwd=tools.root, env=tools.env(), **popen)


def run_cdktf(tools: toolchain.Toolchain, args: list[str]) -> float:
    """Run the project's cdktf CLI; return its wall time, or exit with a one-line error."""
    started = time.monotonic()
    result = start_cdktf(tools, args)
    result.wait()
    if result.returncode != 0:
        raise SystemExit(f"cdktf {args[0]} failed (exit {result.returncode}) after {time.monotonic() - started:.0f} s")
    return time.monotonic() - started


def outputs_file(build_dir: Path, target: Target) -> Path:
    """Outputs of the last deploy, one file per target (a local AWS is known by its port)."""
    return build_dir / (f"outputs-local-{target.local_port}.json" if target.is_local else "outputs-aws.json")


def print_outputs(path: Path) -> None:
    if not path.is_file():
        return
    outputs = json.loads(path.read_text())
    say("outputs")
    for stack, values in sorted(outputs.items()):
        print(f"  {stack}")
        for name, value in sorted(values.items()):
            if name.startswith("cross-stack-output-"):
                continue  # cdktf's plumbing for cross-stack references
            print(f"    {name} = {json.dumps(value)}")


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


def read_manifest(synth_dir: Path) -> dict[str, Any]:
    return json.loads((synth_dir / "manifest.json").read_text())


def stacks_in_order(synth_dir: Path) -> list[str]:
    """Stack names of the synth in ``synth_dir``, each after the stacks it depends on."""
    return [stack for wave in stacks_in_waves(read_manifest(synth_dir)) for stack in wave]


def forget_backend_settings(synth_dir: Path) -> None:
    """A new local AWS starts empty, possibly on another port: drop each stack's cached backend
    settings so that terraform init configures the backend afresh instead of asking to migrate."""
    for cached in (synth_dir / "stacks").glob("*/.terraform"):
        shutil.rmtree(cached)


def prepare(target: Target) -> toolchain.Toolchain:
    """Check prerequisites; for a local target start the local AWS and bootstrap state."""
    tools = toolchain.load()
    say(f"terraform {tools.terraform}; providers from {tools.mirror or 'the Terraform registry'}")
    if target.is_local:
        local = target.local_aws()
        daemon = Daemon(tools.build_dir, local.port)
        if daemon.ensure_started():
            say(f"local AWS started on {local.endpoint} (log: {daemon.log_file})")
            forget_backend_settings(tools.synth_dir)
        else:
            say(f"local AWS already running on {local.endpoint}")
        if bootstrap_state_bucket(local.client("s3"), target.state_bucket, target.region):
            say(f"state bucket {target.state_bucket} created")
    return tools


def up(project: Project, target: Target, stacks: list[str]) -> None:
    """Deploy in dependency waves (the stacks of a wave at once), timing each stack, then print every
    output and run the project's ``after_up`` hook."""
    tools = prepare(target)
    run_cdktf(tools, ["synth", *tools.cdktf_flags("synth")])
    all_waves = stacks_in_waves(read_manifest(tools.synth_dir))
    unknown = sorted(set(stacks) - {"*", *(s for wave in all_waves for s in wave)})
    if unknown:
        raise SystemExit(f"no such stack: {', '.join(unknown)} (the app has: {', '.join(s for wave in all_waves for s in wave)})")
    waves = [[s for s in wave if stacks == ["*"] or s in stacks] for wave in all_waves]
    total = sum(map(len, waves))
    out = outputs_file(tools.build_dir, target)
    outputs: dict = json.loads(out.read_text()) if out.is_file() else {}
    started = time.monotonic()
    timings: dict[str, float] = {}
    for wave in filter(None, waves):
        running = {}
        for stack in wave:
            say(f"[{len(timings) + len(running) + 1}/{total}] deploying {stack} to {target.name}")
            step_file = tools.build_dir / f"outputs-{stack}.json"
            process = start_cdktf(
                tools,
                [
                    "deploy",
                    stack,
                    "--skip-synth",
                    "--auto-approve",
                    "--ignore-missing-stack-dependencies",
                    "--outputs-file",
                    str(step_file),
                    *tools.cdktf_flags("deploy"),
                ],
            )
            running[stack] = (process, step_file, time.monotonic())
        failed = []
        for stack, (process, step_file, stack_started) in running.items():
            if process.wait() != 0:
                failed.append(f"{stack} (exit {process.returncode})")
                continue
            timings[stack] = time.monotonic() - stack_started
            say(f"deployed {stack} in {timings[stack]:.0f} s")
            outputs.update(json.loads(step_file.read_text()))
            step_file.unlink()
            out.write_text(json.dumps(outputs, indent=2, sort_keys=True))
        if failed:
            raise SystemExit(f"cdktf deploy failed: {', '.join(failed)}; stacks deployed so far keep their state")
    say(
        "deployed "
        + ", ".join(f"{stack} {seconds:.0f} s" for stack, seconds in timings.items())
        + f"; total {time.monotonic() - started:.0f} s"
    )
    print_outputs(out)
    if project.after_up is not None:
        for line in project.after_up(target, outputs):
            say(line)


def diff(target: Target, stacks: list[str]) -> None:
    """cdktf diff takes one stack at a time: synthesize once, then diff every stack at once
    (read-only), printing each stack's diff whole, in dependency order."""
    tools = prepare(target)
    run_cdktf(tools, ["synth", *tools.cdktf_flags("synth")])
    names = stacks if stacks != ["*"] else stacks_in_order(tools.synth_dir)
    say(f"diff {', '.join(names)}")
    started = time.monotonic()
    running = {
        stack: start_cdktf(
            tools,
            ["diff", stack, "--skip-synth", *tools.cdktf_flags("diff")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for stack in names
    }
    failed = []
    for stack, process in running.items():
        output, _ = process.communicate()
        print(output, end="", flush=True)
        if process.returncode != 0:
            failed.append(f"{stack} (exit {process.returncode})")
        say(f"diff {stack} {'failed' if process.returncode else 'done'} after {time.monotonic() - started:.0f} s")
    if failed:
        raise SystemExit(f"cdktf diff failed: {', '.join(failed)}")


def destroy_all(target: Target) -> None:
    """Destroy every stack in reverse dependency waves, the stacks of a wave at once (as ``up``
    deploys them): a stack goes only after every stack that reads its outputs."""
    tools = prepare(target)
    run_cdktf(tools, ["synth", *tools.cdktf_flags("synth")])
    started = time.monotonic()
    for wave in reversed(stacks_in_waves(read_manifest(tools.synth_dir))):
        say(f"destroying {', '.join(wave)}")
        running = {
            stack: start_cdktf(
                tools,
                [
                    "destroy",
                    stack,
                    "--skip-synth",
                    "--auto-approve",
                    "--ignore-missing-stack-dependencies",
                    *tools.cdktf_flags("destroy"),
                ],
            )
            for stack in wave
        }
        failed = [f"{stack} (exit {process.returncode})" for stack, process in running.items() if process.wait() != 0]
        if failed:
            raise SystemExit(f"cdktf destroy failed: {', '.join(failed)}; the stacks that depend on them are gone")
    say(f"cdktf destroy done in {time.monotonic() - started:.0f} s")


def cdktf_verb(target: Target, verb: str, stacks: list[str]) -> None:
    """cdktf deploy, destroy or synth of ``stacks`` as one CLI call (destroy of every stack: ``destroy_all``)."""
    if verb == "destroy" and stacks in ([], ["*"]):
        destroy_all(target)
        return
    tools = prepare(target) if verb != "synth" else toolchain.load()
    extra = {"destroy": ["--auto-approve"], "deploy": ["--auto-approve"]}.get(verb, [])
    if verb in ("deploy", "destroy") and stacks and stacks != ["*"]:
        # Named stacks: the ones they depend on are already deployed (cdktf refuses otherwise).
        extra.append("--ignore-missing-stack-dependencies")
    seconds = run_cdktf(tools, [verb, *stacks, *extra, *tools.cdktf_flags(verb)])
    say(f"cdktf {verb} done in {seconds:.0f} s")


def bootstrap(target: Target) -> None:
    if target.is_local:
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
    if not target.is_local:
        say("the target is a real AWS account: nothing local to stop")
        return
    daemon = Daemon(root / "build", target.local_port or 0)
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
