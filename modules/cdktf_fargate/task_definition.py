"""FargateTaskDefinition: the task a Fargate service runs: its containers, their log group and its two roles.

The log group, the task role and the execution role are each created unless given (``log_group=``,
``task_role=``, ``execution_role=``). A given role or log group may be a resource of ours, another stack's,
or a lookup (``DataAwsIamRole``, ``DataAwsCloudwatchLogGroup``); a role may also be a plain ARN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from cdktf import Fn
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from . import _checks, _iam, _logs, _names
from ._terraform import jsonencode, skip_check
from ._tokens import is_unresolved
from .errors import ConfigError
from .refs import RepositoryRef

# Fargate's valid task sizes: CPU units -> allowed memory in MiB.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
DEFAULT_CONTAINER_NAME = "web"
DEFAULT_CONTAINER_PORT = 8080
SCRATCH_VOLUME = "scratch"
_ENV_NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
_SECRET_ARN_PATTERN = r"arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter/.+|secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)"
_IMAGE_PATTERN = r"[a-z0-9][a-z0-9._/:@-]{0,254}"
_ROLE_ARN_PATTERN = r"arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}"
_PATH_PATTERN = r"/[A-Za-z0-9._/-]{0,255}"


class CpuArchitecture(str, Enum):
    """CPU architecture of the task (``runtime_platform``). The image must be built for it."""

    X86_64 = "X86_64"
    ARM64 = "ARM64"


@dataclass(frozen=True)
class ContainerHealthCheck:
    """A command Docker runs in the container to tell whether it is healthy (``healthCheck``)."""

    command: tuple[str, ...]
    """``("CMD", "curl", "-f", "http://localhost:8080/health")`` or ``("CMD-SHELL", "...")``. Required."""
    interval_s: int = 30
    """Seconds between checks, 5 to 300. Default 30."""
    timeout_s: int = 5
    """Seconds a check may take, 2 to 60, less than ``interval_s``. Default 5."""
    retries: int = 3
    """Failures in a row that make the container unhealthy, 1 to 10. Default 3."""
    start_period_s: int = 0
    """Seconds after start during which failures do not count, 0 to 300. Default 0."""

    def __post_init__(self) -> None:
        command = _checks.string_tuple("health_check.command", self.command)
        if not command or command[0] not in ("CMD", "CMD-SHELL") or len(command) < 2:
            raise ConfigError(
                "health_check.command", self.command, "must start with 'CMD' or 'CMD-SHELL' followed by the command"
            )
        object.__setattr__(self, "command", command)
        _checks.int_in_range("health_check.interval_s", self.interval_s, 5, 300)
        _checks.int_in_range("health_check.timeout_s", self.timeout_s, 2, 60)
        if self.timeout_s >= self.interval_s:
            raise ConfigError("health_check.timeout_s", self.timeout_s, f"must be less than interval_s={self.interval_s}")
        _checks.int_in_range("health_check.retries", self.retries, 1, 10)
        _checks.int_in_range("health_check.start_period_s", self.start_period_s, 0, 300)

    def to_json(self) -> dict[str, Any]:
        return {
            "command": list(self.command),
            "interval": self.interval_s,
            "timeout": self.timeout_s,
            "retries": self.retries,
            "startPeriod": self.start_period_s,
        }


@dataclass(frozen=True)
class SidecarContainer:
    """A container beside the main one in the task (a proxy, a log router, an agent)."""

    name: str
    """Container name, unique in the task. Required."""
    image: str
    """Full image reference, like ``public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0``. Required."""
    essential: bool = False
    """Stop the task when this container stops. Default False."""
    port: int | None = None
    """Port the container listens on, 1 to 65535. Default none."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Environment variables. Errors never show their values. Default none."""
    command: tuple[str, ...] = ()
    """Command that overrides the image's. Default: the image's."""
    memory_reservation_mib: int | None = None
    """Memory kept for this container, in MiB (the task's memory is shared). Default none."""
    health_check: ContainerHealthCheck | None = None
    """Docker health check. Default none."""

    def __post_init__(self) -> None:
        _names.CONTAINER.check("sidecars.name", self.name)
        _checks.matches("sidecars.image", self.image, _IMAGE_PATTERN, "must be an image reference like 'registry/name:tag'")
        _checks.boolean("sidecars.essential", self.essential)
        _checks.optional_int_in_range("sidecars.port", self.port, 1, 65535)
        object.__setattr__(self, "environment", _environment("sidecars.environment", self.environment))
        object.__setattr__(self, "command", _checks.string_tuple("sidecars.command", self.command))
        _checks.optional_int_in_range("sidecars.memory_reservation_mib", self.memory_reservation_mib, 6)
        if self.health_check is not None and not isinstance(self.health_check, ContainerHealthCheck):
            raise ConfigError("sidecars.health_check", self.health_check, "must be a ContainerHealthCheck or None")


