"""Terraform tokens: values only Terraform knows (lookups, other stacks' outputs, resource attributes).

Configs check the type of a token but skip its format. Plain strings are told apart without loading
jsii; anything that looks like a token is confirmed with cdktf's ``Token.is_unresolved``.
"""

from __future__ import annotations

import sys
from typing import Any

# How cdktf encodes tokens in Python values: "${TfToken[TOKEN.n]}" in strings, "#{TfToken[TOKEN.n]}"
# as the one element of a list, and a huge negative float for a number.
_STRING_MARKERS = ("${", "#{TfToken[")


def is_unresolved(value: Any) -> bool:
    """True when ``value`` (a string, number or list) is or holds a Terraform token."""
    if isinstance(value, str):
        if "#{TfToken[" in value:
            return True  # an element of a list token; Token.is_unresolved says False for it
        if "${" not in value:
            return False
        from cdktf import Token

        return bool(Token.is_unresolved(value))
    if isinstance(value, (list, tuple)):
        return any(is_unresolved(v) for v in value)
    if isinstance(value, float) and "cdktf" in sys.modules:
        from cdktf import Token

        return bool(Token.is_unresolved(value))
    return False
