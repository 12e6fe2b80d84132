"""Fast synth: load only the parts of the AWS provider bindings an app uses.

Every synth loads the prebuilt AWS provider package twice over: Python imports all of its ~2,100
binding modules, and the jsii kernel (Node) requires all of their JavaScript. Both are made lazy
here, before anything loads the provider:

- Python: ``_lazy_provider`` puts a package module in ``sys.modules`` that imports a submodule
  on first use.
- Node: just before the provider's jsii assembly is loaded, a small hook is loaded into the kernel
  (``_fast_synth_kernel.js``, shipped as a one-file jsii assembly) that answers the kernel's
  ``require`` of the provider's ``lib/index.js`` with getters that require a submodule on first use.

Every provider type stays reachable, and the objects are the same, so the synthesized files are
byte-identical (tested). The kernel hook also fixes cdktf 0.21's HCL output of the ``terraform``
block (``_hcl_fix_kernel.js``); that part is loaded with the speed-up off too. ``CDKTF_FARGATE_FAST_SYNTH=0`` turns both off. With versions other than
the pinned ones below, or a package laid out differently, the normal load is used and one line
says so.
"""

from __future__ import annotations

import gzip
import importlib.abc
import io
import json
import os
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path

from . import _assemblies, _lazy_provider

SWITCH = "CDKTF_FARGATE_FAST_SYNTH"
SUPPORTED_VERSIONS = {"cdktf": "0.21.0", "cdktf-cdktf-provider-aws": "20.1.0", "jsii": "1.142.0"}
PROVIDER_ASSEMBLY_VERSION = "20.1.0"  # the npm package inside cdktf-cdktf-provider-aws 20.1.0
HOOK_ASSEMBLY = "cdktf-fargate-kernel-hook"
HOOK_VERSION = "1.0.0"
HOOK_SOURCE = Path(__file__).with_name("_fast_synth_kernel.js")
HCL_FIX_SOURCE = Path(__file__).with_name("_hcl_fix_kernel.js")
CODE_CACHE_SOURCE = Path(__file__).with_name("_code_cache_kernel.js")


