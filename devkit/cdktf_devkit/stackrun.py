"""Terraform in each synthesized stack's directory, stacks in parallel as their dependencies allow.

``run(tools, synth, stacks, command)`` runs ``apply``, ``plan`` or ``destroy`` straight with the
Terraform CLI (the stacks are plain Terraform JSON; no cdktf CLI process per stack) and prints one
line when a stack starts and one when it ends, with its resource counts and seconds. Terraform's
own output goes to ``build/logs/<stack>-<command>.log``; a failed stack prints its error block and
that path. ``VERBOSE=1`` streams every line as well. On a terminal a live line shows how far each
running stack is (resource n of m).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import toolchain

ARGS = {
    "apply": ["apply", "-auto-approve"],
    "plan": ["plan", "-detailed-exitcode"],
    "destroy": ["destroy", "-auto-approve"],
}
COMMON_ARGS = ["-input=false", "-no-color"]
PLANNED = re.compile(r"^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.")
APPLIED = re.compile(r"^Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed\.")
DESTROYED = re.compile(r"^Destroy complete! Resources: (\d+) destroyed\.")
STEP_DONE = re.compile(r": (Creation|Modifications|Destruction) complete after ")
ERROR_LINES = 40


def say(message: str) -> None:
    Console.current.line(f"==> {message}")


@dataclass
class StackRun:
    """One stack's run: what Terraform reported so far, and how it ended."""

    stack: str
    command: str
    log: Path
    planned: int | None = None
    done: int = 0
    counts: tuple[int, int, int] | None = None
    no_changes: bool = False
    exit_code: int | None = None
    seconds: float = 0.0
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 or (self.command == "plan" and self.exit_code == 2)

    def read(self, line: str) -> None:
        """Follow Terraform's progress from one line of its output."""
        if match := PLANNED.match(line):
            added, changed, destroyed = map(int, match.groups())
            self.planned, self.counts = added + changed + destroyed, (added, changed, destroyed)
        elif match := APPLIED.match(line):
            self.counts = tuple(map(int, match.groups()))  # type: ignore[assignment]
        elif match := DESTROYED.match(line):
            self.counts = (0, 0, int(match.group(1)))
        elif line.startswith("No changes."):
            self.no_changes, self.counts = True, (0, 0, 0)
        elif STEP_DONE.search(line):
            self.done += 1

    def summary(self) -> str:
        added, changed, destroyed = self.counts or (0, 0, 0)
        if self.command == "plan":
            return "no changes" if self.no_changes else f"{added} to add, {changed} to change, {destroyed} to destroy"
        return f"{added} added, {changed} changed, {destroyed} destroyed"

    def progress(self) -> str:
        return f"{self.stack} {self.done}/{self.planned}" if self.planned else f"{self.stack} planning"

    def error_block(self) -> list[str]:
        """Terraform's error boxes from the log (``Error: ...`` with its context), at most ERROR_LINES lines."""
        lines = self.log.read_text(errors="replace").splitlines()
        first = next((i for i, line in enumerate(lines) if "Error: " in line), None)
        if first is None:
            return lines[-ERROR_LINES:]
        start = first - 1 if first > 0 and lines[first - 1].strip() in ("╷", "│") else first
        return lines[start : start + ERROR_LINES]


class Console:
    """Every line the devkit prints, and on a terminal one live line below them."""

    current: Console

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() and os.environ.get("TERM") != "dumb"
        self.lock = threading.Lock()
        self.status = ""

    def line(self, text: str) -> None:
        with self.lock:
            self._clear()
            print(text, file=self.stream, flush=True)
            self._draw()

    def show(self, status: str) -> None:
        if not self.live:
            return
        with self.lock:
            self._clear()
            self.status = status
            self._draw()

    def _clear(self) -> None:
        if self.live and self.status:
            self.stream.write("\r\033[K")

    def _draw(self) -> None:
        if self.live and self.status:
            self.stream.write(self.status[:200])
            self.stream.flush()


Console.current = Console()


def verbose() -> bool:
    return os.environ.get("VERBOSE", "") not in ("", "0")


def init_inputs(stack_dir: Path) -> str:
    """What ``terraform init`` depends on in a synthesized stack: its ``terraform`` block (backend,
    required providers) and module sources. Unchanged since the last init: init is skipped."""
    stack = json.loads((stack_dir / "cdk.tf.json").read_text())
    return json.dumps([stack.get("terraform"), stack.get("module")], sort_keys=True)


