"""The exit paths off cdktf, both valid: every stack written as plain Terraform (HCL) by cdktf's own
converter (``cdktf synth --hcl``, the pinned CLI) and by ours (``make hcl``, ``cdktf_devkit.hcl``),
each one initialised and validated by Terraform (every stack at once, as modules of one root); ours in
Terraform's canonical format; every stack requires Terraform >= 1.10 (S3-native state locking needs it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from cdktf_devkit import hcl
from main import CICD_STACK, ECR_STACK, ECS_STACK, NETWORK_STACK, WEBSITE_STACK
from tests.conftest import ROOT
from todolist_names import ENV_PREFIX

pytestmark = pytest.mark.plan

STACKS = (NETWORK_STACK, ECR_STACK, ECS_STACK, CICD_STACK, WEBSITE_STACK)
REQUIRED_TERRAFORM = ">= 1.10"
CDKTF_CLI = ROOT / "node_modules" / ".bin" / "cdktf"


BACKEND_IN_A_MODULE = "Backend configuration ignored"


def validate_as_modules(tools, env: dict[str, str], root: Path, modules: dict[str, Path]) -> dict[str, dict]:
    """Every directory called as a module of one root configuration, then one ``terraform init
    -backend=false`` and one ``terraform validate -json``: the provider's schema is loaded twice in
    all, not twice per stack. Terraform validates a called module as it would a root module; it only
    warns that a module's backend block is ignored (that warning is left out here). Returns each
    module's validate report, or ``{"error": ...}`` for every module when a step failed to run."""
    sources = {name: module_source(root, directory) for name, directory in modules.items()}
    (root / "main.tf").write_text("".join(f'module "{name}" {{\n  source = "{source}"\n}}\n' for name, source in sources.items()))

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run([tools.terraform, *command], cwd=root, env=env, capture_output=True, text=True, timeout=600)

    init = run("init", "-backend=false", "-input=false", "-no-color")
    if init.returncode != 0:
        error = f"terraform init exited {init.returncode}:\n{init.stdout[-3000:]}\n{init.stderr[-3000:]}"
        return dict.fromkeys(modules, {"valid": False, "error": error})
    validate = run("validate", "-json", "-no-color")
    try:
        diagnostics = [d for d in json.loads(validate.stdout)["diagnostics"] if d["summary"] != BACKEND_IN_A_MODULE]
    except (ValueError, KeyError):
        error = f"terraform validate exited {validate.returncode}:\n{validate.stdout[-3000:]}\n{validate.stderr[-3000:]}"
        return dict.fromkeys(modules, {"valid": False, "error": error})
    return module_reports(diagnostics, sources)


def module_source(root: Path, directory: Path) -> str:
    relative = os.path.relpath(directory, root)
    return relative if relative.startswith("../") else f"./{relative}"


def module_reports(diagnostics: list[dict], sources: dict[str, str]) -> dict[str, dict]:
    """Each module's validate report: the diagnostics in its own files, and every diagnostic in no
    module's files (the root's, or one without a file), so that none is lost."""
    owners = {Path(source): name for name, source in sources.items()}
    found: dict[str, list[dict]] = {name: [] for name in sources}
    for diagnostic in diagnostics:
        owner = owners.get(Path(diagnostic["range"]["filename"]).parent) if "range" in diagnostic else None
        for name in [owner] if owner else sources:
            found[name].append(diagnostic)
    return {name: {"valid": not any(d["severity"] == "error" for d in mine), "diagnostics": mine} for name, mine in found.items()}


def problems(report: dict, severity: str = "error") -> str:
    if "error" in report:
        return report["error"]
    found = [d for d in report.get("diagnostics", []) if d["severity"] == severity]
    return "\n".join(
        f"{d['summary']}: {d.get('detail', '')} ({d.get('range', {}).get('filename')}:{d.get('range', {}).get('start', {}).get('line')}: "
        f"{(d.get('snippet') or {}).get('code', '').strip()})"
        for d in found
    )


# --- make hcl: our converter ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hcl_dir(synth, tools, tmp_path_factory):
    out = tmp_path_factory.mktemp("hcl")
    written = hcl.write_stacks(tools, synth.outdir, out)
    assert sorted(p.parent.name for p in written) == sorted(STACKS)
    return out


@pytest.fixture(scope="module")
def reports(hcl_dir, cdktf_hcl_dir, tools, tf_env, tmp_path_factory) -> dict[str, dict]:
    """Both converters' stacks validated at once, as modules "make-hcl-<stack>" and "cdktf-hcl-<stack>"."""
    written = {"make-hcl": hcl_dir, "cdktf-hcl": cdktf_hcl_dir}
    modules = {f"{converter}-{stack}": out / "stacks" / stack for converter, out in written.items() for stack in STACKS}
    modules["broken"] = broken_module(tmp_path_factory)
    return validate_as_modules(tools, tf_env, tmp_path_factory.mktemp("root"), modules)


def broken_module(tmp_path_factory) -> Path:
    """A module with one error, validated beside the stacks: the error must be its own and no other's."""
    directory = tmp_path_factory.mktemp("broken")
    (directory / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket_name = "no-such-argument"\n}\n')
    return directory


def test_an_error_in_one_module_is_reported_for_that_module_only(reports):
    assert "Unsupported argument" in problems(reports["broken"])
    assert [name for name, report in reports.items() if not report["valid"]] == ["broken"]