def enabled(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return environ.get(SWITCH, "1") != "0"


def install() -> bool:
    """Make the provider load lazily in Python and in the jsii kernel. True when both are in place.

    The kernel hook also carries a fix of cdktf's HCL output, so it is loaded with the speed-up off too."""
    fast = enabled()
    mismatch = _version_mismatch()
    if mismatch:
        if fast:
            _say(f"{mismatch}; loading the whole AWS provider (slower synth)")
        return False
    if fast and _lazy_provider.PACKAGE in sys.modules and not _lazy_provider.installed():
        _say(f"{_lazy_provider.PACKAGE} was imported before cdktf_fargate, so fast synth is off; import cdktf_fargate first")
        fast = False
    elif fast:
        fast = _lazy_provider.install()
    if f"{_lazy_provider.PACKAGE}._jsii" not in sys.modules:
        sys.meta_path.insert(0, _BeforeKernelUse(lazy_index=fast, early=fast))
    return fast


def _version_mismatch() -> str | None:
    for distribution, supported in SUPPORTED_VERSIONS.items():
        installed = _installed_version(distribution)
        if installed is None:
            return None  # not installed: the import itself reports it
        if installed != supported:
            return f"fast synth supports {distribution} {supported}, found {installed}"
    return None


def _installed_version(distribution: str) -> str | None:
    if distribution == "jsii":
        return _assemblies.jsii_version()
    load = _assemblies.assembly_of(distribution.replace("-", "_"))  # a binding package has its assembly's version
    return load and load.version


def _say(message: str) -> None:
    warnings.warn(f"cdktf-fargate: {message}", RuntimeWarning, stacklevel=3)


class _BeforeKernelUse(importlib.abc.MetaPathFinder):
    """Sets the kernel up just before a binding package is first imported, then steps aside so the
    normal finders import the module.

    With ``early``, the kernel is started then and given the hook, ``constructs``, ``cdktf`` and
    the provider to load while Python goes on importing (``_early_kernel``). Otherwise, or if another
    package has already started the kernel, the hook is loaded into the running kernel just
    before the provider's assembly."""

    TRIGGERS = ("constructs", "cdktf", "constructs._jsii", "cdktf._jsii", f"{_lazy_provider.PACKAGE}._jsii")

    def __init__(self, lazy_index: bool, early: bool) -> None:
        self.lazy_index = lazy_index
        self.early = early

    def find_spec(self, fullname, path, target=None):
        if fullname not in self.TRIGGERS:
            return None
        if self.early:
            self.early = False
            if _start_kernel_early(self.lazy_index):
                sys.meta_path.remove(self)
                return None
        if fullname == self.TRIGGERS[-1]:
            sys.meta_path.remove(self)
            _load_kernel_hook(self.lazy_index)
        return None


def _start_kernel_early(lazy_index: bool) -> bool:
    from . import _early_kernel

    constructs, cdktf, provider = (
        _assemblies.assembly_of(package) for package in ("constructs", "cdktf", _lazy_provider.PACKAGE)
    )
    if None in (constructs, cdktf, provider):
        return False
    workdir = tempfile.TemporaryDirectory(prefix="cdktf-fargate-")
    tarball = Path(workdir.name) / f"{HOOK_ASSEMBLY}@{HOOK_VERSION}.jsii.tgz"
    tarball.write_bytes(hook_tarball(lazy_index))

    def hook_answered(error: Exception | None) -> None:
        workdir.cleanup()
        if error is not None:
            _say_hook_failed(error)

    hook = _assemblies.Load(HOOK_ASSEMBLY, HOOK_VERSION, str(tarball), on_answer=hook_answered)
    if _early_kernel.start([hook, constructs, cdktf, provider]):
        return True
    workdir.cleanup()
    return False


def _load_kernel_hook(lazy_index: bool) -> None:
    import cdktf  # noqa: F401 - the provider needs it anyway; the hook patches its HCL renderer
    from jsii._runtime import kernel

    with tempfile.TemporaryDirectory(prefix="cdktf-fargate-") as workdir:
        tarball = Path(workdir) / f"{HOOK_ASSEMBLY}@{HOOK_VERSION}.jsii.tgz"
        tarball.write_bytes(hook_tarball(lazy_index))
        try:
            kernel.load(HOOK_ASSEMBLY, HOOK_VERSION, str(tarball))
        except Exception as error:  # noqa: BLE001 - any failure means: load the provider the normal way
            _say_hook_failed(error)


def _say_hook_failed(error: Exception) -> None:
    _say(f"fast synth is off for this run ({type(error).__name__}: {str(error).splitlines()[0]}); loading the whole AWS provider")


def hook_tarball(lazy_index: bool = True) -> bytes:
    """The kernel hook as an npm package tarball holding a jsii assembly with no types: the fix of
    cdktf's HCL output, and with ``lazy_index`` the speed-ups (the lazy provider index, cdktf's
    deferred requires and the compile cache).

    Byte-for-byte the same on every call (fixed times and owners), so the kernel's package cache
    keeps one copy of each."""
    lazy = HOOK_SOURCE.read_text(encoding="utf-8").replace("__SUPPORTED_VERSION__", PROVIDER_ASSEMBLY_VERSION)
    main = 'require("./hcl-terraform-block");\n' + ('require("./lazy-provider-index");\n' if lazy_index else "")
    files = {
        "package/package.json": {"name": HOOK_ASSEMBLY, "version": HOOK_VERSION, "main": "lib/index.js", "license": "Apache-2.0"},
        "package/.jsii": {
            "schema": "jsii/0.10.0",
            "name": HOOK_ASSEMBLY,
            "version": HOOK_VERSION,
            "description": "Loads the AWS provider's JavaScript submodules on first use, and fixes cdktf's HCL output.",
            "license": "Apache-2.0",
            "homepage": "https://example.invalid/cdktf-fargate",
            "repository": {"type": "git", "url": "https://example.invalid/cdktf-fargate.git"},
            "author": {"name": "cdktf-fargate", "roles": ["author"]},
            "fingerprint": "cdktf-fargate-kernel-hook",
            "jsiiVersion": SUPPORTED_VERSIONS["jsii"],
            "types": {},
        },
        "package/lib/index.js": main,
        "package/lib/lazy-provider-index.js": lazy,
        "package/lib/hcl-terraform-block.js": HCL_FIX_SOURCE.read_text(encoding="utf-8"),
        "package/lib/code-cache.js": CODE_CACHE_SOURCE.read_text(encoding="utf-8"),
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed, tarfile.open(fileobj=compressed, mode="w") as archive:
        for name, content in files.items():
            data = (content if isinstance(content, str) else json.dumps(content, indent=1)).encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
