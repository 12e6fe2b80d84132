"""Install exactly as documented: README's "Reuse in your own app" commands, run as written in a fresh
virtual environment outside this repository, give a library that synthesizes other teams' apps; the
two distributions' wheels hold their own package only; each version is written once.

What is run and what is changed from README, deliberately:

- The commands come from README.md itself (its ``sh`` blocks in "Reuse in your own app"), so the test
  fails when the README drifts. The placeholder ``https://<your git host>/<this repository>.git`` is
  replaced by ``file://localhost`` + a ``git clone`` of this checkout's HEAD (``localhost``: the pip
  bundled with Python 3.11 rejects ``git+file:///``): uncommitted changes are not installed, as they
  would not be for a user. The path form runs in that clone's root.
- Dependencies come from a wheelhouse (``build/wheelhouse``, downloaded once from the package index
  with ``requirements.txt`` as constraints) with ``--no-index --find-links`` and ``-c
  requirements.txt``: the same pinned versions as ``.venv``, no network after the first run, and
  about 20 s per install instead of fetching the 55 MB provider bindings each time.
- The fresh venv is ``python -m venv`` without system site packages, run with no ``PYTHONPATH``
  from a directory outside the repository: it cannot see ``modules/``, ``devkit/`` or ``.venv``.
- The examples are synthesized for a real account (``<APP>_ENV=aws``): the local AWS's provider and
  backend settings belong to the devkit, which this venv does not hold; a local synth there must
  say so and what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.readme import shell_commands
from tests.synth_json import decode

try:
    import tomllib
except ImportError:  # Python 3.10: pyproject.toml is read with tomli, which must then be installed
    import tomli as tomllib

pytestmark = pytest.mark.unit

README = ROOT / "README.md"
PLACEHOLDER = "https://<your git host>/<this repository>.git"
WHEELHOUSE = ROOT / "build" / "wheelhouse"
LIBRARY = "cdktf-fargate"
DEVKIT = "cdktf-devkit"
PACKAGES = {LIBRARY: "cdktf_fargate", DEVKIT: "cdktf_devkit"}
# Where each distribution lives in the repository (its pyproject.toml, its package beside it).
FOLDERS = {LIBRARY: "modules", DEVKIT: "devkit"}
# Modules a wheel imports that none of its requirements brings, each imported only where it is installed
# beside it. cdktf_devkit: Environment takes the local AWS's settings from it, for a local target only.
OPTIONAL_IMPORTS = {LIBRARY: {"cdktf_devkit"}, DEVKIT: set()}
# What the library's wheel may hold besides Python modules (package data it declares).
LIBRARY_DATA = {
    "py.typed",
    "_fast_synth/fast_synth_kernel.js",
    "_fast_synth/hcl_fix_kernel.js",
    "_fast_synth/code_cache_kernel.js",
    "_fast_synth/deferred_requires_kernel.js",
}


def section(markdown: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, flags=re.M | re.S)
    assert match, f"README.md has no section '## {title}'"
    return match.group(1)


def install_commands() -> list[list[str]]:
    commands = [shlex.split(c) for c in shell_commands(section(README.read_text(), "Reuse in your own app"))]
    assert commands and all(c[:2] == ["pip", "install"] for c in commands), commands
    return commands


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment minus anything that would let Python find this checkout or its venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.endswith("_ENV")}
    env.update(
        CHECKPOINT_DISABLE="1", JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20", PIP_DISABLE_PIP_VERSION_CHECK="1", **extra
    )
    return env


def run(argv: list[str], cwd: Path, timeout: int = 900, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{shlex.join(map(str, argv))} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def pyproject(distribution: str) -> dict:
    return tomllib.loads((ROOT / FOLDERS[distribution] / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    """The library's pinned dependency closure and its build backend, downloaded once per change of pins."""
    wanted = [*pyproject(LIBRARY)["project"]["dependencies"], *pyproject(LIBRARY)["build-system"]["requires"]]
    pins = (ROOT / "requirements.txt").read_bytes() + "\n".join(wanted).encode()
    stamp = WHEELHOUSE / f".complete-{hashlib.sha256(pins).hexdigest()[:16]}"
    if not stamp.is_file():
        WHEELHOUSE.mkdir(parents=True, exist_ok=True)
        run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--dest", WHEELHOUSE, "-c", ROOT / "requirements.txt", *wanted],
            cwd=ROOT,
        )
        stamp.touch()
    return WHEELHOUSE


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A clean clone of this checkout's HEAD, on a branch named main (what the README's URL names)."""
    target = tmp_path_factory.mktemp("clone") / "repository"
    run(["git", "clone", "--quiet", "--no-checkout", ROOT, target], cwd=target.parent)
    run(
        [
            "git",
            "checkout",
            "--quiet",
            "-B",
            "main",
            subprocess.check_output(["git", "rev-parse", "HEAD"], cwd=ROOT, text=True).strip(),
        ],
        cwd=target,
    )
    return target


def fresh_venv(directory: Path) -> Path:
    run([sys.executable, "-m", "venv", directory], cwd=directory.parent)
    return directory / "bin" / "python"


def readme_install(python: Path, command: list[str], clone: Path, wheelhouse: Path) -> None:
    """One README install command, as written but for the placeholder, with the pinned wheelhouse."""
    argv = [arg.replace(PLACEHOLDER, f"file://localhost{clone}") for arg in command[2:]]
    offline = ["--no-index", "--find-links", wheelhouse, "-c", ROOT / "requirements.txt", "--no-compile", "--quiet"]
    run([python, "-m", "pip", "install", *argv, *offline], cwd=clone)


def import_location(python: Path, module: str, cwd: Path) -> str:
    script = f"import importlib.util as u; s = u.find_spec({module!r}); print(s.origin if s else 'not importable')"
    return run([python, "-c", script], cwd=cwd).stdout.strip()


@pytest.fixture(scope="module")
def consumer(tmp_path_factory, clone, wheelhouse) -> Path:
    """A fresh venv holding the library as README's first command installs it (from the git URL)."""
    home = tmp_path_factory.mktemp("consumer")
    python = fresh_venv(home / "venv")
    (command, *_) = install_commands()
    assert any(PLACEHOLDER in arg for arg in command), f"README's first install command names no {PLACEHOLDER}: {command}"
    readme_install(python, command, clone, wheelhouse)
    return python


