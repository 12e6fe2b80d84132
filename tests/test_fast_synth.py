"""Fast synth: the same bytes out for every app, one switch to turn it off, and a quiet fallback."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
import textwrap
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
print(sys.modules["cdktf_cdktf_provider_aws"].__dict__.get("__lazy_provider__", False))
"""


def run_python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env={**os.environ, "TODOLIST_LOCAL_AWS_PORT": "5999", **env},
        capture_output=True,
        text=True,
        timeout=900,
    )


def all_files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> dict[str, Path]:
    """Every app (ours, each example, one using provider types the library does not), synthesized
    in one process with fast synth on and in another with it off."""
    workdir = tmp_path_factory.mktemp("fast-synth")
    other = workdir / "other_types.py"
    other.write_text(OTHER_TYPES_APP)
    apps = [f"todolist={ROOT / 'main.py'}", f"other={other}", *(f"{p.name}={p / 'main.py'}" for p in EXAMPLES)]
    results = {}
    for mode, switch in (("on", "1"), ("off", "0")):
        done = run_python(
            SYNTH_EVERY_APP, str(workdir / mode), *apps, **{_fast_synth.SWITCH: switch}, CDKTF_FARGATE_FAST_SYNTH_DEBUG="1"
        )
        assert done.returncode == 0, done.stderr[-3000:]
        hooked = done.stderr.count("cdktf-fargate: 2135 provider submodules load on first use")
        assert hooked == (1 if mode == "on" else 0), done.stderr[-3000:]
        assert done.stdout.split()[-1] == ("True" if mode == "on" else "False")
        assert "fast synth is off" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-3000:]
        results[mode] = workdir / mode
    return results


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
    assert "hcl-terraform-block" in main_script(True) and "hcl-terraform-block" in main_script(False)
    assert _fast_synth.hook_tarball(True) == _fast_synth.hook_tarball(True)


def test_an_unsupported_version_falls_back_with_one_warning():
    result = run_python("""
        import importlib.metadata as metadata, sys, warnings
        real = metadata.version
        metadata.version = lambda name: "1.999.0" if name == "jsii" else real(name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import cdktf_fargate
        print(hasattr(sys.modules.get("cdktf_cdktf_provider_aws"), "__lazy_provider__"), len(caught))
        print(caught[0].message)
    """)
    lazy, count, *message = result.stdout.split()
    assert (lazy, count) == ("False", "1"), result.stderr
    assert (
        " ".join(message)
        == "cdktf-fargate: fast synth supports jsii 1.142.0, found 1.999.0; loading the whole AWS provider (slower synth)"
    )


def test_a_kernel_hook_that_cannot_load_falls_back_and_the_synth_still_works(tmp_path):
    result = run_python(
        """
        import sys, warnings
        from cdktf_fargate import _fast_synth
        _fast_synth.hook_tarball = lambda *_: b"not a tarball"
        from cdktf import App, TerraformStack
        from cdktf_cdktf_provider_aws.provider import AwsProvider
        from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
        app = App(outdir=sys.argv[1])
        stack = TerraformStack(app, "Fallback")
        AwsProvider(stack, "aws", region="eu-west-1")
        SqsQueue(stack, "queue", name="fallback")
        app.synth()
    """,
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("cdktf-fargate: fast synth is off for this run (") == 1
    assert "Traceback" not in result.stderr
    stack = json.loads((tmp_path / "stacks" / "Fallback" / "cdk.tf.json").read_text())
    assert stack["resource"]["aws_sqs_queue"]["queue"]["name"] == "fallback"


def test_the_unexpected_package_layout_falls_back_with_one_warning(tmp_path):
    fake = tmp_path / "cdktf_cdktf_provider_aws"
    fake.mkdir()
    (fake / "__init__.py").write_text("EAGER = True\n")
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


def run_hook(tmp_path: Path, package: Path) -> tuple[dict, str]:
    hook = tmp_path / "hook.js"
    hook.write_text(_fast_synth.HOOK_SOURCE.read_text().replace("__SUPPORTED_VERSION__", _fast_synth.PROVIDER_ASSEMBLY_VERSION))
    done = subprocess.run(
        ["node", "-e", HOOK_DRIVER, str(hook), str(package)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout), done.stderr


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
