"""Fast synth: the same bytes out for every app, one switch to turn it off, and a quiet fallback."""

from __future__ import annotations

import filecmp
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdktf_fargate import _fast_synth

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.parent for p in (ROOT / "examples").glob("*/main.py"))

# Provider types that no construct of the library uses: a consumer's own resources and lookups.
OTHER_TYPES_APP = """
from cdktf import App, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction, LambdaFunctionEnvironment
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

def build_app(outdir):
    app = App(outdir=outdir)
    stack = TerraformStack(app, "Other-Types")
    AwsProvider(stack, "aws", region="eu-west-1")
    dead_letters = SqsQueue(stack, "dead-letters", name="orders-dlq", message_retention_seconds=1209600)
    queue = SqsQueue(stack, "queue", name="orders", visibility_timeout_seconds=60)
    queue.add_override("redrive_policy", '{"maxReceiveCount": 5}')
    topic = SnsTopic(stack, "topic", name="orders-events")
    LambdaFunction(
        stack, "worker", function_name="orders-worker", role="arn:aws:iam::123456789012:role/worker",
        runtime="python3.12", handler="app.handler", filename="worker.zip",
        environment=LambdaFunctionEnvironment(variables={"QUEUE_URL": queue.url}),
    )
    me = DataAwsCallerIdentity(stack, "me")
    TerraformOutput(stack, "ids", value=[dead_letters.arn, queue.url, topic.arn, me.account_id])
    return app
"""

SYNTH_EVERY_APP = """
import importlib.util, os, sys
import cdktf_fargate
out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(path))
    spec.loader.exec_module(module)
    sys.path.pop(0)
    return module

for name, path in [tuple(arg.split("=", 1)) for arg in sys.argv[2:]]:
    load(f"app_{name}", path).build_app(outdir=os.path.join(out, name)).synth()
from jsii._runtime import kernel
print(sys.modules["cdktf_cdktf_provider_aws"].__dict__.get("__lazy_provider__", False), type(kernel.provider).__name__)
"""


@pytest.fixture(scope="module", autouse=True)
def own_compile_cache(tmp_path_factory) -> Iterator[Path]:
    """The kernels started here keep their compile cache in a directory of this module's."""
    with pytest.MonkeyPatch.context() as patch:
        cache = tmp_path_factory.mktemp("compile-cache")
        patch.setenv("CDKTF_FARGATE_CACHE_DIR", str(cache))
        yield cache


ONE_QUEUE_APP = """
import sys
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from jsii._runtime import kernel
app = App(outdir=sys.argv[1])
stack = TerraformStack(app, "One-Queue")
AwsProvider(stack, "aws", region="eu-west-1")
SqsQueue(stack, "queue", name="one-queue")
app.synth()
print(type(kernel.provider).__name__)
"""


def one_queue_app(setup: str) -> str:
    """A one-queue app, after ``setup`` (what is imported first, what is patched); it prints the kernel's provider class."""
    return textwrap.dedent(setup) + ONE_QUEUE_APP


def one_queue(outdir: Path) -> dict:
    return json.loads((outdir / "stacks" / "One-Queue" / "cdk.tf.json").read_text())["resource"]["aws_sqs_queue"]["queue"]