def copy_example(example: str, workdir: Path) -> Path:
    """A copy of examples/<example> outside the repository."""
    shutil.copytree(
        ROOT / "examples" / example, workdir / example, ignore=shutil.ignore_patterns("tests", "__pycache__", "cdktf.out")
    )
    return workdir / example


def synthesize(python: Path, example: str, workdir: Path) -> Path:
    """A copy of examples/<example> outside the repository, synthesized with ``python`` for a real account."""
    app = copy_example(example, workdir)
    prefix = example.upper()
    run([python, "main.py", app / "out"], cwd=app, **{f"{prefix}_ENV": "aws", f"{prefix}_STATE_BUCKET": f"{example}-tfstate"})
    return app / "out" / "stacks"


# --- the README's commands ------------------------------------------------------------------------


def test_readme_install_commands_name_the_library_distribution_or_its_folder_and_no_tag():
    commands = install_commands()
    folder = f"./{FOLDERS[LIBRARY]}"
    assert [c for c in commands if not any(LIBRARY in arg or arg == folder for arg in c)] == []
    assert not re.search(r"@v\d", README.read_text()), "README installs from a release tag: none is published"


def test_git_url_install_gives_the_library_in_the_fresh_venv_and_no_devkit(consumer, tmp_path):
    site = consumer.parent.parent
    assert import_location(consumer, "cdktf_fargate", tmp_path).startswith(str(site / "lib"))
    assert import_location(consumer, "cdktf_devkit", tmp_path) == "not importable"
    assert str(ROOT) not in run([consumer, "-c", "import sys; print(sys.path)"], cwd=tmp_path).stdout


def test_orders_example_synthesizes_from_the_installed_library(consumer, tmp_path):
    stack = json.loads((synthesize(consumer, "orders", tmp_path) / "Orders-Service" / "cdk.tf.json").read_text())
    (task,) = stack["resource"]["aws_ecs_task_definition"].values()
    (container,) = decode(task["container_definitions"])
    assert (container["name"], container["portMappings"][0]["containerPort"]) == ("orders-api", 9000)
    assert container["image"].endswith(":1.4.2")
    (repository,) = stack["resource"]["aws_ecr_repository"].values()
    assert repository["name"] == "orders/api"
    assert "aws_vpc" not in stack["resource"]
    (service,) = stack["resource"]["aws_ecs_service"].values()
    assert service["network_configuration"]["subnets"] == ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"]
    assert stack["terraform"]["required_version"] == ">= 1.10"


def test_a_local_synth_without_the_devkit_says_what_to_install(consumer, tmp_path):
    app = copy_example("orders", tmp_path)
    result = subprocess.run(
        [consumer, "main.py", app / "out"], cwd=app, env=clean_env(), capture_output=True, text=True, timeout=900
    )
    assert result.returncode != 0
    assert "ConfigError: ORDERS_ENV: got 'local'; needs cdktf-devkit" in result.stderr.strip().splitlines()[-1]


def test_platform_example_synthesizes_from_the_installed_library(consumer, tmp_path):
    (stack_file,) = (synthesize(consumer, "platform", tmp_path)).glob("*/cdk.tf.json")
    stack = json.loads(stack_file.read_text())
    assert len(stack["resource"]["aws_ecs_service"]) == 2 and "aws_vpc" not in stack["resource"]
    assert set(stack["data"]) >= {"aws_vpc", "aws_subnets"}