@dataclass(frozen=True)
class TaskDefinitionConfig:
    """Settings of :class:`FargateTaskDefinition`: the task's size and platform, and its main container."""

    container_name: str = DEFAULT_CONTAINER_NAME
    """Name of the main container; the pipeline's imagedefinitions.json must use the same. Default ``web``."""
    container_port: int | None = DEFAULT_CONTAINER_PORT
    """Port the main container listens on, 1 to 65535; None for a container that serves nothing (a worker).
    Default 8080."""
    image_tag: str = "latest"
    """Tag of the main container's image in the repository. Default ``latest``."""
    command: tuple[str, ...] = ()
    """Command that overrides the image's. Default: the image's."""
    cpu: int = 256
    """Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default 256."""
    memory_mib: int = 512
    """Task memory in MiB; must be valid for ``cpu`` on Fargate. Default 512."""
    cpu_architecture: CpuArchitecture = CpuArchitecture.X86_64
    """``X86_64`` (default) or ``ARM64`` (Graviton; the image must be built for it)."""
    ephemeral_storage_gib: int | None = None
    """Task storage in GiB, 21 to 200. Default: Fargate's 20 GiB."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Environment variables of the main container. Errors never show their values. Default none."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Variable name -> SSM parameter or Secrets Manager ARN (or a token); the execution role may read
    exactly these. Errors never show these values. Default none."""
    log_retention_days: int = 365
    """Retention of the container log group, one of CloudWatch's values. Default 365."""
    read_only_root_filesystem: bool = False
    """Mount the main container's root filesystem read-only; a writable scratch volume is mounted at
    ``scratch_path``. Default False."""
    scratch_path: str = "/tmp"
    """Where the scratch volume is mounted when ``read_only_root_filesystem``. Default ``/tmp``."""
    health_check: ContainerHealthCheck | None = None
    """Docker health check of the main container. Default none."""
    sidecars: tuple[SidecarContainer, ...] = ()
    """Containers beside the main one, logging into the same log group. Default none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags on every resource. Default none."""

    def __post_init__(self) -> None:
        self._check_container()
        self._check_size()
        self._check_variables()
        self._check_filesystem()
        self._check_sidecars()
        _checks.log_retention_days("log_retention_days", self.log_retention_days)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))

    def _check_container(self) -> None:
        _names.CONTAINER.check("container_name", self.container_name)
        _checks.optional_int_in_range("container_port", self.container_port, 1, 65535)
        _checks.matches(
            "image_tag",
            self.image_tag,
            r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
            "must be a Docker tag: up to 128 letters, digits, '_', '.', '-'",
        )
        object.__setattr__(self, "command", _checks.string_tuple("command", self.command))
        if self.health_check is not None and not isinstance(self.health_check, ContainerHealthCheck):
            raise ConfigError("health_check", self.health_check, "must be a ContainerHealthCheck or None")

    def _check_size(self) -> None:
        if self.cpu not in FARGATE_SIZES or isinstance(self.cpu, bool):
            raise ConfigError("cpu", self.cpu, f"must be one of {', '.join(map(str, FARGATE_SIZES))} CPU units")
        _checks.int_in_range("memory_mib", self.memory_mib, 1)
        allowed = FARGATE_SIZES[self.cpu]
        if self.memory_mib not in allowed:
            raise ConfigError(
                "memory_mib",
                self.memory_mib,
                f"with cpu={self.cpu} Fargate allows {allowed[0]} to {allowed[-1]} MiB in the steps {', '.join(map(str, allowed[:3]))}, ...",
            )
        object.__setattr__(self, "cpu_architecture", _checks.one_of("cpu_architecture", self.cpu_architecture, CpuArchitecture))
        _checks.optional_int_in_range("ephemeral_storage_gib", self.ephemeral_storage_gib, 21, 200)

    def _check_variables(self) -> None:
        environment = _environment("environment", self.environment)
        secrets = _environment("secrets", self.secrets)
        for name in set(environment) & set(secrets):
            raise ConfigError("secrets", name, "must not repeat a name that environment already sets")
        for name, arn in secrets.items():
            _checks.matches(
                f"secrets[{name!r}]",
                arn,
                _SECRET_ARN_PATTERN,
                "must be the ARN of the secret, not the secret: an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>) "
                "or a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
                secret=True,
            )
        object.__setattr__(self, "environment", environment)
        object.__setattr__(self, "secrets", secrets)

    def _check_filesystem(self) -> None:
        _checks.boolean("read_only_root_filesystem", self.read_only_root_filesystem)
        _checks.matches("scratch_path", self.scratch_path, _PATH_PATTERN, "must be an absolute path like '/tmp'")
        if self.scratch_path == "/":
            raise ConfigError("scratch_path", self.scratch_path, "must not be '/': the scratch volume sits beside the root")

    def _check_sidecars(self) -> None:
        sidecars = _checks.instance_tuple("sidecars", self.sidecars, SidecarContainer, "must be a tuple of SidecarContainer")
        names = [self.container_name, *(s.name for s in sidecars)]
        for name in {n for n in names if names.count(n) > 1}:
            raise ConfigError("sidecars", name, "container names must be unique in the task (the main container included)")
        ports = [p for p in (self.container_port, *(s.port for s in sidecars)) if p is not None]
        for port in {p for p in ports if ports.count(p) > 1}:
            raise ConfigError("sidecars", port, "container ports must be unique in the task: its containers share one network")
        object.__setattr__(self, "sidecars", sidecars)


