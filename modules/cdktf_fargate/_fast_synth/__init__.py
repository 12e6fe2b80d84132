"""Fast synth: load only the parts of the AWS provider bindings an app uses, and overlap the rest.

Every synth loads the prebuilt AWS provider package twice over: Python imports all of its ~2,100
binding modules, and the jsii kernel (Node) requires all of their JavaScript. Both are made lazy
here, before anything loads the provider:

- Python: ``lazy_provider`` puts a package module in ``sys.modules`` that imports a submodule
  on first use.
- Node: a small hook is loaded into the kernel (shipped as a jsii assembly with no types, built
  by ``hook_tarball``). It answers the kernel's ``require`` of the provider's ``lib/index.js``
  with getters that require a submodule on first use (``fast_synth_kernel.js``), compiles those
  submodules with a cache kept between runs (``code_cache_kernel.js``), and defers cdktf's
  requires of ``archiver`` and ``semver`` to their first use (``deferred_requires_kernel.js``).

When ``cdktf_fargate`` is imported before ``cdktf``, the kernel is also started as soon as
``cdktf`` or ``constructs`` is imported, and given the hook and the assemblies to load while
Python imports (``early_kernel``). Otherwise the hook is loaded into the running kernel just
before the provider's assembly.

Every provider type stays reachable, and the objects are the same, so the synthesized files are
byte-identical (tested). The kernel hook also fixes cdktf 0.21's HCL output of the ``terraform``
block (``hcl_fix_kernel.js``); that part is loaded with the speed-up off too.
``CDKTF_FARGATE_FAST_SYNTH=0`` turns the rest off. With versions other than the pinned ones
below, or a package laid out differently, the normal load is used and one line says so.
"""

from __future__ import annotations

import atexit
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

from . import assemblies as _assemblies
from . import lazy_provider as _lazy_provider

SWITCH = "CDKTF_FARGATE_FAST_SYNTH"
SUPPORTED_VERSIONS = {"cdktf": "0.21.0", "cdktf-cdktf-provider-aws": "20.1.0", "jsii": "1.142.0"}
PROVIDER_ASSEMBLY_VERSION = "20.1.0"  # the npm package inside cdktf-cdktf-provider-aws 20.1.0
HOOK_ASSEMBLY = "cdktf-fargate-kernel-hook"
HOOK_VERSION = "1.0.0"
HOOK_SOURCE = Path(__file__).with_name("fast_synth_kernel.js")
HCL_FIX_SOURCE = Path(__file__).with_name("hcl_fix_kernel.js")
CODE_CACHE_SOURCE = Path(__file__).with_name("code_cache_kernel.js")
DEFERRED_REQUIRES_SOURCE = Path(__file__).with_name("deferred_requires_kernel.js")


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
        package = distribution.replace("-", "_")
        if _assemblies.package_dir(package) is None:
            return None  # not installed: the import itself reports it
        if package == "jsii":
            installed = _assemblies.jsii_version()
        else:
            load = _assemblies.assembly_of(package)  # a binding package has the version of its assembly
            installed = load and load.version
        if installed != supported:
            return f"fast synth supports {distribution} {supported}, found {installed or 'a version it cannot read'}"
    return None


def _say(message: str) -> None:
    warnings.warn(f"cdktf-fargate: {message}", RuntimeWarning, stacklevel=3)


class _BeforeKernelUse(importlib.abc.MetaPathFinder):
    """Sets the kernel up as binding packages are first imported; each time it steps aside so the
    normal finders import the module.

    With ``early``, the kernel is started when ``cdktf``, ``constructs`` or the provider bindings
    are first imported and given the hook, ``constructs`` and ``cdktf`` to load; the provider is
    added when its bindings are first imported. Otherwise, or if another package has already
    started the kernel, the hook is loaded into the running kernel just before the provider's
    assembly."""

    EARLY = ("constructs", "cdktf", "constructs._jsii", "cdktf._jsii")
    PROVIDER_JSII = f"{_lazy_provider.PACKAGE}._jsii"

    def __init__(self, lazy_index: bool, early: bool) -> None:
        self.lazy_index = lazy_index
        self.early = early
        self.started_early = False

    def find_spec(self, fullname, path, target=None):
        if self.early and fullname in (*self.EARLY, self.PROVIDER_JSII):
            self.early = False
            self.started_early = _start_kernel_early(self.lazy_index)
        if fullname == self.PROVIDER_JSII:
            sys.meta_path.remove(self)
            if not (self.started_early and _queue_provider()):
                _load_kernel_hook(self.lazy_index)
        return None


