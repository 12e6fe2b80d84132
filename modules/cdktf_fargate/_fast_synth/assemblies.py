"""What the installed jsii packages hold, read from their files without importing them.

Importing a binding package starts the jsii kernel, and ``importlib.metadata`` alone costs more
than the reads here, so fast synth checks versions and prepares assembly loads from these. Each
package is read once per process (the version check and the kernel start ask for the same ones).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import util
from pathlib import Path

# How a binding package's ``_jsii/__init__.py`` loads its assembly (jsii-pacmak output).
_LOAD_CALL = re.compile(r'jsii\.JSIIAssembly\.load\(\s*"([^"]+)",\s*"([^"]+)",\s*__name__\[0:-6\],\s*"([^"]+)"\s*\)')


@dataclass(frozen=True)
class Load:
    """One assembly for the kernel to load."""

    name: str
    version: str
    tarball: str


@functools.cache
def package_dir(package: str) -> Path | None:
    try:
        spec = util.find_spec(package)
    except ValueError:  # a module in sys.modules that has no spec
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def assembly_of(package: str) -> Load | None:
    """The assembly load a binding package will ask for when it is imported."""
    root = package_dir(package)
    try:
        match = root and _LOAD_CALL.search((root / "_jsii" / "__init__.py").read_text(encoding="utf-8"))
    except OSError:
        return None
    return Load(match[1], match[2], str(root / "_jsii" / match[3])) if match else None


def jsii_version() -> str | None:
    """The version of the jsii Python runtime, as ``jsii.__version__`` reads it."""
    root = package_dir("jsii")
    try:
        return json.loads((root / "_metadata.json").read_text(encoding="utf-8"))["version"] if root else None
    except (OSError, ValueError, KeyError):
        return None
