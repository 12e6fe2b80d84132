"""``python -m cdktf_devkit COMMAND``: the commands behind the Makefile."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from cdktf_fargate.environment import Environment
from cdktf_fargate.errors import ConfigError

from . import toolchain
from .bootstrap import bootstrap_state_bucket
from .errors import PrerequisiteError
from .localaws import Daemon, serve
from .localservice import LocalService


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def start_cdktf(tools: toolchain.Toolchain, args: list[str], **popen: Any) -> subprocess.Popen:
    """Start the project's cdktf CLI in the project directory."""
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


def outputs_file(tools: toolchain.Toolchain, environment: Environment) -> Path:
    """Outputs of the last deploy, one file per environment (a local AWS is known by its port)."""
    return tools.build_dir / (f"outputs-local-{environment.local_port}.json" if environment.is_local else "outputs-aws.json")


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


def forget_backend_settings(tools: toolchain.Toolchain) -> None:
    """A new local AWS starts empty, possibly on another port: drop each stack's cached backend
    settings so that terraform init configures the backend afresh instead of asking to migrate."""
    for cached in (tools.synth_dir / "stacks").glob("*/.terraform"):
        shutil.rmtree(cached)


def prepare(environment: Environment) -> toolchain.Toolchain:
    """Check prerequisites; for the local environment start the local AWS and bootstrap state."""
    tools = toolchain.load()
    say(f"terraform {tools.terraform}; providers from {tools.mirror or 'the Terraform registry'}")
    if environment.is_local:
        daemon = Daemon(tools.build_dir, environment.local_port)
        if daemon.ensure_started():
            say(f"local AWS started on {environment.endpoint} (log: {daemon.log_file})")
            forget_backend_settings(tools)
        else:
            say(f"local AWS already running on {environment.endpoint}")
        if bootstrap_state_bucket(environment):
            say(f"state bucket {environment.state_bucket} created")
    return tools


def cmd_up(environment: Environment, stacks: list[str]) -> None:
    """Deploy in dependency waves (the stacks of a wave at once), timing each stack, then print every output."""
    tools = prepare(environment)
    run_cdktf(tools, ["synth", *tools.cdktf_flags("synth")])
    waves = [[s for s in wave if stacks == ["*"] or s in stacks] for wave in stacks_in_waves(tools)]
    total = sum(map(len, waves))
    out = outputs_file(tools, environment)
    outputs: dict = json.loads(out.read_text()) if out.is_file() else {}
    started = time.monotonic()
    timings: dict[str, float] = {}
    for wave in filter(None, waves):
        running = {}
        for stack in wave:
            say(f"[{len(timings) + len(running) + 1}/{total}] deploying {stack} to {environment.target.value}")
            step_file = tools.build_dir / f"outputs-{stack}.json"
            process = start_cdktf(tools, [
                "deploy", stack, "--skip-synth", "--auto-approve", "--ignore-missing-stack-dependencies",
                "--outputs-file", str(step_file), *tools.cdktf_flags("deploy"),
            ])
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
    say("deployed " + ", ".join(f"{stack} {seconds:.0f} s" for stack, seconds in timings.items()) + f"; total {time.monotonic() - started:.0f} s")
    print_outputs(out)
    if environment.is_local:
        start_local_service(tools, environment, outputs)


def start_local_service(tools: toolchain.Toolchain, environment: Environment, outputs: dict) -> None:
    table_name = outputs.get("TodoList-ECS", {}).get("table_name")
    if table_name is None:
        return
    service = LocalService(tools.root, environment)
    say(service.seed(table_name))
    service.start(table_name)
    say(f"service running: {service.url}/todos (log: {service.log_file})")


def stacks_in_waves(tools: toolchain.Toolchain) -> list[list[str]]:
    """Stack names of the last synth in waves: each wave depends only on the waves before it."""
    manifest = json.loads((tools.synth_dir / "manifest.json").read_text())["stacks"]
    depth: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in depth:
            depth[name] = 1 + max((level(d) for d in manifest[name]["dependencies"]), default=-1)
        return depth[name]

    for name in manifest:
        level(name)
    return [sorted(n for n in manifest if depth[n] == i) for i in range(max(depth.values(), default=-1) + 1)]


def stacks_in_order(tools: toolchain.Toolchain) -> list[str]:
    """Stack names of the last synth, each after the stacks it depends on."""
    return [stack for wave in stacks_in_waves(tools) for stack in wave]


