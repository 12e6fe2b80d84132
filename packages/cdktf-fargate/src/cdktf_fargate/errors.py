"""The one exception a configuration mistake raises."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A configuration value that cannot be synthesized.

    Raised before any resource is created, so a mistake never reaches jsii or Terraform.
    ``field``, ``value`` and ``allowed`` are kept as attributes for callers that want them.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: got {value!r}; {allowed}")