def _start_kernel_early(lazy_index: bool) -> bool:
    constructs, cdktf = (_assemblies.assembly_of(package) for package in ("constructs", "cdktf"))
    if constructs is None or cdktf is None:
        return False
    workdir = tempfile.TemporaryDirectory(prefix="cdktf-fargate-")
    atexit.register(workdir.cleanup)  # before the kernel's own exit hook, so it runs after it

    def hook_answered(error: Exception | None) -> None:
        workdir.cleanup()
        if error is not None:
            _say_hook_failed(error)

    try:
        from . import early_kernel as _early_kernel

        hook = _assemblies.Load(HOOK_ASSEMBLY, HOOK_VERSION, _write_hook(workdir.name, lazy_index))
        started = _early_kernel.start([hook, constructs, cdktf], on_answer={HOOK_ASSEMBLY: hook_answered})
    except Exception as error:  # noqa: BLE001 - any failure means: start the kernel the usual way
        started = False
        _say(f"the jsii kernel starts the usual way ({type(error).__name__}: {str(error).splitlines()[0]})")
    if not started:
        workdir.cleanup()
    return started


def _queue_provider() -> bool:
    """Add the provider's assembly to the kernel started early; False if the kernel was not."""
    from . import early_kernel as _early_kernel

    provider = _assemblies.assembly_of(_lazy_provider.PACKAGE)
    return provider is None or _early_kernel.queue(provider)  # None: its bindings load it themselves


def _load_kernel_hook(lazy_index: bool) -> None:
    import cdktf  # noqa: F401 - the provider needs it anyway; the hook patches its HCL renderer
    from jsii._runtime import kernel

    with tempfile.TemporaryDirectory(prefix="cdktf-fargate-") as workdir:
        try:
            kernel.load(HOOK_ASSEMBLY, HOOK_VERSION, _write_hook(workdir, lazy_index))
        except Exception as error:  # noqa: BLE001 - any failure means: load the provider the normal way
            _say_hook_failed(error)


def _write_hook(directory: str, lazy_index: bool) -> str:
    """The kernel hook's tarball, written into ``directory``; its path."""
    tarball = Path(directory) / f"{HOOK_ASSEMBLY}@{HOOK_VERSION}.jsii.tgz"
    tarball.write_bytes(hook_tarball(lazy_index))
    return str(tarball)


def _say_hook_failed(error: Exception) -> None:
    _say(f"fast synth is off for this run ({type(error).__name__}: {str(error).splitlines()[0]}); loading the whole AWS provider")


def hook_tarball(lazy_index: bool = True) -> bytes:
    """The kernel hook as an npm package tarball holding a jsii assembly with no types: the fix of
    cdktf's HCL output, and with ``lazy_index`` the speed-ups (the lazy provider index, cdktf's
    deferred requires and the compile cache).

    Byte-for-byte the same on every call (fixed times and owners), so the kernel's package cache
    keeps one copy of each."""
    lazy = HOOK_SOURCE.read_text(encoding="utf-8").replace("__SUPPORTED_VERSION__", PROVIDER_ASSEMBLY_VERSION)
    speed_ups = 'require("./deferred-requires");\nrequire("./lazy-provider-index");\n'
    main = 'require("./hcl-terraform-block");\n' + (speed_ups if lazy_index else "")
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
        "package/lib/deferred-requires.js": DEFERRED_REQUIRES_SOURCE.read_text(encoding="utf-8"),
    }
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed, tarfile.open(fileobj=compressed, mode="w") as archive:
        for name, content in files.items():
            data = (content if isinstance(content, str) else json.dumps(content, indent=1)).encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
