"""Prerequisites and the environment every terraform and cdktf call runs in."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PrerequisiteError
from .ports import free_port, port_is_free  # noqa: F401  (kept importable from here)

MIN_TERRAFORM = (1, 10)
MIN_NODE = 20
AWS_PROVIDER_VERSION = "5.100.0"  # the version cdktf-cdktf-provider-aws 20.1.0 was generated for
PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
MIRROR_VARIABLE = "CDKTF_DEVKIT_PROVIDER_MIRROR"
OUT_VARIABLE = "CDKTF_DEVKIT_OUT"
# Go's garbage collector target for terraform and the AWS provider, unless the user sets GOGC. Every
# provider process builds the whole schema (about 1,500 resource types), and at Go's default of 100 much
# of its CPU goes to collecting that garbage: at 400 a plan takes about 0.7 of the CPU, for a peak of
# about 0.76 GB per provider process instead of 0.62 (docs/BENCHMARKS.md, "Terraform's garbage collector").
TERRAFORM_GOGC = "400"
# Where machine images usually keep a provider mirror, checked in order when MIRROR_VARIABLE is unset.
MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
)


def project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) that holds cdktf.json."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / "cdktf.json").is_file():
            return directory
    raise PrerequisiteError(f"no cdktf.json in {here} or above: run this from a cdktf project")


@dataclass(frozen=True)
class Toolchain:
    root: Path
    terraform: str
    cdktf: Path | None
    """The project's cdktf CLI; None where only terraform is run (the pytest plugin)."""
    mirror: Path | None
    build: Path | None = None
    """Where generated files go (CLI config, env.sh, logs). Default ``root/build``."""
    target_env: Mapping[str, str] = field(default_factory=dict, compare=False)
    """What the target's stacks need in Terraform's environment (``project.terraform_env``)."""

    @property
    def build_dir(self) -> Path:
        return self.build if self.build is not None else self.root / "build"

    @property
    def cli_config(self) -> Path:
        return self.build_dir / "terraform.rc"

    @property
    def synth_dir(self) -> Path:
        """Where cdktf writes the synthesized stacks: ``CDKTF_DEVKIT_OUT`` or ``cdktf.out``."""
        return self.root / os.environ.get(OUT_VARIABLE, "cdktf.out")

    @property
    def offline(self) -> bool:
        """Providers come from the filesystem mirror, so nothing may ask the registry."""
        return self.mirror is not None

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Environment for terraform and cdktf: our CLI config, no version checks, quiet jsii, the target's variables."""
        env = dict(os.environ)
        env.update(
            CHECKPOINT_DISABLE="1",
            JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
            CI="true",
            TF_IN_AUTOMATION="1",
            GOGC=os.environ.get("GOGC", TERRAFORM_GOGC),
            PATH=os.pathsep.join(
                [str(self.root / "node_modules" / ".bin"), str(self.root / ".venv" / "bin"), env.get("PATH", "")]
            ),
        )
        if self.mirror is not None:
            env["TF_CLI_CONFIG_FILE"] = str(self.cli_config)
        env.update(self.target_env)
        env.update(extra or {})
        return env

    def cdktf_flags(self, verb: str) -> list[str]:
        """Flags every cdktf call of this kind needs: the output directory, and offline no provider lock."""
        flags = ["--output", str(self.synth_dir)]
        if self.offline and verb in ("deploy", "diff", "destroy"):
            flags.append("--skip-provider-lock")
        return flags


def find_mirror(environ: dict[str, str] | None = None) -> Path | None:
    """A filesystem mirror holding the AWS provider version we need, or None."""
    env = os.environ if environ is None else environ
    named = env.get(MIRROR_VARIABLE)
    candidates = [named] if named else list(MIRROR_CANDIDATES)
    for candidate in candidates:
        path = Path(os.path.expanduser(candidate))
        if (path / PROVIDER_ADDRESS / AWS_PROVIDER_VERSION).is_dir():
            return path
    if named:
        raise PrerequisiteError(
            f"{MIRROR_VARIABLE}={named} holds no {PROVIDER_ADDRESS} {AWS_PROVIDER_VERSION}: "
            f"point it at a directory containing {PROVIDER_ADDRESS}/{AWS_PROVIDER_VERSION}/<os_arch>/"
        )
    return None