def cmd_diff(environment: Environment, stacks: list[str]) -> None:
    """cdktf diff takes one stack at a time: synthesize once, then diff every stack at once
    (read-only), printing each stack's diff whole, in dependency order."""
    tools = prepare(environment)
    run_cdktf(tools, ["synth", *tools.cdktf_flags("synth")])
    names = stacks if stacks != ["*"] else stacks_in_order(tools)
    say(f"diff {', '.join(names)}")
    started = time.monotonic()
    running = {
        stack: start_cdktf(tools, ["diff", stack, "--skip-synth", *tools.cdktf_flags("diff")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


def cmd_cdktf(environment: Environment, verb: str, stacks: list[str]) -> None:
    tools = prepare(environment) if verb != "synth" else toolchain.load()
    extra = {"destroy": ["--auto-approve"], "deploy": ["--auto-approve"]}.get(verb, [])
    seconds = run_cdktf(tools, [verb, *stacks, *extra, *tools.cdktf_flags(verb)])
    say(f"cdktf {verb} done in {seconds:.0f} s")


def cmd_bootstrap(environment: Environment) -> None:
    if environment.is_local:
        prepare(environment)
        return
    created = bootstrap_state_bucket(environment)
    say(f"state bucket {environment.state_bucket} {'created' if created else 'already existed; settings enforced'}")


def cmd_down(environment: Environment) -> None:
    root = toolchain.project_root()
    service = LocalService(root, environment)
    say(f"service on {service.url} stopped" if service.stop() else "service was not running")
    stopped = Daemon(root / "build", environment.local_port).stop()
    say("local AWS stopped" if stopped else "local AWS was not running")


def cmd_reference(check: bool) -> int:
    from . import reference

    path = toolchain.project_root() / "docs" / "REFERENCE.md"
    if check:
        if reference.is_current(path):
            return 0
        print(f"error: {path} is stale: run 'python -m cdktf_devkit reference'", file=sys.stderr)
        return 1
    reference.write(path)
    say(f"wrote {path}")
    return 0


def cmd_scan(record: bool) -> int:
    from . import scan

    root = toolchain.project_root()
    say(f"policy scan (checkov) of the {' and '.join(scan.TARGETS)} synth of every stack")
    results = scan.scan(root, root / "build")
    for line in scan.table(results):
        print(f"  {line}")
    problems = [
        f"{target} {stack}: {kind} {item}"
        for target, by_stack in results.items() for stack, r in sorted(by_stack.items())
        for kind, items in (("FAILED", r.failed), ("STALE NOTE", r.stale)) for item in items
    ]
    doc = root / "docs" / "SECURITY.md"
    text = scan.document(results)
    if record:
        say(f"{'updated' if scan.record(doc, text) else 'unchanged'}: {doc.relative_to(root)}")
    elif scan.documented(doc) != text:
        problems.append(f"{doc.relative_to(root)} does not hold these figures: run 'make scan RECORD=1'")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if not problems:
        say("scan passed: no failed check, every suppression noted next to its resource")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cdktf_devkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check prerequisites and write the Terraform CLI config")
    serve_parser = sub.add_parser("serve-local-aws", help="run the local AWS in the foreground")
    serve_parser.add_argument("--port", type=int, required=True)
    serve_parser.add_argument("--without-compat", action="store_true", help="plain moto, without the compatibility layer")
    sub.add_parser("bootstrap", help="create the Terraform state bucket")
    for verb in ("up", "deploy", "diff", "destroy", "synth"):
        verb_parser = sub.add_parser(verb, help=f"cdktf {verb} (up: start the local AWS, bootstrap, deploy, print outputs)")
        verb_parser.add_argument("stacks", nargs="*", default=["*"] if verb != "synth" else [])
    sub.add_parser("outputs", help="print the outputs of the last deploy")
    hcl_parser = sub.add_parser("hcl", help="write every stack as plain Terraform (HCL)")
    hcl_parser.add_argument("--output", default="hcl", help="directory to write into (default: hcl)")
    sub.add_parser("down", help="stop the local service and the local AWS")
    reference_parser = sub.add_parser("reference", help="write docs/REFERENCE.md from the construct library")
    reference_parser.add_argument("--check", action="store_true", help="fail if docs/REFERENCE.md is stale")
    scan_parser = sub.add_parser("scan", help="checkov over every synthesized stack; fails on a failed check")
    scan_parser.add_argument("--record", action="store_true", help="write the figures into docs/SECURITY.md")
    args = parser.parse_args(argv)

    try:
        if args.command == "reference":
            return cmd_reference(args.check)
        if args.command == "scan":
            return cmd_scan(args.record)
        if args.command == "serve-local-aws":
            serve(args.port, compat_layer=not args.without_compat)
            return 0
        environment = Environment.from_env()
        if args.command == "check":
            tools = toolchain.load()
            say(f"ok: terraform {tools.terraform}, cdktf {tools.cdktf}, providers from {tools.mirror or 'the registry'}")
        elif args.command == "bootstrap":
            cmd_bootstrap(environment)
        elif args.command == "up":
            cmd_up(environment, args.stacks)
        elif args.command == "diff":
            cmd_diff(environment, args.stacks)
        elif args.command in ("deploy", "destroy", "synth"):
            cmd_cdktf(environment, args.command, args.stacks)
        elif args.command == "hcl":
            from . import hcl

            tools = toolchain.load()
            run_cdktf(tools, ["synth", *tools.cdktf_flags("synth")])
            for path in hcl.write_stacks(tools, tools.synth_dir, tools.root / args.output):
                say(f"wrote {path.relative_to(tools.root)}")
        elif args.command == "outputs":
            print_outputs(outputs_file(toolchain.load(), environment))
        elif args.command == "down":
            cmd_down(environment)
    except (PrerequisiteError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
