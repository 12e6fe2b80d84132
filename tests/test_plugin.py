"""The devkit's pytest plugin as another team uses it: installed, nothing else. Each case runs pytest
in a fresh process on a test file of its own (pytester), outside this repository's conftest."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

README_EXAMPLE = re.search(r"```python\n(# tests/test_files.py.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def run(pytester, source, *args, path=None):
    pytester.makepyfile(test_team=source)
    if path is not None:
        pytester._monkeypatch.setenv("PATH", path)
    return pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", *args)


@pytest.mark.unit
def test_the_plugin_is_registered_by_the_distribution():
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "cdktf_devkit"]
    assert entry.value == "cdktf_devkit.plugin"


@pytest.mark.unit
def test_missing_terraform_is_one_line_saying_what_to_install(pytester, tmp_path):
    result = run(pytester, "def test_it(terraform_toolchain):\n    pass\n", path=str(tmp_path))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*terraform not found on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)*"]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.unit
def test_missing_node_is_one_line_saying_what_to_install(pytester, tmp_path):
    source = "import pytest\n\n@pytest.fixture(scope='session')\ndef cdktf_app():\n    return None\n\ndef test_it(cdktf_synth):\n    pass\n"
    result = run(pytester, source, path=str(tmp_path))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*node not found on PATH: install Node.js >= 20*"])


@pytest.mark.unit
def test_an_app_must_be_handed_over(pytester):
    result = run(pytester, "def test_it(cdktf_synth):\n    pass\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*define a session fixture `cdktf_app` returning a function (settings, outdir) -> cdktf.App*"])


@pytest.mark.plan
def test_the_readme_example_plans_a_plain_cdktf_app(local_aws, tools, tmp_path):
    """README, "Testing your own stacks": any cdktf app (no construct of ours), planned with no AWS account.
    Run in this session (its local AWS and toolchain), as the plugin would run it in a team's session."""
    from types import SimpleNamespace

    from cdktf_devkit.testing import Stacks, synthesize

    assert README_EXAMPLE, "README.md lost its '# tests/test_files.py' example"
    example = {"pytest": SimpleNamespace(fixture=lambda **_: lambda function: function)}
    exec(compile(README_EXAMPLE.group(1).replace("import pytest\n", ""), "README.md", "exec"), example)
    synth = synthesize(example["cdktf_app"](), local_aws, tmp_path / "cdktf.out")
    example["test_plans_one_bucket"](Stacks(synth, tools, local_aws, tmp_path / "terraform"))


TWO_APPS_CONFTEST = """
import pytest
from cdktf import App, S3Backend, TerraformOutput, TerraformStack


@pytest.fixture(scope="session")
def cdktf_app():
    def build(settings, outdir):
        app = App(outdir=outdir)
        stack = TerraformStack(app, "Files")
        S3Backend(stack, bucket=settings.state_bucket, key="Files.tfstate", region=settings.region)
        TerraformOutput(stack, "app", value="{name}")
        return app

    return build
"""

TWO_APPS_TEST = """
def test_its_own_synth(cdktf_synth):
    (stack,) = cdktf_synth.stacks.values()
    assert stack["output"]["app"]["value"] == "{name}"
    print("{name} state bucket", stack["terraform"]["backend"]["s3"]["bucket"])
"""


@pytest.mark.unit
def test_two_apps_in_one_run_each_get_their_own_synth_and_state_bucket(pytester):
    """Two directories, each with its own ``cdktf_app`` and a stack of the same name, in one pytest run."""
    for name in ("alpha", "beta"):
        directory = pytester.mkdir(name)
        (directory / "conftest.py").write_text(TWO_APPS_CONFTEST.replace("{name}", name))
        (directory / f"test_{name}.py").write_text(TWO_APPS_TEST.replace("{name}", name))
    result = pytester.runpytest_subprocess("-q", "-s", "-p", "no:cacheprovider", "alpha", "beta")
    result.assert_outcomes(passed=2)
    buckets = dict(re.findall(r"(alpha|beta) state bucket (\S+)", result.stdout.str()))
    assert buckets == {"alpha": "tfstate-test", "beta": "tfstate-test-2"}


NOTE_STACK = "Note"


def note_app(settings, outdir):
    """One stack with one output and no resource."""
    from cdktf import App, S3Backend, TerraformOutput, TerraformStack

    app = App(outdir=outdir)
    stack = TerraformStack(app, NOTE_STACK)
    S3Backend(stack, bucket=settings.state_bucket, key=f"{NOTE_STACK}.tfstate", region=settings.region)
    TerraformOutput(stack, "note", value="as planned")
    return app


@pytest.mark.plan
def test_apply_right_after_plan_applies_that_plan_and_a_pending_change_is_named(local_aws, tools, tmp_path):
    from pathlib import Path

    from cdktf_devkit.testing import Stacks, synthesize

    stacks = Stacks(synthesize(note_app, local_aws, tmp_path / "cdktf.out"), tools, local_aws, tmp_path / "terraform")
    assert stacks.plan(NOTE_STACK).outputs == {"note": "as planned"}
    config = Path(stacks.terraform(NOTE_STACK).tfdir) / "cdk.tf.json"
    config.write_text(config.read_text().replace('"as planned"', '"changed since"'))
    assert stacks.apply(NOTE_STACK) == {"note": "as planned"}  # the saved plan, not a second one
    with pytest.raises(AssertionError, match=f"{NOTE_STACK} does not plan clean: outputs change"):
        stacks.assert_plans_clean(NOTE_STACK)
    stacks.destroy(NOTE_STACK)
    assert stacks.apply(NOTE_STACK) == {"note": "changed since"}  # a destroy in between: planned afresh
    stacks.destroy(NOTE_STACK)