def start_python(code: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env={**os.environ, "TODOLIST_LOCAL_AWS_PORT": "5999", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=900)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return finish(start_python(code, *args, **env))


def all_files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> dict[str, Path]:
    """Every app (ours, each example, one using provider types the library does not), synthesized
    in one process with fast synth on (the kernel started early, the compile cache empty) and at the
    same time in another with it off."""
    workdir = tmp_path_factory.mktemp("fast-synth")
    other = workdir / "other_types.py"
    other.write_text(OTHER_TYPES_APP)
    apps = [f"todolist={ROOT / 'main.py'}", f"other={other}", *(f"{p.name}={p / 'main.py'}" for p in EXAMPLES)]
    started = {
        mode: start_python(
            SYNTH_EVERY_APP, str(workdir / mode), *apps, **{_fast_synth.SWITCH: switch}, CDKTF_FARGATE_FAST_SYNTH_DEBUG="1"
        )
        for mode, switch in (("on", "1"), ("off", "0"))
    }
    try:
        done = {mode: finish(process) for mode, process in started.items()}
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
    for mode, result in done.items():
        assert result.returncode == 0, result.stderr[-3000:]
        hooked = result.stderr.count("cdktf-fargate: 2135 provider submodules load on first use")
        assert hooked == (1 if mode == "on" else 0), result.stderr[-3000:]
        lazy, kernel = result.stdout.split()[-2:]
        assert (lazy, kernel) == (("True", "_EarlyProvider") if mode == "on" else ("False", "ProcessProvider"))
        assert "fast synth is off" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]
    return {mode: workdir / mode for mode in started}


def test_every_file_of_every_app_is_byte_identical_on_and_off(synthesized):
    on, off = synthesized["on"], synthesized["off"]
    files = all_files(on)
    assert files == all_files(off)
    apps = {f.parts[0] for f in files if f.name == "cdk.tf.json"}
    assert apps == {"todolist", "other", *(p.name for p in EXAMPLES)}
    assert [f for f in files if not filecmp.cmp(on / f, off / f, shallow=False)] == []


def test_provider_types_the_library_does_not_use_synthesize(synthesized):
    stack = json.loads((synthesized["on"] / "other" / "stacks" / "Other-Types" / "cdk.tf.json").read_text())
    assert set(stack["resource"]) == {"aws_sqs_queue", "aws_sns_topic", "aws_lambda_function"}
    assert stack["resource"]["aws_lambda_function"]["worker"]["environment"]["variables"] == {
        "QUEUE_URL": "${aws_sqs_queue.queue.url}"
    }
    assert stack["resource"]["aws_sqs_queue"]["queue"]["redrive_policy"] == '{"maxReceiveCount": 5}'
    assert "aws_caller_identity" in stack["data"]


def test_importing_the_library_loads_only_the_submodules_in_use():
    result = run_python("""
        import sys, cdktf_fargate
        from cdktf_fargate import Network
        loaded = [m for m in sys.modules if m.startswith("cdktf_cdktf_provider_aws.") and m.count(".") == 1]
        print(len(loaded), sys.modules["cdktf_cdktf_provider_aws"].__lazy_provider__)
    """)
    count, lazy = result.stdout.split()
    assert lazy == "True"
    assert 1 < int(count) < 50


def test_attribute_access_to_a_submodule_imports_it_on_demand():
    result = run_python("""
        import cdktf_fargate, cdktf_cdktf_provider_aws as aws
        print(aws.s3_bucket.S3Bucket.__name__)
    """)
    assert result.stdout.strip() == "S3Bucket", result.stderr


