"""What an app hands the devkit: its deployment target and what to do around ``up`` and ``down``.

The devkit names no app. An app describes itself with a ``Project`` in one of its own modules and
names it as ``module:attribute`` in ``pyproject.toml``::

    [tool.cdktf-devkit]
    project = "myapp_devkit:project"

(or with ``--project`` / ``CDKTF_DEVKIT_PROJECT``). Without one, the devkit deploys to a local AWS
on port 5050 and does nothing app-specific.

The target is any object with ``region``, ``state_bucket`` and ``local_aws()`` (``Target``): an app
on ``cdktf_fargate`` returns its ``Environment``; any other app a ``LocalAwsSettings`` (the local
AWS) or an ``AwsAccount``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlparse

from .errors import PrerequisiteError
from .localaws import DEFAULT_REGION, LocalAwsSettings

PROJECT_VARIABLE = "CDKTF_DEVKIT_PROJECT"

Outputs = Mapping[str, Mapping[str, Any]]
"""Deploy outputs: stack name -> output name -> value."""


DEFAULT_LOCAL_PORT = 5050
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@runtime_checkable
class Target(Protocol):
    """Where the stacks deploy, as the devkit needs to know it: region and state bucket, and the local AWS
    to start (``local_aws()`` is None for a real account). ``cdktf_fargate.Environment``,
    ``LocalAwsSettings`` and ``AwsAccount`` are targets."""

    @property
    def region(self) -> str: ...

    @property
    def state_bucket(self) -> str: ...

    def local_aws(self) -> LocalAwsSettings | None: ...


@dataclass(frozen=True)
class AwsAccount:
    """A real AWS account: the stacks' region and the state bucket ``bootstrap`` creates there."""

    state_bucket: str
    region: str = DEFAULT_REGION

    def local_aws(self) -> None:
        """None: nothing local to start."""
        return None


def terraform_env(target: Target) -> dict[str, str]:
    """What every Terraform process of the target's stacks needs in its environment: the local AWS's
    ``env()`` (its endpoint above all), or nothing for a real account, which a local AWS's endpoint left
    in the shell (by a sourced build/env.sh) would otherwise capture."""
    local = target.local_aws()
    if local is not None:
        return local.env()
    inherited = os.environ.get("AWS_ENDPOINT_URL", "")
    if urlparse(inherited).hostname in LOOPBACK_HOSTS:
        raise PrerequisiteError(
            f"AWS_ENDPOINT_URL: got {inherited!r}, a local AWS's (from a sourced build/env.sh?), while the "
            "target is a real AWS account: unset it, or choose the local target"
        )
    return {}


def local_target() -> LocalAwsSettings:
    """The default target: the local AWS on port 5050, region ``us-east-1``, state bucket ``tfstate-local``."""
    return LocalAwsSettings(port=DEFAULT_LOCAL_PORT)


@dataclass(frozen=True)
class Project:
    """An app's hooks. Each hook returns lines to report (``==> line``); none is required."""

    target: Callable[[], Target] = local_target
    """Reads the app's own settings (environment variables, files) into a ``Target``. Default: local AWS on 5050."""
    after_up: Callable[[Target, Outputs], Iterable[str]] | None = None
    """Runs after every stack of ``up`` deployed, with every output: start what the app runs locally."""
    before_down: Callable[[Target], Iterable[str]] | None = None
    """Runs before ``down`` stops the local AWS: stop what ``after_up`` started."""
    scan_environments: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: {"default": {}})
    """Synth variants the policy scan covers: name -> environment variables for the app's synth."""
    user_errors: tuple[type[BaseException], ...] = ()
    """The app's own exceptions for bad settings: reported as one line, like a missing prerequisite."""


def target_of(project: Project) -> Target:
    """The project's target, checked to be one."""
    target = project.target()
    if not isinstance(target, Target):
        raise PrerequisiteError(
            f"the project's target hook returned a {type(target).__name__}, not a cdktf_devkit.project.Target "
            "(an object with region, state_bucket and local_aws())"
        )
    return target


def load(spec: str | None, root: Path) -> Project:
    """The project named by ``spec`` (``module:attribute``), else by ``CDKTF_DEVKIT_PROJECT``, else by
    ``[tool.cdktf-devkit] project`` in ``root/pyproject.toml``, else the default."""
    spec = spec or os.environ.get(PROJECT_VARIABLE) or _from_pyproject(root)
    if not spec:
        return Project()
    module_name, _, attribute = spec.partition(":")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        project = getattr(importlib.import_module(module_name), attribute or "project")
    except (ImportError, AttributeError) as error:
        raise PrerequisiteError(f"cannot load the devkit project {spec!r}: {error}") from None
    if not isinstance(project, Project):
        raise PrerequisiteError(f"{spec} is a {type(project).__name__}, not a cdktf_devkit.project.Project")
    return project


def _from_pyproject(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        import tomllib
    except ImportError:  # Python 3.10: name the project with --project or CDKTF_DEVKIT_PROJECT
        return None
    with path.open("rb") as file:
        return tomllib.load(file).get("tool", {}).get("cdktf-devkit", {}).get("project")
