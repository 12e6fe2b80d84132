"""The one exception a configuration mistake raises."""

from __future__ import annotations

from typing import Any

NOT_SHOWN = "<not shown>"
"""What :attr:`ConfigError.value` holds for a field that may hold a secret."""


class ConfigError(ValueError):
    """A configuration value that cannot be synthesized.

    Raised before any resource is created, so a mistake never reaches jsii or Terraform. The message
    reads ``"<field>: got <value>; <allowed>"``. ``field``, ``value`` and ``allowed`` are kept as
    attributes for callers that want them. With ``secret=True`` (fields that may hold a secret) the
    value is neither in the message nor in ``value``: the message names the field and the shape expected.
    """

    def __init__(self, field: str, value: Any, allowed: str, *, secret: bool = False) -> None:
        self.field = field
        self.value = NOT_SHOWN if secret else value
        self.allowed = allowed
        self.secret = secret
        shown = "a value that is not shown (this field may hold a secret)" if secret else repr(value)
        super().__init__(f"{field}: got {shown}; {allowed}")
