"""Policy scan: checkov over every synthesized stack, for both deployment targets.

checkov's checks of IAM policy documents (CKV_AWS_286-290, CKV_AWS_355, ...) read no policy in
Terraform JSON: they pass ``s3:*`` on ``*`` whether it is written as cdktf's
``${jsonencode(...)}`` or as a JSON string. In HCL they read both forms, but report nothing on a
``jsonencode`` whose list mixes a reference with a ``"${...}"`` string (checkov 3.3.30). So the
stacks are scanned as HCL (converted by ``cdktf_devkit.hcl``, like ``make hcl``) in which every
``jsonencode`` (policy documents, container definitions, event patterns) is a JSON string, each
reference in it replaced by its own text (``aws_s3_bucket.b.arn/*``, which no check takes for a
wildcard). A policy on which no policy check reported is a failure: the scan reads every policy it
reports on.

checkov flags ingress from anywhere on ports 22, 3389 and 80 and on all ports only; the scan adds
``INGRESS_CHECK_ID``: a security group admits 0.0.0.0/0 or ::/0 only on a load balancer listener's port.

A check a resource deliberately does not meet is recorded next to the resource, in its ``"//"``
comment object under ``SKIPPED_CHECKS_KEY`` (``{"//": {"checkov_skip": {check id: reason}}}``; for a
data source, in the stack's comment object under its logical id). checkov does not read those
notes, so this module does: a failed check with a note counts as suppressed; a note for a check
that no longer fails is stale and is reported, like a failure.

The app is synthesized with the ``app`` command of its ``cdktf.json``, once per environment the
project names (``Project.scan_environments``); one checkov run scans them all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import hcl, toolchain

SKIPPED_CHECKS_KEY = "checkov_skip"
DOC_BEGIN = "<!-- scan:begin (make scan RECORD=1 writes this part) -->"
DOC_END = "<!-- scan:end -->"
INGRESS_CHECK_ID = "CKV2_DEVKIT_1"
POLICY_TYPES = ("aws_iam_group_policy", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_s3_bucket_policy")
READ_CHECKS = {"CKV_AWS_290", "CKV_AWS_70", "CKV_AWS_356"}
"""Checks that report on every policy of POLICY_TYPES (or ``data.aws_iam_policy_document``) checkov reads, and on no other."""
DOCUMENT_REFERENCE = re.compile(r"\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}")
RESOURCE_POLICIES = {"aws_s3_bucket_policy", "aws_ecr_repository_policy", "aws_sqs_queue_policy", "aws_sns_topic_policy"}


@dataclass
class StackResult:
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    suppressed: list[tuple[str, str, str]] = field(default_factory=list)  # (check, resource, reason)
    stale: list[str] = field(default_factory=list)
    iam_checks: int = 0
    """Checks run on IAM roles, users, policies and policy documents, and on resource policies (passed, failed or suppressed)."""


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
    for check in report["results"]["passed_checks"] + report["results"]["failed_checks"]:
        if is_iam(resource_type(check)):
            results[stack_of(check)].iam_checks += 1
    for stack, logical_id in unread_policies(report, stacks):
        results[stack].failed.append(f"UNREAD {logical_id}: checkov could not read its policy, so no IAM check ran on it")
    for stack, by_resource in notes.items():
        for logical_id, skips in by_resource.items():
            for check_id in skips:
                if (stack, logical_id, check_id) not in used:
                    results[stack].stale.append(f"{check_id} {logical_id}: noted as not met, but the check does not fail")
    return results


def resource_type(check: dict) -> str:
    """``aws_iam_role_policy`` of ``aws_iam_role_policy.x`` (checkov names a data source the same way)."""
    return check["resource"].rsplit(".", 1)[0]


def is_iam(kind: str) -> bool:
    return kind.startswith("aws_iam_") or kind in RESOURCE_POLICIES


def unread_policies(report: dict, stacks: dict[str, dict]) -> list[tuple[str, str]]:
    """(stack, logical id) of every policy resource checkov did not read: no ``READ_CHECKS`` check
    reported on it, nor, for a policy that is a ``data.aws_iam_policy_document``'s JSON, on that document."""
    checks = report["results"]["passed_checks"] + report["results"]["failed_checks"]
    reported = {(stack_of(check), check["resource"]) for check in checks if check["check_id"] in READ_CHECKS}
    unread = []
    for stack, body in stacks.items():
        for kind in POLICY_TYPES:
            for logical_id, resource in body.get("resource", {}).get(kind, {}).items():
                document = DOCUMENT_REFERENCE.fullmatch(str(resource.get("policy", "")))
                read_as = f"aws_iam_policy_document.{document[1]}" if document else f"{kind}.{logical_id}"
                if (stack, read_as) not in reported:
                    unread.append((stack, logical_id))
    return unread


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


def literal_documents(value: Any) -> Any:
    """``value`` with each ``${jsonencode(...)}`` in it rewritten as the JSON it encodes, each reference
    or other expression in it replaced by its own text (see the module docstring)."""
    if isinstance(value, dict):
        return {key: literal_documents(item) for key, item in value.items()}
    if isinstance(value, list):
        return [literal_documents(item) for item in value]
    decoded = hcl.jsonencoded(value, interpolation=lambda expression: expression)
    if decoded is None:
        return value
    return hcl.literal_text(json.dumps(decoded, ensure_ascii=False))


