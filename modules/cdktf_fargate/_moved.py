"""Terraform ``moved`` blocks for resources whose construct path changed, so deployed resources keep living.

cdktf names a resource ``<readable path>_<hash of the path>`` (its logical id); a resource built under a new
path gets a new address, which Terraform would plan as destroy-and-create. :func:`moved_from` writes a
``moved`` block from the address the resource had at its earlier path. A block whose source is not in the
state (a fresh deploy) is ignored by Terraform, so it is always safe to write.
"""

from __future__ import annotations

import hashlib
import re

from cdktf import TerraformResource, TerraformStack
from constructs import Construct

_HIDDEN = "Default"
_HIDDEN_FROM_HUMANS = "Resource"


def logical_id(components: list[str]) -> str:
    """cdktf 0.21's ``makeUniqueId``: what a resource at ``stack/<components...>`` is called in Terraform."""
    components = [c for c in components if c != _HIDDEN]
    if len(components) == 1:
        return re.sub(r"[^A-Za-z0-9_-]", "", components[0])
    digest = hashlib.md5("/".join(components).encode()).hexdigest()[:8].upper()
    human: list[str] = []
    for component in components:
        if not human or not human[-1].endswith(component):
            human.append(component)
    readable = "_".join(re.sub(r"[^A-Za-z0-9_-]", "", c) for c in human if c != _HIDDEN_FROM_HUMANS)
    return f"{readable[:240]}_{digest}"


def moved_from(resource: TerraformResource, old_scope: Construct, old_id: str) -> None:
    """Record that ``resource`` was built as ``old_id`` directly under ``old_scope`` before."""
    stack = TerraformStack.of(resource)
    depth = len(stack.node.scopes)
    old = logical_id([s.node.id for s in old_scope.node.scopes[depth:]] + [old_id])
    if old != stack.get_logical_id(resource):
        resource.move_from_id(f"{resource.terraform_resource_type}.{old}")