def test_the_switch_turns_it_off():
    result = run_python(
        """
        import sys, cdktf_fargate
        print(hasattr(sys.modules.get("cdktf_cdktf_provider_aws"), "__lazy_provider__"))
    """,
        **{_fast_synth.SWITCH: "0"},
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_kernel_hook_holds_the_lazy_index_only_when_fast_synth_is_on():
    import io
    import tarfile

    def main_script(lazy_index):
        with tarfile.open(fileobj=io.BytesIO(_fast_synth.hook_tarball(lazy_index))) as archive:
            return archive.extractfile("package/lib/index.js").read().decode()

    assert "lazy-provider-index" in main_script(True) and "lazy-provider-index" not in main_script(False)
    assert "deferred-requires" in main_script(True) and "deferred-requires" not in main_script(False)
    assert "hcl-terraform-block" in main_script(True) and "hcl-terraform-block" in main_script(False)
    assert _fast_synth.hook_tarball(True) == _fast_synth.hook_tarball(True)


def test_an_unsupported_version_falls_back_with_one_warning(tmp_path):
    other_jsii = tmp_path / "jsii"  # what fast synth reads of an installed jsii, at another version
    other_jsii.mkdir()
    (other_jsii / "__init__.py").write_text("")
    (other_jsii / "_metadata.json").write_text(json.dumps({"version": "1.999.0"}))
    result = run_python(
        """
        import sys, warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import cdktf_fargate
        print(hasattr(sys.modules.get("cdktf_cdktf_provider_aws"), "__lazy_provider__"), len(caught))
        print(caught[0].message)
    """,
        PYTHONPATH=str(tmp_path),
    )
    lazy, count, *message = result.stdout.split()
    assert (lazy, count) == ("False", "1"), result.stderr
    assert (
        " ".join(message)
        == "cdktf-fargate: fast synth supports jsii 1.142.0, found 1.999.0; loading the whole AWS provider (slower synth)"
    )


def test_a_kernel_hook_that_cannot_load_falls_back_and_the_synth_still_works(tmp_path):
    result = run_python(
        one_queue_app("""
            from cdktf_fargate import _fast_synth
            _fast_synth.hook_tarball = lambda *_: b"not a tarball"
        """),
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["_EarlyProvider"]  # the hook's load failed in the kernel started early
    assert result.stderr.count("cdktf-fargate: fast synth is off for this run (") == 1
    assert "Traceback" not in result.stderr
    assert one_queue(tmp_path)["name"] == "one-queue"


def test_the_unexpected_package_layout_falls_back_with_one_warning(tmp_path):
    fake = tmp_path / "cdktf_cdktf_provider_aws"  # the supported version, its package laid out otherwise
    (fake / "_jsii").mkdir(parents=True)
    (fake / "__init__.py").write_text("EAGER = True\n")
    real = Path(importlib.util.find_spec("cdktf_cdktf_provider_aws").origin).parent
    (fake / "_jsii" / "__init__.py").write_text((real / "_jsii" / "__init__.py").read_text())
    result = run_python(
        """
        import warnings, sys
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import cdktf_fargate
        import cdktf_cdktf_provider_aws
        lazy = getattr(cdktf_cdktf_provider_aws, "__lazy_provider__", False)
        print(lazy, cdktf_cdktf_provider_aws.EAGER, len(caught), caught[0].message)
    """,
        PYTHONPATH=str(tmp_path),
    )
    lazy, eager, count, *message = result.stdout.split()
    assert (lazy, eager, count) == ("False", "True", "1"), result.stderr
    assert "not laid out as the lazy loader expects" in " ".join(message)


# The kernel hook itself, run by Node against a provider-shaped package on disk.

HOOK_DRIVER = """
const Module = require("module");
globalThis.loaded = [];
require(process.argv[1]);
const exports = Module.createRequire(process.argv[2] + "/")(process.argv[2] + "/node_modules/@cdktf/provider-aws/lib/index.js");
const before = [...globalThis.loaded];
const names = Object.keys(exports);
const vpc = exports.vpc.Vpc;
console.log(JSON.stringify({names, before, after: globalThis.loaded, vpc, same: exports.vpc === exports.vpc}));
"""


def provider_package(root: Path, version: str = _fast_synth.PROVIDER_ASSEMBLY_VERSION, extra: str = "") -> Path:
    lib = root / "node_modules" / "@cdktf" / "provider-aws" / "lib"
    for name in ("vpc", "s3-bucket"):
        (lib / name).mkdir(parents=True)
        (lib / name / "index.js").write_text(f'globalThis.loaded.push("{name}"); exports.Vpc = "{name}";\n')
    (lib.parent / "package.json").write_text(json.dumps({"name": "@cdktf/provider-aws", "version": version}))
    (lib / "index.js").write_text(
        '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n'
        f'exports.s3Bucket = exports.vpc = void 0;\nexports.vpc = require("./vpc");\nexports.s3Bucket = require("./s3-bucket");\n{extra}'
    )
    return root


def kernel_hook(tmp_path: Path, script: str = "lazy-provider-index.js") -> Path:
    """One script of the kernel hook, laid out with the others as in its package."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    sources = {
        "lazy-provider-index.js": _fast_synth.HOOK_SOURCE,
        "code-cache.js": _fast_synth.CODE_CACHE_SOURCE,
        "deferred-requires.js": _fast_synth.DEFERRED_REQUIRES_SOURCE,
        "hcl-terraform-block.js": _fast_synth.HCL_FIX_SOURCE,
    }
    for name, source in sources.items():
        (hook / name).write_text(source.read_text().replace("__SUPPORTED_VERSION__", _fast_synth.PROVIDER_ASSEMBLY_VERSION))
    return hook / script


def run_node(driver: str, *args: str, **env: str) -> tuple[dict, str]:
    done = subprocess.run(
        ["node", "-e", driver, *args], capture_output=True, text=True, timeout=60, check=True, env={**os.environ, **env}
    )
    return json.loads(done.stdout), done.stderr


def run_hook(tmp_path: Path, package: Path) -> tuple[dict, str]:
    return run_node(HOOK_DRIVER, str(kernel_hook(tmp_path)), str(package))


def test_the_kernel_hook_requires_a_submodule_on_first_use_only(tmp_path):
    result, stderr = run_hook(tmp_path, provider_package(tmp_path / "pkg"))
    assert result == {"names": ["vpc", "s3Bucket"], "before": [], "after": ["vpc"], "vpc": "vpc", "same": True}
    assert stderr == ""


@pytest.mark.parametrize(
    ("version", "extra", "reason"),
    [
        ("20.2.0", "", "@cdktf/provider-aws is 20.2.0, fast synth supports 20.1.0"),
        ("20.1.0", 'require("./s3-bucket").extra = 1;\n', "is not laid out as fast synth expects"),
    ],
)
def test_the_kernel_hook_loads_everything_when_the_package_is_not_the_supported_one(tmp_path, version, extra, reason):
    result, stderr = run_hook(tmp_path, provider_package(tmp_path / "pkg", version, extra))
    assert result["before"] == ["vpc", "s3-bucket"]
    assert stderr.count("cdktf-fargate: fast synth is off for this run") == 1 and reason in stderr


def test_importing_the_provider_first_is_reported_once():
    result = run_python("""
        import sys, types, warnings
        sys.modules["cdktf_cdktf_provider_aws"] = types.ModuleType("cdktf_cdktf_provider_aws")  # as its eager import leaves it
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import cdktf_fargate
        print(len(caught), caught[0].message)
    """)
    count, *message = result.stdout.split()
    assert count == "1", result.stderr
    assert " ".join(message).endswith("fast synth is off; import cdktf_fargate first")


CDKTF_DRIVER = """
globalThis.loaded = [];
require(process.argv[1]);
const fs = require(process.argv[2] + "/node_modules/cdktf/lib/private/fs.js");
const before = [...globalThis.loaded];
const zipped = fs.zip("site");
const supported = fs.supported("1.10.0");
console.log(JSON.stringify({before, after: globalThis.loaded, zipped, supported}));
"""


def cdktf_package(root: Path, version: str) -> Path:
    cdktf = root / "node_modules" / "cdktf"
    (cdktf / "lib" / "private").mkdir(parents=True)
    (cdktf / "package.json").write_text(json.dumps({"name": "cdktf", "version": version}))
    (cdktf / "lib" / "private" / "fs.js").write_text(
        'const archiver = require("archiver");\nconst semver = require("semver");\n'
        'exports.zip = (name) => archiver("zip", name);\nexports.supported = (v) => semver.satisfies(v, ">=1.10");\n'
    )
    for name, body in {
        "archiver": "module.exports = (format, name) => `${format}:${name}`;",
        "semver": "exports.satisfies = (v, range) => `${v} ${range}`;",
    }.items():
        (cdktf / "node_modules" / name).mkdir(parents=True)
        (cdktf / "node_modules" / name / "index.js").write_text(f'globalThis.loaded.push("{name}");\n{body}\n')
    return root


@pytest.mark.parametrize(("version", "before"), [("0.21.0", []), ("0.20.0", ["archiver", "semver"])])
def test_the_kernel_hook_defers_cdktf_021_archiver_and_semver_to_their_first_use(tmp_path, version, before):
    hook = kernel_hook(tmp_path, "deferred-requires.js")
    result, stderr = run_node(CDKTF_DRIVER, str(hook), str(cdktf_package(tmp_path / "pkg", version)))
    assert result == {"before": before, "after": ["archiver", "semver"], "zipped": "zip:site", "supported": "1.10.0 >=1.10"}
    assert stderr == ""


# cdktf 0.21's renderer in short, flaw included: it renders the names of the plain attributes, not the attributes.
CDKTF_021_RENDER = r"""
const blocks = ["required_providers", "backend", "cloud"];
exports.renderSimpleAttributes = (a) =>
  a === undefined ? "" : Object.entries(a).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`).join("\n");
exports.renderTerraform = (t) => `terraform {
${Object.keys(t).filter((k) => blocks.includes(k)).map((k) => `  ${k} {}`).join("\n")}
${exports.renderSimpleAttributes(Object.keys(t).filter((k) => !blocks.includes(k)))}
}`;
"""

HCL_DRIVER = """
const [hook, cdktf, order] = process.argv.slice(1);
if (order === "hook first") require(hook);
require(cdktf + "/lib/index.js");
if (order === "cdktf first") require(hook);
const render = require(cdktf + "/lib/hcl/render.js");
console.log(JSON.stringify(render.renderTerraform({ backend: {}, required_version: ">= 1.10" })));
"""


@pytest.mark.parametrize("order", ["hook first", "cdktf first"])
def test_the_hcl_fix_applies_whether_the_hook_loads_before_or_after_cdktf(tmp_path, order):
    cdktf = tmp_path / "pkg" / "node_modules" / "cdktf"
    (cdktf / "lib" / "hcl").mkdir(parents=True)
    (cdktf / "package.json").write_text(json.dumps({"name": "cdktf", "version": "0.21.0"}))
    (cdktf / "lib" / "index.js").write_text('require("./hcl/render");\n')
    (cdktf / "lib" / "hcl" / "render.js").write_text(CDKTF_021_RENDER)
    rendered, stderr = run_node(HCL_DRIVER, str(kernel_hook(tmp_path, "hcl-terraform-block.js")), str(cdktf), order)
    assert rendered == 'terraform {\n  backend {}\n  required_version = ">= 1.10"\n}'
    assert stderr == ""


CODE_CACHE_DRIVER = """
const [cache, lib] = process.argv.slice(1);
require(cache).cacheCompiledCode(lib, "test");
console.log(JSON.stringify(require(lib + "/answer.js")()));
"""


def test_the_compile_cache_never_runs_code_of_another_source_of_the_same_length(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    cache = kernel_hook(tmp_path, "code-cache.js")
    answers = []
    for answer in ("AAAA", "BBBB", "AAAA"):
        (lib / "answer.js").write_text(f'module.exports = () => "{answer}";\n')
        result, stderr = run_node(CODE_CACHE_DRIVER, str(cache), str(lib), CDKTF_FARGATE_CACHE_DIR=str(tmp_path / "cache"))
        answers.append(result)
        assert stderr == ""
    assert answers == ["AAAA", "BBBB", "AAAA"]
    assert len(list((tmp_path / "cache").rglob("*.v8"))) == 2  # one entry per source


# The kernel started early, and the compile cache.


def test_with_cdktf_imported_first_the_kernel_starts_as_usual_and_the_hook_still_loads(tmp_path):
    result = run_python(
        one_queue_app("""
            import cdktf
            import cdktf_fargate
        """),
        str(tmp_path),
        CDKTF_FARGATE_FAST_SYNTH_DEBUG="1",
    )
    assert result.stdout.split() == ["ProcessProvider"], result.stderr
    assert "2135 provider submodules load on first use" in result.stderr
    assert one_queue(tmp_path)["name"] == "one-queue"


def test_a_queued_load_that_fails_is_raised_by_the_next_call_naming_the_assembly():
    result = run_python(
        """
        import cdktf_fargate
        from cdktf_fargate._fast_synth import assemblies as _assemblies, early_kernel as _early_kernel
        missing = _assemblies.Load("no-such-assembly", "1.0.0", "/nonexistent/no-such-assembly@1.0.0.jsii.tgz")
        print(_early_kernel.start([missing]), flush=True)
        try:
            import constructs
        except Exception as error:
            print(type(error).__name__, str(error).startswith("loading the no-such-assembly 1.0.0 assembly: "), type(error.__cause__).__name__)
    """,
        CDKTF_FARGATE_FAST_SYNTH="0",  # no early start of its own
    )
    assert result.stdout.split() == ["True", "RuntimeError", "True", "JavaScriptError"], result.stderr


def test_a_kernel_started_the_usual_way_is_not_started_again():
    result = run_python(
        """
        import cdktf_fargate
        from cdktf_fargate._fast_synth import early_kernel as _early_kernel
        from jsii._runtime import kernel
        idle = _early_kernel._kernel_idle(kernel.provider)
        import constructs
        print(idle, _early_kernel.start([]), type(kernel.provider).__name__)
    """,
        CDKTF_FARGATE_FAST_SYNTH="0",
    )
    assert result.stdout.split() == ["True", "False", "ProcessProvider"], result.stderr


def test_the_provider_assembly_is_loaded_only_once_its_bindings_are_imported():
    result = run_python("""
        import cdktf_fargate
        from cdktf import App
        from jsii._runtime import kernel
        App()
        print(sorted(name for name, _ in kernel.provider._process._queued))
        from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
        print(sorted(name for name, _ in kernel.provider._process._queued))
    """)
    before, after = result.stdout.splitlines()
    assert before == "['cdktf', 'cdktf-fargate-kernel-hook', 'constructs']", result.stderr
    assert after == "['@cdktf/provider-aws', 'cdktf', 'cdktf-fargate-kernel-hook', 'constructs']"


def test_the_compile_cache_is_used_by_the_next_run_and_a_damaged_entry_is_replaced(tmp_path):
    app = tmp_path / "other_types.py"
    app.write_text(OTHER_TYPES_APP)
    cache = tmp_path / "cache"

    def synth(name: str) -> Path:
        done = run_python(SYNTH_EVERY_APP, str(tmp_path / name), f"other={app}", CDKTF_FARGATE_CACHE_DIR=str(cache))
        assert done.returncode == 0, done.stderr[-3000:]
        return tmp_path / name / "other"

    first = synth("first")
    entries = sorted(cache.rglob("*.v8"))
    assert len(entries) >= 5  # the provider and four resource types, at least
    stored = {entry: entry.stat().st_mtime_ns for entry in entries}
    damaged = entries[0]
    damaged.write_bytes(b"not V8 code")

    second = synth("second")
    assert all_files(first) == all_files(second)
    assert [f for f in all_files(first) if not filecmp.cmp(first / f, second / f, shallow=False)] == []
    assert sorted(cache.rglob("*.v8")) == entries
    assert [e for e in entries[1:] if e.stat().st_mtime_ns != stored[e]] == []  # used as they were
    assert damaged.read_bytes() != b"not V8 code"  # rejected by V8, compiled afresh and stored again