def test_checkout_path_install_works_as_written(tmp_path_factory, clone, wheelhouse):
    """README's second command, run in the root of a checkout."""
    commands = install_commands()
    (command,) = [c for c in commands if not any(PLACEHOLDER in arg for arg in c)]
    python = fresh_venv(tmp_path_factory.mktemp("checkout-install") / "venv")
    readme_install(python, command, clone, wheelhouse)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    assert import_location(python, "cdktf_fargate", elsewhere).startswith(str(python.parent.parent / "lib"))
    version = run([python, "-c", "import cdktf_fargate; print(cdktf_fargate.__version__)"], cwd=elsewhere).stdout.strip()
    assert version == run([python, "-m", "pip", "show", LIBRARY], cwd=elsewhere).stdout.split("Version: ")[1].split()[0]


# --- the wheels -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheels(tmp_path_factory, clone, wheelhouse) -> dict[str, zipfile.ZipFile]:
    """Each distribution's wheel, built from the clean clone (no stale build/ directory can leak in)."""
    out = tmp_path_factory.mktemp("wheels")
    for distribution in PACKAGES:
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index", "--find-links", wheelhouse, "-w", out,
             clone / FOLDERS[distribution]], cwd=clone)  # fmt: skip
    found = {path.name.split("-")[0].replace("_", "-"): zipfile.ZipFile(path) for path in out.glob("*.whl")}
    assert set(found) == set(PACKAGES)
    return found


def payload(wheel: zipfile.ZipFile) -> set[str]:
    return {name for name in wheel.namelist() if ".dist-info/" not in name}


def metadata(wheel: zipfile.ZipFile) -> dict[str, list[str]]:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    fields: dict[str, list[str]] = {}
    for line in wheel.read(name).decode().split("\n\n")[0].splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    return fields


def python_files(distribution: str) -> set[str]:
    root = ROOT / FOLDERS[distribution]
    return {p.relative_to(root).as_posix() for p in (root / PACKAGES[distribution]).rglob("*.py")}


def test_library_wheel_holds_the_library_only(wheels):
    files = payload(wheels[LIBRARY])
    sources = python_files(LIBRARY)
    assert files == sources | {f"cdktf_fargate/{name}" for name in LIBRARY_DATA}


def test_devkit_wheel_holds_the_devkit_only(wheels):
    files = payload(wheels[DEVKIT])
    assert files == python_files(DEVKIT)


@pytest.mark.parametrize("distribution", PACKAGES)
def test_version_is_written_once_in_the_package(wheels, distribution):
    project = pyproject(distribution)
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": f"{PACKAGES[distribution]}.__version__"}
    init = (ROOT / FOLDERS[distribution] / PACKAGES[distribution] / "__init__.py").read_text()
    (version,) = re.findall(r'^__version__ = "([^"]+)"$', init, flags=re.M)
    assert metadata(wheels[distribution])["Version"] == [version]


@pytest.mark.parametrize("distribution", PACKAGES)
def test_requirements_admit_the_versions_the_repository_tests_with(wheels, distribution):
    """Every requirement of a wheel admits the version pinned in requirements.txt (what .venv runs and the
    tests pass with): e.g. the devkit cannot admit a moto its compatibility layer was not tested on."""
    from packaging.requirements import Requirement

    pins = dict(
        line.split("==")
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    pins = {name.lower().replace("_", "-"): version for name, version in pins.items()}
    for text in metadata(wheels[distribution])["Requires-Dist"]:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{distribution} requires {name}, which requirements.txt does not pin"
        assert requirement.specifier.contains(pins[name]), (
            f"{distribution}: {text} does not admit the tested {name}=={pins[name]}"
        )


def imported_modules(wheel: zipfile.ZipFile, package: str) -> set[str]:
    """Top-level modules the wheel's code imports (anywhere in a module, lazily or not), stdlib and itself excluded."""
    import ast

    found = set()
    for name in wheel.namelist():
        if name.endswith(".py"):
            for node in ast.walk(ast.parse(wheel.read(name))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {package, "__future__"}


def requirement_closure(requirements: list[str]) -> set[str]:
    """Distributions the requirements bring, transitively, as installed in .venv (extras followed)."""
    from importlib import metadata as installed

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for text in installed.requires(name) or []:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in requirement.extras or {""}):
                todo.append(child)
    return seen


@pytest.mark.parametrize("distribution", PACKAGES)
def test_every_module_a_wheel_imports_comes_with_its_requirements(wheels, distribution):
    """A module the code imports is brought by the wheel's own requirements, not by whatever else .venv holds."""
    from importlib import metadata as installed

    providers = installed.packages_distributions()
    brought = requirement_closure(metadata(wheels[distribution]).get("Requires-Dist", []))
    missing = {
        module: providers.get(module, ["(not installed)"])
        for module in imported_modules(wheels[distribution], PACKAGES[distribution]) - OPTIONAL_IMPORTS[distribution]
        if not {d.lower().replace("_", "-") for d in providers.get(module, [])} & brought
    }
    assert missing == {}, f"{distribution} imports modules none of its requirements brings"
