"""Every command README.md shows in a ``sh`` block works as written, and this module says which test
runs it: ``RUN_BY`` maps each command to its test, and a unit test fails when README gains, loses or
changes a command without this table following. The "Using the cdktf CLI directly" block is run as
written, line by line in one shell, by ``tests/test_deploy_e2e.py`` against the stacks it deployed
(helpers below); the install commands of "Reuse in your own app" by ``tests/test_library_install.py``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_devkit.localaws import LocalAwsSettings
from tests.conftest import ROOT
from tests.readme import shell_commands

pytestmark = pytest.mark.unit

README = ROOT / "README.md"
CLI_SECTION = "Using the cdktf CLI directly"

# Command as README shows it (comment dropped, shlex-normalised) -> the test that runs it, as written
# unless said otherwise.
E2E = "tests/test_deploy_e2e.py::test_readme_cdktf_cli_block_works_as_written"
INSTALL = "tests/test_library_install.py"
RUN_BY = {
    "make up": "tests/test_deploy_e2e.py (fixture `up`: `python -m cdktf_devkit up`, what `make up` runs after `make install`, on free ports)",
    "make test": "the suite itself (`make test` is what runs every test)",
    "export TODOLIST_ENV=aws TODOLIST_REGION=eu-west-1 TODOLIST_STATE_BUCKET=acme-todolist-tfstate": "not run: needs a real AWS account",
    "make bootstrap": "not run with TODOLIST_ENV=aws (needs a real account); locally: tests/test_deploy_e2e.py (`up` bootstraps)",
    "make deploy": "not run with TODOLIST_ENV=aws (needs a real account); locally: tests/test_deploy_e2e.py (`up` deploys every stack)",
    "source build/env.sh": E2E,
    "cdktf list": E2E,
    "cdktf diff TodoList-Network --skip-provider-lock": E2E,
    "cdktf deploy TodoList-ECS --ignore-missing-stack-dependencies --auto-approve --skip-provider-lock": E2E,
    "cdktf output TodoList-ECS --skip-provider-lock": E2E,
    "pip install 'cdktf-fargate @ git+https://<your git host>/<this repository>.git@main#subdirectory=modules'": INSTALL,
    "pip install ./modules": INSTALL,
    ".venv/bin/python -m pytest -m unit": "make test-unit (same command); not run by a test",
    "pip install ./devkit": "not run as written: .venv holds it editable (make install); tests/test_plugin.py checks its pytest11 entry point",
    "python -m pytest tests/test_files.py": "tests/test_plugin.py::test_the_readme_example_plans_a_plain_cdktf_app (runs the example's code, not this command)",
}


def sections(markdown: str) -> dict[str, str]:
    """``## `` section title -> its text; the text before the first section is ``""``."""
    parts = re.split(r"^## (.+)\n", markdown, flags=re.M)
    return {"": parts[0], **dict(zip(parts[1::2], parts[2::2], strict=True))}


def readme_commands() -> dict[str, list[str]]:
    return {title: shell_commands(text) for title, text in sections(README.read_text()).items()}


def test_every_readme_command_is_accounted_for():
    shown = [command for commands in readme_commands().values() for command in commands]
    assert sorted(set(shown) - set(RUN_BY)) == [], "README shows commands no test is named for: add them to RUN_BY"
    assert sorted(set(RUN_BY) - set(shown)) == [], "RUN_BY names commands README no longer shows"


def test_deploying_one_dependent_stack_by_hand_names_the_flag_cdktf_needs():
    (deploy,) = [c for c in readme_commands()[CLI_SECTION] if c.startswith("cdktf deploy ")]
    assert "--ignore-missing-stack-dependencies" in shlex.split(deploy)


# --- running the "Using the cdktf CLI directly" block (used by tests/test_deploy_e2e.py) -----------

# What a project copy leaves out: what the make targets and tests write, so the copy writes its own.
NOT_COPIED = {".git", "build", "cdktf.out", "hcl", "test-output", ".pytest_cache", "__pycache__", ".terraform"}
MARK = "::readme-command::"


def project_copy(destination: Path) -> Path:
    """The repository as a user's checkout, without what the make targets write (``build/``, ``cdktf.out/``):
    a symlink to every other top-level entry, so that running cdktf here touches nothing in ``ROOT``."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name not in NOT_COPIED:
            (destination / entry.name).symlink_to(entry)
    return destination


def user_environment(variables: dict[str, str]) -> dict[str, str]:
    """A shell like a user's: this environment without the project's tool directories on PATH and
    without the tool settings build/env.sh provides; plus ``variables`` (the TODOLIST_* target).
    ``CI=true``: the test has no terminal, like any CI runner."""
    ours = {str(ROOT / "node_modules" / ".bin"), str(ROOT / ".venv" / "bin")}
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p not in ours)
    drop = {"TF_CLI_CONFIG_FILE", "CDKTF_DEVKIT_OUT", "CHECKPOINT_DISABLE", "VIRTUAL_ENV", *LocalAwsSettings(port=1).env()}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("TODOLIST_")}
    return {**env, "PATH": path, "CI": "true", **variables}


def run_block(commands: list[str], cwd: Path, env: dict[str, str], timeout: int = 1200) -> dict[str, tuple[int, str]]:
    """The commands in one bash shell (so ``source`` carries over), in order, each one's exit status and
    output (stdout and stderr) recorded; a failing command does not stop the ones after it."""
    script = "".join(
        f"printf '\\n{MARK}%s\\n' {shlex.quote(c)}\n{c} </dev/null 2>&1\nprintf '\\n{MARK}exit %d\\n' $?\n" for c in commands
    )
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    found = re.findall(rf"^{re.escape(MARK)}(.*?)\n(.*?)^{re.escape(MARK)}exit (\d+)$", result.stdout, flags=re.M | re.S)
    outcomes = {command: (int(status), output) for command, output, status in found}
    assert list(outcomes) == commands, f"the block did not run through:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return outcomes


def run_cli_block(workdir: Path, variables: dict[str, str]) -> dict[str, tuple[int, str]]:
    """README's "Using the cdktf CLI directly" block, as written, in a copy of the project whose
    build/env.sh was written the way ``make check`` writes it."""
    project = project_copy(workdir / "checkout")
    env = user_environment(variables)
    check = subprocess.run(
        [sys.executable, "-m", "cdktf_devkit", "check"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0 and (project / "build" / "env.sh").is_file(), check.stdout + check.stderr
    return run_block(readme_commands()[CLI_SECTION], project, env)
