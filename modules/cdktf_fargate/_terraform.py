"""Helpers for values that Terraform would otherwise interpret, and for notes kept in the synthesized JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdktf import TerraformElement

SKIPPED_CHECKS_KEY = "checkov_skip"
AWS_MANAGED_KEYS = "encrypted with an AWS-managed key; no customer-managed KMS key by design (docs/SECURITY.md)"


def literal(text: str) -> str:
    """Escape Terraform's template sequences (``${`` and ``%{``) so that ``text`` reaches AWS unchanged:
    shell variables in a buildspec, template literals in JavaScript."""
    return text.replace("${", "$${").replace("%{", "%%{")


def skip_check(element: TerraformElement, check_id: str, reason: str) -> None:
    """Record, next to the resource, a policy-scan check it deliberately does not meet and why.

    The note lands in the resource's ``"//"`` comment object (``"//": {"checkov_skip": {id: reason}}``),
    which Terraform ignores; ``make scan`` reads it back and counts the check as suppressed. cdktf
    rewrites a data source's ``"//"``, so a data source's note goes in the stack's, under its id.
    """
    from cdktf import TerraformDataSource, TerraformStack

    if isinstance(element, TerraformDataSource):
        TerraformStack.of(element).add_override(f"//.{SKIPPED_CHECKS_KEY}.{element.friendly_unique_id}.{check_id}", reason)
    else:
        element.add_override(f"//.{SKIPPED_CHECKS_KEY}.{check_id}", reason)


def jsonencode(value: Any) -> str:
    """``Fn.jsonencode(value)``: JSON that may hold tokens and stays valid in ``cdktf synth --hcl``.

    cdktf 0.21 writes the strings inside a ``jsonencode`` expression without escaping quotes,
    backslashes, line breaks or ``%{`` (only ``${``); they are escaped here, so any text survives.
    """
    from cdktf import Fn

    return Fn.jsonencode(_hcl_strings(value))


def _hcl_strings(value: Any) -> Any:
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
            .replace("%{", "%%{")
        )
    if isinstance(value, dict):
        return {_hcl_strings(k): _hcl_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_hcl_strings(v) for v in value]
    return value