def write_hcl(stacks: dict[str, dict], stacks_dir: Path, schema: hcl.Schema) -> None:
    """Each stack as ``stacks_dir/<stack>/main.tf``, its documents literal."""
    shutil.rmtree(stacks_dir, ignore_errors=True)
    for name, stack in stacks.items():
        path = stacks_dir / name / "main.tf"
        path.parent.mkdir(parents=True)
        path.write_text(hcl.convert(literal_documents(stack), schema))


def listener_ports(stacks: list[dict]) -> list[int]:
    """The port of every load balancer listener of ``stacks`` that is a number at synth time."""
    return sorted(
        {
            int(listener["port"])
            for stack in stacks
            for kind in ("aws_lb_listener", "aws_alb_listener")
            for listener in stack.get("resource", {}).get(kind, {}).values()
            if str(listener.get("port", "")).isdigit()
        }
    )


def ingress_check(ports: list[int]) -> dict:
    """A checkov policy: a security group admits 0.0.0.0/0 or ::/0 only on one of ``ports``. An ingress
    rule from anywhere must be to one of them; a group's inline ingress blocks must not admit anywhere."""
    allowed = [*ports, *(str(port) for port in ports)]

    def where(types: list[str], attribute: str, operator: str, value: Any) -> dict:
        return {"cond_type": "attribute", "resource_types": types, "attribute": attribute, "operator": operator, "value": value}

    def to_allowed_port(types: list[str]) -> dict:
        return {"and": [where(types, end, "within", allowed) for end in ("from_port", "to_port")]}

    def not_from_anywhere(types: list[str], ipv4: str, ipv6: str, operator: str) -> dict:
        return {"and": [where(types, ipv4, operator, "0.0.0.0/0"), where(types, ipv6, operator, "::/0")]}

    rule, legacy, group = ["aws_vpc_security_group_ingress_rule"], ["aws_security_group_rule"], ["aws_security_group"]
    passes = [  # a resource passes when one of these holds
        not_from_anywhere(rule, "cidr_ipv4", "cidr_ipv6", "not_equals"),
        to_allowed_port(rule),
        where(legacy, "type", "not_equals", "ingress"),
        not_from_anywhere(legacy, "cidr_blocks", "ipv6_cidr_blocks", "not_contains"),
        to_allowed_port(legacy),
        not_from_anywhere(group, "ingress.*.cidr_blocks", "ingress.*.ipv6_cidr_blocks", "not_contains"),
    ]
    name = f"Ensure no security group admits 0.0.0.0/0 or ::/0 but on a listener port ({', '.join(map(str, ports)) or 'none'})"
    return {"metadata": {"id": INGRESS_CHECK_ID, "name": name, "category": "NETWORKING"}, "definition": {"or": passes}}


def run_checkov(stacks_dir: Path, checks_dir: Path) -> dict:
    result = subprocess.run(
        [
            *checkov_command(),
            "--directory",
            str(stacks_dir),
            "--framework",
            "terraform",
            "--external-checks-dir",
            str(checks_dir),
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
    report = report if isinstance(report, dict) else next(r for r in report if r["check_type"] == "terraform")
    unreadable = report.get("results", {}).get("parsing_errors", [])
    if unreadable:
        raise SystemExit(f"error: checkov could not parse {', '.join(unreadable)}: no check ran on it")
    return report


def check(targets: Mapping[str, dict[str, dict]], out_dir: Path, schema: hcl.Schema) -> dict[str, dict[str, StackResult]]:
    """checkov's results per target, per stack, for the stacks of each target (name -> stack -> its
    JSON), written as HCL into ``out_dir/stacks/<target>/<stack>/main.tf``; one checkov run for all."""
    for target, stacks in targets.items():
        write_hcl(stacks, out_dir / "stacks" / target, schema)
    checks_dir = out_dir / "checks"
    checks_dir.mkdir(parents=True, exist_ok=True)
    ports = listener_ports([stack for stacks in targets.values() for stack in stacks.values()])
    (checks_dir / "ingress.yaml").write_text(json.dumps(ingress_check(ports), indent=1))  # YAML reads JSON
    report = run_checkov(out_dir / "stacks", checks_dir)
    return {target: classify(of_target(report, target), stacks) for target, stacks in targets.items()}


def of_target(report: dict, target: str) -> dict:
    """The results of ``report`` on the stacks of ``target`` (files ``/<target>/<stack>/main.tf``)."""
    return {
        "results": {
            kind: [check for check in report["results"][kind] if Path(check["file_path"]).parts[-3] == target]
            for kind in ("passed_checks", "failed_checks")
        }
    }


def scan(root: Path, build_dir: Path, environments: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, StackResult]]:
    """checkov's results per environment name, per stack."""
    schema = hcl.provider_schema(toolchain.load(root))
    out_dir = build_dir / "scan"
    targets = {name: synthesize(root, name, variables, out_dir / "synth" / name) for name, variables in environments.items()}
    return check(targets, out_dir, schema)


def table(results: dict[str, dict[str, StackResult]]) -> list[str]:
    lines = ["| target | stack | passed | failed | suppressed | IAM checks |", "|---|---|---:|---:|---:|---:|"]
    for target, by_stack in results.items():
        for stack, r in sorted(by_stack.items()):
            lines.append(f"| {target} | {stack} | {r.passed} | {len(r.failed)} | {len(r.suppressed)} | {r.iam_checks} |")
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