def _environment(field_name: str, value: Any) -> dict[str, str]:
    # Either may hold a secret (a password put in environment by mistake): values are never shown.
    variables = _checks.string_mapping(field_name, value, secret_values=True)
    for name in variables:
        if not re.fullmatch(_ENV_NAME_PATTERN, name):
            raise ConfigError(field_name, name, "variable names must be letters, digits and '_', not starting with a digit")
    return variables


class RoleRef(Protocol):
    """A role given to the task definition: an ``IamRole``, another stack's, or a ``DataAwsIamRole`` lookup."""

    arn: str
    name: str


class LogGroupRef(Protocol):
    """A log group given to the task definition: a ``CloudwatchLogGroup`` or a ``DataAwsCloudwatchLogGroup``."""

    arn: str
    name: str


class FargateTaskDefinition(Construct):
    """A Fargate task definition with its main container (image from ``repository``), sidecars, log group,
    execution role (pull the image, write the logs, read the secrets) and task role (what the application may do).

    Attributes: ``family``, ``arn``, ``container_name``, ``container_port``, ``task_role_arn``, ``task_role_name``,
    ``execution_role_arn``, ``log_group_name``; the resources ``task_definition``, ``log_group``, ``task_role``,
    ``execution_role`` (each None when given as a plain value).
    """

    family: str
    """Family of the task definition."""
    arn: str
    """ARN of the task definition (with its revision)."""
    container_name: str
    """Name of the main container."""
    container_port: int | None
    """Port of the main container, or None."""
    task_role_arn: str
    """ARN of the role the application runs as."""
    task_role_name: str
    """Name of that role."""
    execution_role_arn: str
    """ARN of the role ECS pulls the image and writes the logs with."""
    log_group_name: str
    """Log group of every container of the task."""
    task_definition: EcsTaskDefinition
    """The task definition resource."""
    log_group: CloudwatchLogGroup | None
    """The log group it created, or None when one was given."""
    task_role: IamRole | None
    """The task role it created, or None when one was given."""
    execution_role: IamRole | None
    """The execution role it created, or None when one was given."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: TaskDefinitionConfig | None = None,
        repository: RepositoryRef,
        name: str | None = None,
        task_role: RoleRef | str | None = None,
        execution_role: RoleRef | str | None = None,
        log_group: LogGroupRef | None = None,
    ) -> None:
        config = config if config is not None else TaskDefinitionConfig()
        if not isinstance(config, TaskDefinitionConfig):
            raise ConfigError("config", config, "must be a TaskDefinitionConfig")
        _check_role("task_role", task_role)
        _check_role("execution_role", execution_role)
        _check_named("log_group", log_group, "a CloudwatchLogGroup or a DataAwsCloudwatchLogGroup lookup")
        super().__init__(scope, id)
        self.config = config
        self._name = name if name is not None else _names.TASK_FAMILY.unique(self)
        self._tags = dict(config.tags) or None
        self.log_group, log_group_name, log_group_arn = self._log_group(log_group)
        self.execution_role, self.execution_role_arn = self._execution_role(execution_role, repository, log_group_arn)
        self.task_role, self.task_role_arn, self.task_role_name = self._task_role(task_role)
        self.task_definition = self._task_definition(repository, log_group_name)
        self.family = self.task_definition.family
        self.arn = self.task_definition.arn
        self.container_name = config.container_name
        self.container_port = config.container_port
        self.log_group_name = log_group_name

    def add_task_policy(self, name: str, statements: list[dict[str, Any]]) -> IamRolePolicy:
        """Grant the application (task role) exactly ``statements``, as an inline policy called ``name``.

        Each statement needs ``Effect``, ``Action`` and ``Resource``; actions are named exactly (no ``*``).
        Returns the policy resource.
        """
        _names.IAM_POLICY.check("name", name)
        checked = _iam.check_statements("statements", statements)
        return IamRolePolicy(
            self, f"task-policy-{name}", role=self.task_role_name, name=name, policy=_iam.policy_document(checked)
        )

    def _derived(self, rule: _names.NameRule, suffix: str, text: str | None = None) -> str:
        return rule.derive(self, text if text is not None else f"{self._name}-{suffix}", suffix)

    def _log_group(self, given: LogGroupRef | None) -> tuple[CloudwatchLogGroup | None, str, str]:
        if given is not None:
            return None, given.name, given.arn
        group = _logs.log_group(
            self,
            "logs",
            name=self._derived(_names.LOG_GROUP, "logs", f"/ecs/{self._name}"),
            retention_days=self.config.log_retention_days,
            tags=self._tags,
        )
        return group, group.name, group.arn

    def _execution_role(
        self, given: RoleRef | str | None, repository: RepositoryRef, log_group_arn: str
    ) -> tuple[IamRole | None, str]:
        if given is not None:
            return None, _role_arn(given)
        role = _iam.service_role(
            self,
            "execution",
            name=self._derived(_names.IAM_ROLE, "execution"),
            service="ecs-tasks.amazonaws.com",
            tags=self._tags,
            policy_name="pull-image-write-logs",
            statements=[
                _iam.ecr_login_statement(),
                _iam.ecr_pull_statement(repository.arn),
                _iam.log_write_statement(log_group_arn),
                *_iam.secret_read_statements(self.config.secrets.values()),
            ],
        )
        return role, role.arn

    def _task_role(self, given: RoleRef | str | None) -> tuple[IamRole | None, str, str]:
        if given is not None:
            return None, _role_arn(given), _role_name(given)
        role = IamRole(
            self,
            "task-role",
            name=self._derived(_names.IAM_ROLE, "task"),
            assume_role_policy=_iam.trust_policy("ecs-tasks.amazonaws.com"),
            tags=self._tags,
        )
        return role, role.arn, role.name

    def _task_definition(self, repository: RepositoryRef, log_group_name: str) -> EcsTaskDefinition:
        config = self.config
        logs = _LogSettings(log_group_name, DataAwsRegion(self, "region").name)
        containers = [_main_container(config, f"{repository.url}:{config.image_tag}", logs)]
        containers += [_sidecar(sidecar, logs) for sidecar in config.sidecars]
        task = EcsTaskDefinition(
            self,
            "task",
            family=self._derived(_names.TASK_FAMILY, "task", self._name),
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(config.cpu),
            memory=str(config.memory_mib),
            execution_role_arn=self.execution_role_arn,
            task_role_arn=self.task_role_arn,
            container_definitions=jsonencode(containers),
            runtime_platform=_runtime_platform(config),
            ephemeral_storage={"size_in_gib": config.ephemeral_storage_gib} if config.ephemeral_storage_gib else None,
            volume=[{"name": SCRATCH_VOLUME}] if config.read_only_root_filesystem else None,
            tags=self._tags,
        )
        if not config.read_only_root_filesystem:
            skip_check(task, "CKV_AWS_336", "read_only_root_filesystem=False in this configuration: the image may write anywhere")
        elif config.sidecars:
            skip_check(task, "CKV_AWS_336", "read_only_root_filesystem covers the main container; sidecars may write anywhere")
        return task


@dataclass(frozen=True)
class _LogSettings:
    group: str
    region: str

    def for_stream(self, prefix: str) -> dict[str, Any]:
        return {
            "logDriver": "awslogs",
            "options": {"awslogs-group": self.group, "awslogs-region": self.region, "awslogs-stream-prefix": prefix},
        }


def _main_container(config: TaskDefinitionConfig, image: str, logs: _LogSettings) -> dict[str, Any]:
    container: dict[str, Any] = {"name": config.container_name, "image": image, "essential": True}
    if config.container_port is not None:
        container["portMappings"] = [_port_mapping(config.container_port)]
    container["environment"] = _variables(config.environment)
    container["secrets"] = [{"name": k, "valueFrom": v} for k, v in sorted(config.secrets.items())]
    container["logConfiguration"] = logs.for_stream("service")
    if config.command:
        container["command"] = list(config.command)
    if config.health_check is not None:
        container["healthCheck"] = config.health_check.to_json()
    if config.read_only_root_filesystem:
        container["readonlyRootFilesystem"] = True
        container["mountPoints"] = [{"sourceVolume": SCRATCH_VOLUME, "containerPath": config.scratch_path, "readOnly": False}]
    return container


def _sidecar(sidecar: SidecarContainer, logs: _LogSettings) -> dict[str, Any]:
    container: dict[str, Any] = {"name": sidecar.name, "image": sidecar.image, "essential": sidecar.essential}
    if sidecar.port is not None:
        container["portMappings"] = [_port_mapping(sidecar.port)]
    container["environment"] = _variables(sidecar.environment)
    container["logConfiguration"] = logs.for_stream(sidecar.name)
    if sidecar.command:
        container["command"] = list(sidecar.command)
    if sidecar.memory_reservation_mib is not None:
        container["memoryReservation"] = sidecar.memory_reservation_mib
    if sidecar.health_check is not None:
        container["healthCheck"] = sidecar.health_check.to_json()
    return container


def _port_mapping(port: int) -> dict[str, Any]:
    return {"containerPort": port, "hostPort": port, "protocol": "tcp"}


def _variables(environment: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in sorted(environment.items())]


def _runtime_platform(config: TaskDefinitionConfig) -> dict[str, str] | None:
    if config.cpu_architecture is CpuArchitecture.X86_64:
        return None  # Fargate's default; leaving it out keeps task definitions made before this option unchanged
    return {"operating_system_family": "LINUX", "cpu_architecture": config.cpu_architecture.value}


def _check_named(field_name: str, value: Any, allowed: str) -> None:
    if value is not None and not (isinstance(getattr(value, "arn", None), str) and isinstance(getattr(value, "name", None), str)):
        raise ConfigError(field_name, value, f"must have arn and name: {allowed}")


def _check_role(field_name: str, value: Any) -> None:
    if isinstance(value, str):
        _checks.matches(
            field_name, value, _ROLE_ARN_PATTERN, "must be an IAM role ARN like 'arn:aws:iam::123456789012:role/name'"
        )
    else:
        _check_named(field_name, value, "an IamRole, a DataAwsIamRole lookup, or a role ARN")


def _role_arn(role: RoleRef | str) -> str:
    return role if isinstance(role, str) else role.arn


def _role_name(role: RoleRef | str) -> str:
    if not isinstance(role, str):
        return role.name
    if is_unresolved(role):
        return Fn.element(Fn.reverse(Fn.split("/", role)), 0)
    return role.rsplit("/", 1)[-1]
