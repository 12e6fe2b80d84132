"""The lazy provider import: same bytes out, opt-out, and a safe fallback."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def synth_in_subprocess(outdir, lazy: bool) -> None:
    env = {**os.environ, "TODOLIST_LAZY_PROVIDER": "1" if lazy else "0", "TODOLIST_LOCAL_AWS_PORT": "5999"}
    code = f"import main; main.build_app(outdir={str(outdir)!r}).synth()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=600)


def all_files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_every_synthesized_file_is_byte_identical_with_and_without_it(tmp_path):
    lazy, eager = tmp_path / "lazy", tmp_path / "eager"
    synth_in_subprocess(lazy, lazy=True)
    synth_in_subprocess(eager, lazy=False)
    files = all_files(lazy)
    assert files == all_files(eager)
    assert any(f.name == "cdk.tf.json" for f in files)
    mismatched = [f for f in files if not filecmp.cmp(lazy / f, eager / f, shallow=False)]
    assert mismatched == []


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=600,
    )


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


def test_switch_off_uses_the_normal_import():
    result = run_python("""
        import sys, cdktf_fargate
        from cdktf_fargate import Network
        print(hasattr(sys.modules["cdktf_cdktf_provider_aws"], "__lazy_provider__"))
    """, TODOLIST_LAZY_PROVIDER="0")
    assert result.stdout.strip() == "False", result.stderr


def test_unexpected_package_layout_falls_back_with_one_warning(tmp_path):
    fake = tmp_path / "cdktf_cdktf_provider_aws"
    fake.mkdir()
    (fake / "__init__.py").write_text("EAGER = True\n")
    result = run_python("""
        import warnings, sys
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import cdktf_fargate
        import cdktf_cdktf_provider_aws
        lazy = getattr(cdktf_cdktf_provider_aws, "__lazy_provider__", False)
        print(lazy, cdktf_cdktf_provider_aws.EAGER, len(caught), caught[0].message)
    """, PYTHONPATH=str(tmp_path))
    lazy, eager, count, *message = result.stdout.split()
    assert (lazy, eager, count) == ("False", "True", "1"), result.stderr
    assert "not laid out as the lazy loader expects" in " ".join(message)
