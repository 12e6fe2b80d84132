"""Import ``cdktf_cdktf_provider_aws`` without its eager ``__init__``.

The prebuilt AWS provider package imports all of its ~2,100 submodules when it is first
imported, which costs about 7 s per process; an app uses a few dozen of them. This loader puts
an empty package module with the real ``__path__`` in ``sys.modules`` first, so that
``import cdktf_cdktf_provider_aws.vpc`` loads only that submodule and the jsii assembly it needs.
Attribute access such as ``cdktf_cdktf_provider_aws.vpc`` still works: it imports on demand.

Installed by ``cdktf_fargate._fast_synth`` (which also holds the switch). If the installed package is not laid
out as expected, the normal import is used and one warning says so.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
import warnings
from pathlib import Path

PACKAGE = "cdktf_cdktf_provider_aws"
# What the eager __init__ of the supported versions looks like: submodules imported one by one,
# types registered by the shared _jsii module that every submodule imports itself.
_EXPECTED_MARKERS = ("from ._jsii import *", "from . import vpc", "publication.publish()")


def install() -> bool:
    """Register the lazy package module. Returns True when it is in place."""
    existing = sys.modules.get(PACKAGE)
    if existing is not None:
        return getattr(existing, "__lazy_provider__", False)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations or spec.origin is None:
        return False  # not installed: the normal import reports it
    root = Path(spec.origin).parent
    if not _layout_is_expected(root):
        warnings.warn(
            f"{PACKAGE} at {root} is not laid out as the lazy loader expects; using the normal (slow) import",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    sys.modules[PACKAGE] = _lazy_package(spec)
    return True


def installed() -> bool:
    return getattr(sys.modules.get(PACKAGE), "__lazy_provider__", False)


def _layout_is_expected(root: Path) -> bool:
    try:
        source = (root / "__init__.py").read_text(encoding="utf-8")
    except OSError:
        return False
    return (root / "_jsii" / "__init__.py").is_file() and all(marker in source for marker in _EXPECTED_MARKERS)


def _lazy_package(spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
    module = types.ModuleType(PACKAGE, "AWS provider bindings, submodules imported on first use.")
    module.__spec__ = spec
    module.__file__ = spec.origin
    module.__path__ = list(spec.submodule_search_locations or ())
    module.__package__ = PACKAGE
    module.__lazy_provider__ = True

    def __getattr__(name: str) -> types.ModuleType:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return importlib.import_module(f"{PACKAGE}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from None

    module.__getattr__ = __getattr__
    return module
