"""Small validators shared by the config classes. Each raises ConfigError on failure.

A value that is a Terraform token (see ``_tokens``) passes the format checks once its type is right.
Names have their own rules in ``_names``.
"""

from __future__ import annotations

import ipaddress
import re
from enum import Enum
from typing import Any, TypeVar

from ._tokens import is_unresolved
from .errors import ConfigError

E = TypeVar("E", bound=Enum)


def int_in_range(field: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, float) and is_unresolved(value):
        return value  # type: ignore[return-value]  # a number token
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(field, value, "must be an integer")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(field, value, f"must be {bounds}")
    return value


def matches(field: str, value: Any, pattern: str, allowed: str, *, secret: bool = False) -> str:
    """``value`` must be a string matching ``pattern``; a token string passes. ``secret``: never echo it."""
    if isinstance(value, str) and is_unresolved(value):
        return value
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        raise ConfigError(field, value, allowed, secret=secret)
    return value


def one_of(field: str, value: Any, enum: type[E]) -> E:
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(repr(member.value) for member in enum)
        raise ConfigError(field, value, f"must be one of {choices}") from None


def ipv4_network(field: str, value: Any, min_prefix: int, max_prefix: int) -> ipaddress.IPv4Network | None:
    """The network ``value`` names, or None for a token (a CIDR only Terraform knows)."""
    if isinstance(value, str) and is_unresolved(value):
        return None
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except (ipaddress.AddressValueError, ipaddress.NetmaskValueError, ValueError, TypeError):
        raise ConfigError(field, value, "must be an IPv4 CIDR block with no host bits set, like '10.0.0.0/16'") from None
    if not min_prefix <= network.prefixlen <= max_prefix:
        raise ConfigError(field, value, f"prefix length must be between /{min_prefix} and /{max_prefix}")
    return network


def string_tuple(field: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(field, value, "must be a tuple of strings")
    return tuple(value)


def string_mapping(field: str, value: Any, *, secret_values: bool = False) -> dict[str, str]:
    """A dict of strings to strings. ``secret_values``: a bad value is named by its key, never shown."""
    if not isinstance(value, dict):
        raise ConfigError(field, value, f"must be a mapping of strings to strings, got {type_name(value)}", secret=secret_values)
    for key, item in value.items():
        if not isinstance(key, str):
            raise ConfigError(field, key, f"keys must be strings, got {type_name(key)}")
        if not isinstance(item, str):
            raise ConfigError(f"{field}[{key!r}]", item, f"must be a string, got {type_name(item)}", secret=secret_values)
    return dict(value)


def type_name(value: Any) -> str:
    """What kind of value this is, for messages that must not show the value itself: ``an int``."""
    name = type(value).__name__
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def optional_int_in_range(field: str, value: Any, low: int, high: int | None = None) -> int | None:
    return None if value is None else int_in_range(field, value, low, high)


def instance_tuple(field: str, value: Any, kind: type, allowed: str) -> tuple:
    """A tuple (or list) whose items are all ``kind``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or not all(isinstance(v, kind) for v in value):
        raise ConfigError(field, value, allowed)
    return tuple(value)


def boolean(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(field, value, "must be True or False")
    return value


# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


def log_retention_days(field: str, value: Any) -> int:
    if isinstance(value, bool) or value not in LOG_RETENTION_DAYS:
        raise ConfigError(field, value, f"must be one of CloudWatch's values: {', '.join(map(str, LOG_RETENTION_DAYS))}")
    return value