def terraform(tools: toolchain.Toolchain, stack_dir: Path, args: list[str], log: Any, run: StackRun | None) -> int:
    """One Terraform process in ``stack_dir``; every line to ``log`` (and to the console when VERBOSE)."""
    with subprocess.Popen(
        [str(tools.terraform), *args],
        cwd=stack_dir,
        env=tools.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            if run is not None:
                run.read(line)
            if verbose():
                Console.current.line(f"{stack_dir.name}  {line.rstrip()}")
    return process.returncode


def new_run(tools: toolchain.Toolchain, stack: str, command: str) -> StackRun:
    logs = tools.build_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return StackRun(stack, command, logs / f"{stack}-{command}.log")


def run_stack(tools: toolchain.Toolchain, run: StackRun) -> StackRun:
    """init (when its inputs changed), then the command, then for an apply the stack's outputs."""
    stack_dir = tools.synth_dir / "stacks" / run.stack
    started = time.monotonic()
    stamp, inputs = stack_dir / ".terraform" / "devkit-init-inputs.json", init_inputs(stack_dir)
    with run.log.open("w") as log:
        if not (stamp.is_file() and stamp.read_text() == inputs):
            run.exit_code = terraform(tools, stack_dir, ["init", *COMMON_ARGS], log, None)
            if run.exit_code != 0:
                run.seconds = time.monotonic() - started
                return run
            stamp.parent.mkdir(exist_ok=True)
            stamp.write_text(inputs)
        run.exit_code = terraform(tools, stack_dir, [*ARGS[run.command], *COMMON_ARGS], log, run)
    if run.ok and run.command == "apply":
        run.outputs = stack_outputs(tools, stack_dir)
    run.seconds = time.monotonic() - started
    return run


def stack_outputs(tools: toolchain.Toolchain, stack_dir: Path) -> dict[str, Any]:
    """The stack's outputs from its state, as ``cdktf deploy --outputs-file`` writes them (no sensitive ones)."""
    result = subprocess.run(
        [str(tools.terraform), "output", "-json"], cwd=stack_dir, env=tools.env(), capture_output=True, text=True
    )
    if result.returncode != 0:
        return {}
    return {name: value["value"] for name, value in json.loads(result.stdout or "{}").items() if not value.get("sensitive")}


VERBS = {"apply": ("deploying", "deployed"), "plan": ("planning", "planned"), "destroy": ("destroying", "destroyed")}


def run(
    tools: toolchain.Toolchain,
    dependencies: dict[str, list[str]],
    command: str,
    on_done: Callable[[StackRun], None] = lambda run: None,
) -> list[StackRun]:
    """Run ``command`` in every stack of ``dependencies`` (stack -> the stacks it waits for), each as
    soon as those it waits for succeeded. A failure starts nothing new; the running stacks finish."""
    doing, done = VERBS[command]
    total, started, results = len(dependencies), 0, []
    pending = dict(dependencies)
    running: dict[Future, StackRun] = {}
    with ThreadPoolExecutor(max_workers=max(total, 1)) as pool:
        while pending or running:
            succeeded = {r.stack for r in results if r.ok}
            ready = [s for s, deps in pending.items() if set(deps) <= succeeded]
            for stack in ready if all(r.ok for r in results) else []:
                del pending[stack]
                started += 1
                say(f"[{started}/{total}] {stack}: {doing}")
                stack_run = new_run(tools, stack, command)
                running[pool.submit(run_stack, tools, stack_run)] = stack_run
            if not running:
                break
            for result in _next_ended(running):
                results.append(result)
                _report(result, done)
                on_done(result)
    Console.current.show("")
    for stack in pending:
        say(f"{stack}: not {done}: a stack it waits for failed")
    return results


def _next_ended(running: dict[Future, StackRun]) -> list[StackRun]:
    """Wait for the next stack to end, showing the running ones' progress meanwhile."""
    while True:
        finished, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
        if finished:
            return [running.pop(future) for future in finished if future.result()]
        Console.current.show("    " + " · ".join(r.progress() for r in running.values()))


def _report(result: StackRun, done: str) -> None:
    if result.ok:
        say(f"{result.stack}: {done} in {result.seconds:.0f} s ({result.summary()})")
        return
    say(f"{result.stack}: failed after {result.seconds:.0f} s (terraform exit {result.exit_code}); log: {result.log}")
    for line in result.error_block():
        Console.current.line(f"    {line}")
