"""Where the stacks deploy: the local AWS on loopback (default) or a real AWS account.

One switch, ``<prefix>ENV``, chooses. ``Environment.from_env(prefix=...)`` reads it and the few other
variables below; ``Environment.apply(stack, stack_name)`` gives a stack its AWS provider, its S3 remote
state (with S3-native locking) and ``required_version`` (Terraform >= 1.10, which that locking needs),
all pointed at the chosen environment. The prefix is the app's: ``CDKTF_FARGATE_`` unless it passes
another (an app passes its own, like ``MYAPP_``).

The local AWS is the devkit's (``cdktf-devkit``): it runs it, so it holds the provider and backend
settings that point a stack at it (``cdktf_devkit.localaws.LocalAwsSettings``: the backend's endpoints,
dummy credentials, path-style S3; the provider finds the local AWS by ``AWS_ENDPOINT_URL``, which the
devkit gives every Terraform process), and ``local`` takes them from there. The library installs and synthesizes
for ``aws`` without the devkit; ``local`` needs it installed beside the library. An ``Environment`` is
also what the devkit's ``Project.target`` hook returns: it has the ``region``, ``state_bucket`` and
``local_aws()`` of a ``cdktf_devkit.project.Target``.

| variable | default | meaning |
|---|---|---|
| ``<prefix>ENV`` | ``local`` | ``local``: every service is the devkit's local AWS (needs ``cdktf-devkit``); ``aws``: a real account |
| ``<prefix>REGION`` | ``AWS_REGION``, then ``us-east-1`` | region of the provider and the state bucket |
| ``<prefix>LOCAL_AWS_PORT`` | ``5050`` | port of the local AWS on 127.0.0.1 (``local`` only) |
| ``<prefix>STATE_BUCKET`` | ``<app>-tfstate-local`` for ``local`` (``cdktf-fargate-tfstate-local`` for the default prefix); required for ``aws`` | S3 bucket holding Terraform state |
| ``<prefix>SERVICE_PORT`` | ``8080`` | port of the service ``make up`` runs on 127.0.0.1 (``local`` only) |
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from . import _checks, _names
from .errors import ConfigError

if TYPE_CHECKING:
    from cdktf import TerraformStack

    from cdktf_devkit.localaws import LocalAwsSettings

LOCAL_HOST = "127.0.0.1"
DEFAULT_LOCAL_PORT = 5050
DEFAULT_SERVICE_PORT = 8080
DEFAULT_REGION = "us-east-1"
DEFAULT_PREFIX = "CDKTF_FARGATE_"
REQUIRED_TERRAFORM = ">= 1.10"
"""``required_version`` of every stack: S3-native state locking (``use_lockfile``) needs Terraform 1.10."""


def local_state_bucket(prefix: str) -> str:
    """Default state bucket on the local AWS for an app's variable prefix: ``MYAPP_`` -> ``myapp-tfstate-local``."""
    return f"{prefix.strip('_').lower().replace('_', '-')}-tfstate-local"


LOCAL_STATE_BUCKET = local_state_bucket(DEFAULT_PREFIX)
_REGION_PATTERN = r"[a-z]{2}(-[a-z]+)+-\d"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, str(default))
    try:
        return int(text)
    except ValueError:
        raise ConfigError(name, text, "must be a port number between 1024 and 65535") from None


class EnvironmentKind(str, Enum):
    """What ``<prefix>ENV`` names: the devkit's local AWS, or a real account."""

    LOCAL = "local"
    AWS = "aws"


