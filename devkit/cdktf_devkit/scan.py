"""Policy scan: checkov over every synthesized stack, for both deployment targets.

A check a resource deliberately does not meet is recorded next to the resource, in its ``"//"``
comment object under ``SKIPPED_CHECKS_KEY`` (``{"//": {"checkov_skip": {check id: reason}}}``; for a
data source, in the stack's comment object under its logical id). checkov does not read those
notes from Terraform JSON, so this module does: a failed check with a note counts as suppressed;
a note for a check that no longer fails is stale and is reported, like a failure.

The app is synthesized with the ``app`` command of its ``cdktf.json``, once per environment the
project names (``Project.scan_environments``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED_CHECKS_KEY = "checkov_skip"
DOC_BEGIN = "<!-- scan:begin (make scan RECORD=1 writes this part) -->"
DOC_END = "<!-- scan:end -->"


@dataclass
class StackResult:
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    suppressed: list[tuple[str, str, str]] = field(default_factory=list)  # (check, resource, reason)
    stale: list[str] = field(default_factory=list)


def skip_notes(stack: dict) -> dict[str, dict[str, str]]:
    """Logical id -> {check id: reason} for every resource and data source of a synthesized stack."""
    notes = {logical_id: dict(skips) for logical_id, skips in stack.get("//", {}).get(SKIPPED_CHECKS_KEY, {}).items()}
    for block in ("resource", "data"):
        for by_name in stack.get(block, {}).values():
            for logical_id, body in by_name.items():
                skips = body.get("//", {}).get(SKIPPED_CHECKS_KEY)
                if skips:
                    notes[logical_id] = dict(skips)
    return notes


def classify(report: dict, stacks: dict[str, dict]) -> dict[str, StackResult]:
    """Sort checkov's results by stack; a failure with a matching note becomes a suppression."""
    notes = {name: skip_notes(stack) for name, stack in stacks.items()}
    results = {name: StackResult() for name in stacks}
    used: set[tuple[str, str, str]] = set()
    for check in report["results"]["passed_checks"]:
        results[stack_of(check)].passed += 1
    for check in report["results"]["failed_checks"]:
        stack, logical_id, check_id = stack_of(check), check["resource"].split(".")[-1], check["check_id"]
        reason = notes[stack].get(logical_id, {}).get(check_id)
        if reason:
            used.add((stack, logical_id, check_id))
            results[stack].suppressed.append((check_id, logical_id, reason))
        else:
            results[stack].failed.append(f"{check_id} {logical_id}: {check['check_name']}")
    for stack, by_resource in notes.items():
        for logical_id, skips in by_resource.items():
            for check_id in skips:
                if (stack, logical_id, check_id) not in used:
                    results[stack].stale.append(f"{check_id} {logical_id}: noted as not met, but the check does not fail")
    return results


def stack_of(check: dict) -> str:
    return Path(check["file_path"]).parent.name


def checkov_command() -> list[str]:
    checkov = os.environ.get("CHECKOV", str(Path(sys.prefix).parent / ".venv-scan" / "bin" / "checkov"))
    if not Path(checkov).is_file():
        raise SystemExit(f"error: checkov not found at {checkov}: 'make scan' installs it into .venv-scan")
    return [checkov]


def synthesize(root: Path, name: str, variables: Mapping[str, str], out_dir: Path) -> dict[str, dict]:
    """Run the app command of ``root/cdktf.json`` with ``variables`` into ``out_dir``; every stack's JSON."""
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    command = json.loads((root / "cdktf.json").read_text())["app"]
    env = {**os.environ, **variables, "CDKTF_OUTDIR": str(out_dir)}
    result = subprocess.run(command, shell=True, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"error: synth of {name} ({command}) failed:\n{result.stderr.strip()[-2000:]}")
    return {path.parent.name: json.loads(path.read_text()) for path in sorted((out_dir / "stacks").glob("*/cdk.tf.json"))}


def run_checkov(stacks_dir: Path) -> dict:
    result = subprocess.run(
        [
            *checkov_command(),
            "--directory",
            str(stacks_dir),
            "--framework",
            "terraform_json",
            "--skip-download",
            "--compact",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):  # 1 means "some check failed"
        raise SystemExit(f"error: checkov failed (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    report = json.loads(result.stdout)
    report = report if isinstance(report, dict) else next(r for r in report if r["check_type"] == "terraform_json")
    unreadable = report.get("results", {}).get("parsing_errors", [])
    if unreadable:
        raise SystemExit(f"error: checkov could not parse {', '.join(unreadable)}: no check ran on it")
    return report


def readable_by_checkov(stacks_dir: Path) -> None:
    """Drop what checkov's terraform_json parser cannot read and no check looks at from the files it
    reads: the plain attributes of each stack's ``terraform`` block (``required_version``), which it
    takes for blocks, and the ``moved`` blocks (a list), on either of which it fails the whole file."""
    for path in stacks_dir.glob("*/cdk.tf.json"):
        stack = json.loads(path.read_text())
        block = stack.get("terraform", {})
        plain = [key for key, value in block.items() if not isinstance(value, dict)]
        if plain or "moved" in stack:
            stack["terraform"] = {key: value for key, value in block.items() if key not in plain}
            stack.pop("moved", None)
            path.write_text(json.dumps(stack, indent=2))


def scan(root: Path, build_dir: Path, environments: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, StackResult]]:
    """checkov's results per environment name, per stack."""
    results = {}
    for name, variables in environments.items():
        out_dir = build_dir / "scan" / name
        stacks = synthesize(root, name, variables, out_dir)
        readable_by_checkov(out_dir / "stacks")
        results[name] = classify(run_checkov(out_dir / "stacks"), stacks)
    return results


def table(results: dict[str, dict[str, StackResult]]) -> list[str]:
    lines = ["| target | stack | passed | failed | suppressed |", "|---|---|---:|---:|---:|"]
    for target, by_stack in results.items():
        for stack, r in sorted(by_stack.items()):
            lines.append(f"| {target} | {stack} | {r.passed} | {len(r.failed)} | {len(r.suppressed)} |")
    return lines


def suppressions(results: dict[str, dict[str, StackResult]]) -> list[str]:
    """Every suppression with its reason; a note that applies to one target only says which."""
    seen: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for target, by_stack in results.items():
        for stack, r in sorted(by_stack.items()):
            for check_id, logical_id, reason in sorted(r.suppressed):
                seen[(stack, logical_id, check_id, reason)].append(target)
    lines = ["| stack | resource | check | reason |", "|---|---|---|---|"]
    for (stack, logical_id, check_id, reason), targets in seen.items():
        only = "" if len(targets) == len(results) else f" ({', '.join(targets)} only)"
        lines.append(f"| {stack} | `{logical_id}` | {check_id} | {reason}{only} |")
    return lines


def document(results: dict[str, dict[str, StackResult]]) -> str:
    return "\n".join(
        [
            DOC_BEGIN,
            "",
            *table(results),
            "",
            "Suppressed checks, each noted next to its resource:",
            "",
            *suppressions(results),
            "",
            DOC_END,
        ]
    )


def record(doc_path: Path, text: str) -> bool:
    """Write ``text`` between the markers of ``doc_path``; return whether it changed."""
    current = doc_path.read_text()
    start, end = current.index(DOC_BEGIN), current.index(DOC_END) + len(DOC_END)
    updated = current[:start] + text + current[end:]
    doc_path.write_text(updated)
    return updated != current


def documented(doc_path: Path) -> str:
    current = doc_path.read_text()
    return current[current.index(DOC_BEGIN) : current.index(DOC_END) + len(DOC_END)]