@pytest.fixture(scope="module")
def hcl_reports(reports):
    return {stack: reports[f"make-hcl-{stack}"] for stack in STACKS}


@pytest.mark.parametrize("stack", STACKS)
def test_plain_terraform_of_each_stack_initializes_and_validates(hcl_dir, hcl_reports, stack):
    directory = hcl_dir / "stacks" / stack
    assert (directory / "main.tf").is_file() and not list(directory.glob("*.json"))
    report = hcl_reports[stack]
    assert report["valid"], f"make hcl of {stack}:\n{problems(report)}"


def test_plain_terraform_has_no_validation_warnings(hcl_reports):
    """No deprecated syntax (quoted references and the like) in what our converter writes."""
    warnings = {stack: problems(report, "warning") for stack, report in hcl_reports.items()}
    assert {stack: text for stack, text in warnings.items() if text} == {}


def test_plain_terraform_is_in_canonical_format(hcl_dir, tools, tf_env):
    """What `make hcl` writes passes `terraform fmt -check`."""
    result = subprocess.run(
        [tools.terraform, "fmt", "-check", "-recursive", "-no-color", str(hcl_dir)],
        env=tf_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (0, ""), f"not in canonical format:\n{result.stdout}\n{result.stderr}"


def test_strings_keep_their_interpolations_and_escapes():
    assert hcl.string('{"Resource": "${aws_s3_bucket.b.arn}/*"}') == '"{\\"Resource\\": \\"${aws_s3_bucket.b.arn}/*\\"}"'
    assert hcl.string("const a = `$${b}`;\n") == '"const a = `$${b}`;\\n"'


def test_terraform_block_arguments_carry_over():
    stack = {"terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}, "required_version": ">= 1.10"}}
    converted = hcl.convert(stack, {"provider": {"block": {}}, "data_source_schemas": {}, "resource_schemas": {}})
    assert '  required_version = ">= 1.10"' in converted.splitlines()


def test_moved_blocks_carry_over():
    stack = {"moved": [{"from": "aws_ecs_cluster.service_cluster_B81F1F5D", "to": "aws_ecs_cluster.service_cluster_9FC36AA3"}]}
    converted = hcl.convert(stack, {"provider": {"block": {}}, "data_source_schemas": {}, "resource_schemas": {}})
    assert (
        "moved {\n  from = aws_ecs_cluster.service_cluster_B81F1F5D\n  to   = aws_ecs_cluster.service_cluster_9FC36AA3\n}"
        in converted
    )


def test_a_section_the_converter_does_not_know_is_an_error_not_dropped():
    with pytest.raises(ValueError, match="locals"):
        hcl.convert({"locals": {"a": 1}}, {"provider": {"block": {}}, "data_source_schemas": {}, "resource_schemas": {}})


# --- cdktf synth --hcl: cdktf's converter, run by the pinned CLI --------------------------------


@pytest.fixture(scope="module")
def cdktf_hcl_dir(tools, tmp_path_factory) -> Path:
    """`cdktf synth --hcl` of the app, once, with the pinned CLI, into a temporary directory."""
    out = tmp_path_factory.mktemp("cdktf-hcl") / "cdktf.out"
    env = tools.env({f"{ENV_PREFIX}ENV": "local"})
    result = subprocess.run(
        [str(CDKTF_CLI), "synth", "--hcl", "--output", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, (
        f"cdktf synth --hcl exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return out


@pytest.fixture(scope="module")
def cdktf_hcl_reports(reports):
    return {stack: reports[f"cdktf-hcl-{stack}"] for stack in STACKS}


def test_cdktf_synth_hcl_writes_every_stack_in_native_syntax_only(cdktf_hcl_dir):
    written = {p.parent.name for p in (cdktf_hcl_dir / "stacks").glob("*/cdk.tf")}
    assert written == set(STACKS)
    assert list((cdktf_hcl_dir / "stacks").glob("*/*.tf.json")) == []


@pytest.mark.parametrize("stack", STACKS)
def test_cdktf_synth_hcl_of_each_stack_initializes_and_validates(cdktf_hcl_reports, stack):
    report = cdktf_hcl_reports[stack]
    assert report["valid"], f"cdktf synth --hcl of {stack}:\n{problems(report)}"


# --- every stack requires Terraform >= 1.10, in every form --------------------------------------

REQUIRED_VERSION_LINE = re.compile(r'^\s*required_version\s*=\s*"([^"]*)"\s*$', re.M)


def test_every_synthesized_stack_requires_terraform_1_10(synth):
    assert {stack: synth.stacks[stack]["terraform"].get("required_version") for stack in STACKS} == dict.fromkeys(
        STACKS, REQUIRED_TERRAFORM
    )


def test_every_stack_of_make_hcl_requires_terraform_1_10(hcl_dir):
    found = {stack: REQUIRED_VERSION_LINE.findall((hcl_dir / "stacks" / stack / "main.tf").read_text()) for stack in STACKS}
    assert found == dict.fromkeys(STACKS, [REQUIRED_TERRAFORM])


def test_every_stack_of_cdktf_synth_hcl_requires_terraform_1_10(cdktf_hcl_dir):
    found = {stack: REQUIRED_VERSION_LINE.findall((cdktf_hcl_dir / "stacks" / stack / "cdk.tf").read_text()) for stack in STACKS}
    assert found == dict.fromkeys(STACKS, [REQUIRED_TERRAFORM])