def write_cli_config(path: Path, mirror: Path) -> None:
    """A Terraform CLI config that installs the AWS provider from ``mirror`` and nothing from the network."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# Written by cdktf_devkit: AWS provider from the local filesystem mirror.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["{PROVIDER_ADDRESS}"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{PROVIDER_ADDRESS}"]\n'
        "  }\n"
        "}\n"
        "disable_checkpoint = true\n"
    )
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def write_env_script(tools: Toolchain) -> None:
    """build/env.sh: `source` it to run cdktf and terraform by hand with the settings the make targets use."""
    lines = [
        "# Written by cdktf_devkit. `source build/env.sh`, then `cdktf list`, `cdktf diff STACK`, ...",
        "export CHECKPOINT_DISABLE=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
        f'export PATH="{tools.root / "node_modules" / ".bin"}:{tools.root / ".venv" / "bin"}:$PATH"',
    ]
    if tools.mirror is not None:
        lines.append(f'export TF_CLI_CONFIG_FILE="{tools.cli_config}"')
        lines.append("# Offline: pass --skip-provider-lock to cdktf deploy, diff and destroy.")
    if tools.target_env:
        lines.append("# The target's variables (for the local AWS: its endpoint, which the AWS provider reads).")
        lines.append("export " + " ".join(f'{name}="{value}"' for name, value in sorted(tools.target_env.items())))
    text = "\n".join(lines) + "\n"
    path = tools.build_dir / "env.sh"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def _version(command: list[str], pattern: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=60, env={**os.environ, "CHECKPOINT_DISABLE": "1"}
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, out)
    return tuple(int(part) for part in match.groups()) if match else None


def check_terraform() -> str:
    terraform = shutil.which("terraform")
    if terraform is None:
        raise PrerequisiteError(
            "terraform not found on PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)"
        )
    version = _version([terraform, "version"], r"Terraform v(\d+)\.(\d+)\.(\d+)")
    if version is None or version[:2] < MIN_TERRAFORM:
        found = ".".join(map(str, version)) if version else "unknown"
        raise PrerequisiteError(f"terraform {found} at {terraform} is too old: S3 state locking needs Terraform >= 1.10")
    return terraform


def check_node() -> None:
    node = shutil.which("node")
    if node is None:
        raise PrerequisiteError(
            f"node not found on PATH: install Node.js >= {MIN_NODE} (https://nodejs.org; cdktf's jsii runtime and CLI run on it)"
        )
    version = _version([node, "--version"], r"v(\d+)\.(\d+)\.(\d+)")
    if version is None or version[0] < MIN_NODE:
        raise PrerequisiteError(f"node {version} is too old: the cdktf CLI needs Node.js >= {MIN_NODE}")


def check_cdktf(root: Path) -> Path:
    cli = root / "node_modules" / ".bin" / "cdktf"
    if not cli.exists():
        raise PrerequisiteError(f"cdktf CLI not found at {cli}: run 'make install' (npm ci installs the pinned cdktf-cli)")
    return cli


def registry_reachable(timeout_s: float = 3.0) -> bool:
    try:
        with socket.create_connection(("registry.terraform.io", 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def load(root: Path | None = None, target_env: Mapping[str, str] | None = None) -> Toolchain:
    """Check every prerequisite of the make targets (terraform, node, the project's cdktf CLI, the
    provider) and write the CLI config; raise PrerequisiteError on the first gap. ``target_env``: what
    the target's stacks need in Terraform's environment (``project.terraform_env``)."""
    root = root or project_root()
    terraform = check_terraform()
    check_node()
    cdktf = check_cdktf(root)
    found = Toolchain(root=root, terraform=terraform, cdktf=cdktf, mirror=find_mirror(), target_env=dict(target_env or {}))
    return _with_provider(found)


def load_for_tests(build_dir: Path, root: Path | None = None) -> Toolchain:
    """What plan and apply tests need: terraform, node (synth runs on jsii) and the AWS provider;
    the CLI config goes into ``build_dir``. No cdktf CLI and no cdktf.json are needed."""
    terraform = check_terraform()
    check_node()
    toolchain = Toolchain(
        root=(root or Path.cwd()).resolve(), terraform=terraform, cdktf=None, mirror=find_mirror(), build=build_dir
    )
    return _with_provider(toolchain)


def _with_provider(toolchain: Toolchain) -> Toolchain:
    if toolchain.mirror is not None:
        write_cli_config(toolchain.cli_config, toolchain.mirror)
    elif not registry_reachable():
        raise PrerequisiteError(
            f"no filesystem mirror of {PROVIDER_ADDRESS} {AWS_PROVIDER_VERSION} and the Terraform registry is unreachable: "
            f"set {MIRROR_VARIABLE} to a directory holding {PROVIDER_ADDRESS}/{AWS_PROVIDER_VERSION}/<os_arch>/, or go online"
        )
    return toolchain