@dataclass(frozen=True)
class Environment:
    """The deployment target of every stack in an app."""

    kind: EnvironmentKind = EnvironmentKind.LOCAL
    """``local`` (the devkit's local AWS on loopback) or ``aws`` (a real account). Default ``local``."""
    region: str = DEFAULT_REGION
    """AWS region for resources and state. Default ``us-east-1``."""
    state_bucket: str | None = None
    """S3 bucket for Terraform state (created by the bootstrap). Default: from ``variable_prefix``,
    ``<prefix>-tfstate-local`` (``CDKTF_FARGATE_`` -> ``cdktf-fargate-tfstate-local``)."""
    local_port: int = DEFAULT_LOCAL_PORT
    """Port of the local AWS on 127.0.0.1; ignored for ``aws``. Default 5050."""
    service_port: int = DEFAULT_SERVICE_PORT
    """Port of the locally run service on 127.0.0.1; ignored for ``aws``. Default 8080."""
    variable_prefix: str = DEFAULT_PREFIX
    """Prefix of the environment variables this environment is read from; errors name the variables with it.
    Default ``CDKTF_FARGATE_``."""

    def __post_init__(self) -> None:
        _checks.matches(
            "variable_prefix",
            self.variable_prefix,
            r"[A-Z][A-Z0-9_]*_",
            "must be uppercase letters, digits and '_', ending with '_', like 'MYAPP_'",
        )
        v = self.variable
        object.__setattr__(self, "kind", _checks.one_of(v("ENV"), self.kind, EnvironmentKind))
        _checks.matches(v("REGION"), self.region, _REGION_PATTERN, "must be an AWS region name like 'us-east-1'")
        if self.state_bucket is None:
            object.__setattr__(self, "state_bucket", local_state_bucket(self.variable_prefix))
        _names.S3_BUCKET.check(v("STATE_BUCKET"), self.state_bucket)
        _checks.int_in_range(v("LOCAL_AWS_PORT"), self.local_port, 1024, 65535)
        _checks.int_in_range(v("SERVICE_PORT"), self.service_port, 1024, 65535)
        if self.is_local and self.service_port == self.local_port:
            raise ConfigError(v("SERVICE_PORT"), self.service_port, f"must differ from {v('LOCAL_AWS_PORT')}")

    def variable(self, name: str) -> str:
        """Full name of one of this environment's variables: ``variable("ENV")`` -> ``MYAPP_ENV``."""
        return f"{self.variable_prefix}{name}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, prefix: str = DEFAULT_PREFIX) -> Environment:
        """Build the environment from ``<prefix>*`` variables (see the module docstring).

        ``prefix`` is the app's (like ``MYAPP_``); the default is ``CDKTF_FARGATE_``.
        The local state bucket defaults to one named after the prefix (:func:`local_state_bucket`).
        """
        env = os.environ if environ is None else environ
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*_", prefix):
            raise ConfigError("prefix", prefix, "must be uppercase letters, digits and '_', ending with '_', like 'MYAPP_'")
        kind = env.get(f"{prefix}ENV", EnvironmentKind.LOCAL.value)
        region = env.get(f"{prefix}REGION") or env.get("AWS_REGION") or DEFAULT_REGION
        bucket = env.get(f"{prefix}STATE_BUCKET")
        if bucket is None:
            if kind == EnvironmentKind.AWS.value:
                raise ConfigError(
                    f"{prefix}STATE_BUCKET", None, f"is required when {prefix}ENV=aws; run 'make bootstrap' to create one"
                )
            bucket = local_state_bucket(prefix)
        return cls(
            kind=kind,
            region=region,
            state_bucket=bucket,
            local_port=_port(env, f"{prefix}LOCAL_AWS_PORT", DEFAULT_LOCAL_PORT),
            service_port=_port(env, f"{prefix}SERVICE_PORT", DEFAULT_SERVICE_PORT),
            variable_prefix=prefix,
        )

    @property
    def is_local(self) -> bool:
        return self.kind is EnvironmentKind.LOCAL

    @property
    def service_url(self) -> str:
        """URL of the service ``make up`` runs on this machine (``local`` only)."""
        return f"http://{LOCAL_HOST}:{self.service_port}"

    @property
    def endpoint(self) -> str | None:
        """URL of the local AWS, or None for a real account."""
        local = self.local_aws()
        return None if local is None else local.endpoint

    def local_aws(self) -> LocalAwsSettings | None:
        """The devkit's settings of the local AWS this environment deploys into; None for ``aws``.

        They are what ``apply`` writes into the provider and the backend, and what the devkit starts
        (as a ``cdktf_devkit.project.Target``). ``local`` raises :class:`ConfigError` when the devkit
        is not installed, naming ``<prefix>ENV`` and what to do."""
        if not self.is_local:
            return None
        try:
            from cdktf_devkit.localaws import LocalAwsSettings
        except ModuleNotFoundError as error:
            if not (error.name or "").startswith("cdktf_devkit"):
                raise
            v = self.variable
            raise ConfigError(
                v("ENV"),
                self.kind.value,
                "needs cdktf-devkit, which runs the local AWS and holds its provider and backend settings: "
                f"install it beside cdktf-fargate, or set {v('ENV')}=aws and {v('STATE_BUCKET')} for a real account",
            ) from None
        return LocalAwsSettings(port=self.local_port, region=self.region, state_bucket=self.state_bucket)

    def state_key(self, stack_name: str) -> str:
        return f"{stack_name}/terraform.tfstate"

    def apply(self, stack: TerraformStack, stack_name: str) -> None:
        """Give ``stack`` its AWS provider and S3 backend for this environment, and require Terraform >= 1.10.

        ``local`` takes both from the devkit's ``LocalAwsSettings`` (see :meth:`local_aws`)."""
        # Imported here so that tools can read an Environment without loading jsii.
        from cdktf import S3Backend
        from cdktf_cdktf_provider_aws.provider import AwsProvider

        key = self.state_key(stack_name)
        local = self.local_aws()
        if local is None:
            AwsProvider(stack, "aws", region=self.region)
            S3Backend(stack, bucket=self.state_bucket, key=key, region=self.region, encrypt=True)
        else:
            AwsProvider(stack, "aws", **local.provider_settings())
            S3Backend(stack, **local.backend_settings(key))
        # cdktf 0.21's S3Backend has no use_lockfile (S3-native locking, Terraform >= 1.10).
        stack.add_override("terraform.backend.s3.use_lockfile", True)
        stack.add_override("terraform.required_version", REQUIRED_TERRAFORM)
