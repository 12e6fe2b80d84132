"""FargateService: a Fargate service in private subnets, the part every pattern builds on.

Used alone it is the pattern for a service without a load balancer (a queue worker, a consumer, a
scheduler), like AWS CDK's ``ecs.FargateService``. It uses what it is given and creates the rest: the
cluster (``cluster=``), the task definition (``task_definition=``, or its roles and log group), the
security groups (``security_groups=``). The load-balanced patterns attach target groups to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.ecs_service import EcsService, EcsServiceCapacityProviderStrategy, EcsServiceLoadBalancer
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from . import _checks, _names
from ._tokens import is_unresolved
from .autoscaling import AutoscalingConfig, ServiceAutoscaling
from .cluster import Cluster, ClusterConfig, check_cluster
from .errors import ConfigError
from .refs import ClusterRef, NetworkRef, RepositoryRef
from .task_definition import FargateTaskDefinition, LogGroupRef, RoleRef, TaskDefinitionConfig

ECS_EXEC_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)


class CapacityProvider(str, Enum):
    """Where Fargate runs the tasks: on-demand capacity or Spot (interruptible, up to 70% cheaper)."""

    FARGATE = "FARGATE"
    FARGATE_SPOT = "FARGATE_SPOT"


@dataclass(frozen=True)
class CapacityProviderStrategy:
    """One entry of a service's capacity provider strategy."""

    capacity_provider: CapacityProvider
    """``FARGATE`` or ``FARGATE_SPOT``. Required."""
    weight: int = 1
    """Share of the tasks beyond the bases, 0 to 1000. Default 1."""
    base: int = 0
    """Tasks that run on this provider first, 0 to 100000; only one entry may have a base. Default 0."""

    def __post_init__(self) -> None:
        provider = _checks.one_of("capacity_provider_strategy.capacity_provider", self.capacity_provider, CapacityProvider)
        object.__setattr__(self, "capacity_provider", provider)
        _checks.int_in_range("capacity_provider_strategy.weight", self.weight, 0, 1000)
        _checks.int_in_range("capacity_provider_strategy.base", self.base, 0, 100000)


@dataclass(frozen=True)
class FargateServiceConfig(TaskDefinitionConfig):
    """Settings of :class:`FargateService`: its task definition's (inherited) and the service's own."""

    service_name: str | None = None
    """ECS service name (1-255 letters, digits, '-', '_'), also the base of the task family, log group,
    roles, security group and load balancer names, each fitted to its AWS rule. Default: derived from
    the construct path (``<stack>-<id>-<hash>``)."""
    cluster_name: str | None = None
    """Name of the ECS cluster the service creates; must be left unset when it joins an existing one
    (``cluster=``). Default: derived from the construct path (``<stack>-<id>-cluster-<hash>``)."""
    container_insights: bool = True
    """CloudWatch Container Insights on the cluster the service creates (not used with ``cluster=``). Default True."""
    desired_count: int = 1
    """Running tasks, at least 1 (0 for a worker that starts stopped). Default 1."""
    min_healthy_percent: int = 100
    """Deployment lower bound, 0 to 100. Default 100 (no capacity loss during deploys)."""
    max_healthy_percent: int = 200
    """Deployment upper bound, 100 to 200. Default 200."""
    enable_execute_command: bool = False
    """ECS Exec into running tasks (adds the ssmmessages permissions it needs to the task role). Default False."""
    capacity_provider_strategy: tuple[CapacityProviderStrategy, ...] = ()
    """Spread the tasks over ``FARGATE`` and ``FARGATE_SPOT``, like
    ``(CapacityProviderStrategy(CapacityProvider.FARGATE, base=1), CapacityProviderStrategy(CapacityProvider.FARGATE_SPOT, weight=3))``.
    A cluster the service creates gets both providers; a given cluster must have them. Default: launch type FARGATE."""
    autoscaling: AutoscalingConfig | None = None
    """Target-tracking autoscaling of the task count; Terraform then leaves the desired count to it. Default none."""
    ignore_task_definition_changes: bool = False
    """Let a pipeline own image rollouts: Terraform creates the service but ignores later task definition
    changes on it. Trade-off: changes to the task definition in code (CPU, environment, ...) register a new
    revision that Terraform does not roll out; the next pipeline deploy picks it up. Default False."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.service_name is not None:
            _names.ECS_SERVICE.check("service_name", self.service_name)
        if self.cluster_name is not None:
            _names.ECS_CLUSTER.check("cluster_name", self.cluster_name)
        _checks.boolean("container_insights", self.container_insights)
        _checks.int_in_range("desired_count", self.desired_count, 0)
        _checks.int_in_range("min_healthy_percent", self.min_healthy_percent, 0, 100)
        _checks.int_in_range("max_healthy_percent", self.max_healthy_percent, 100, 200)
        _checks.boolean("enable_execute_command", self.enable_execute_command)
        self._check_capacity()
        if self.autoscaling is not None and not isinstance(self.autoscaling, AutoscalingConfig):
            raise ConfigError("autoscaling", self.autoscaling, "must be an AutoscalingConfig or None")
        _checks.boolean("ignore_task_definition_changes", self.ignore_task_definition_changes)

    def _check_capacity(self) -> None:
        strategy = _checks.instance_tuple(
            "capacity_provider_strategy",
            self.capacity_provider_strategy,
            CapacityProviderStrategy,
            "must be a tuple of CapacityProviderStrategy",
        )
        providers = [s.capacity_provider for s in strategy]
        for provider in {p for p in providers if providers.count(p) > 1}:
            raise ConfigError("capacity_provider_strategy", provider.value, "names a capacity provider twice")
        if len([s for s in strategy if s.base]) > 1:
            raise ConfigError("capacity_provider_strategy", [s.base for s in strategy], "only one entry may have a base above 0")
        if strategy and not any(s.weight for s in strategy):
            raise ConfigError("capacity_provider_strategy", [s.weight for s in strategy], "at least one weight must be above 0")
        object.__setattr__(self, "capacity_provider_strategy", strategy)


@dataclass(frozen=True)
class _Release:
    """How the service is released: by CodeDeploy (blue/green), or by ECS with these deployment alarms."""

    code_deploy: bool
    alarm_names: tuple[str, ...]

    def service_alarms(self) -> dict[str, Any] | None:
        if self.code_deploy or not self.alarm_names:
            return None  # CodeDeploy watches its own alarms
        return {"alarm_names": list(self.alarm_names), "enable": True, "rollback": True}


@dataclass(frozen=True)
class TargetGroupAttachment:
    """A target group the service's tasks register in (built by the load-balanced patterns)."""

    target_group_arn: str
    container_name: str
    container_port: int
    resource_label: str | None = None
    """``<load balancer>/<target group>`` ARN suffixes, for request-count autoscaling (ALB only)."""


class FargateService(Construct):
    """An ECS service on Fargate in the private subnets, with its task definition, security group and cluster.

    Attributes: ``service_name``, ``service_arn``, ``cluster_name``, ``cluster_arn``, ``task_definition_family``,
    ``task_definition_arn``, ``container_name``, ``task_role_arn``, ``task_role_name``, ``execution_role_arn``,
    ``log_group_name``, ``security_group_ids``; the parts ``cluster`` (None when given), ``task_definition``,
    ``autoscaling`` (None without it); the resources ``service``, ``security_group`` (None when given).
    """

    service_name: str
    """Name of the ECS service."""
    service_arn: str
    """ARN of the ECS service."""
    cluster_name: str
    """Name of the cluster the service runs in."""
    cluster_arn: str
    """ARN of that cluster."""
    task_definition_family: str
    """Family of the service's task definition."""
    task_definition_arn: str
    """ARN of the task definition revision Terraform registered."""
    container_name: str
    """Name of the main container (what imagedefinitions.json must name)."""
    task_role_arn: str
    """ARN of the role the application runs as."""
    task_role_name: str
    """Name of that role."""
    execution_role_arn: str
    """ARN of the role ECS pulls the image and writes the logs with."""
    log_group_name: str
    """Log group of the containers."""
    security_group_ids: tuple[str, ...]
    """Security groups of the tasks."""
    cluster: Cluster | None
    """The cluster it created, or None when it joined one."""
    task_definition: FargateTaskDefinition
    """The task definition (the one given, or the one it created)."""
    service: EcsService
    """The ECS service resource."""
    security_group: SecurityGroup | None
    """The tasks' security group it created, or None when security groups were given."""
    autoscaling: ServiceAutoscaling | None
    """Its autoscaling, or None."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: FargateServiceConfig | None = None,
        network: NetworkRef,
        repository: RepositoryRef | None = None,
        cluster: ClusterRef | None = None,
        task_definition: FargateTaskDefinition | None = None,
        security_groups: Sequence[str] | None = None,
        task_role: RoleRef | str | None = None,
        execution_role: RoleRef | str | None = None,
        log_group: LogGroupRef | None = None,
        target_groups: Sequence[TargetGroupAttachment] = (),
        health_check_grace_period_s: int | None = None,
        depends_on: Sequence[Any] = (),
        code_deploy: bool = False,
        alarm_names: Sequence[str] = (),
    ) -> None:
        config = config if config is not None else FargateServiceConfig()
        _check_parts(config, repository, cluster, task_definition, security_groups, task_role, execution_role, log_group)
        super().__init__(scope, id)
        self.config = config
        self._release = _Release(code_deploy, tuple(alarm_names))
        self._name = config.service_name if config.service_name is not None else _names.ECS_SERVICE.unique(self)
        self._tags = dict(config.tags) or None
        self.cluster, self.cluster_name, self.cluster_arn = self._cluster(cluster)
        self._capacity_providers = _capacity_providers_of(self.cluster or cluster)
        self.task_definition = task_definition or FargateTaskDefinition(
            self,
            "task-definition",
            config=config,
            repository=repository,
            name=self._name,
            task_role=task_role,
            execution_role=execution_role,
            log_group=log_group,
        )
        self.security_group, self.security_group_ids = self._security_groups(network, security_groups)
        self.service = self._service(network, target_groups, health_check_grace_period_s, depends_on)
        self.autoscaling = self._autoscaling(target_groups)
        self._expose()
        if config.enable_execute_command:
            self.add_task_policy("ecs-exec", [{"Effect": "Allow", "Action": list(ECS_EXEC_ACTIONS), "Resource": "*"}])

    def add_task_policy(self, name: str, statements: list[dict[str, Any]]) -> IamRolePolicy:
        """Grant the application (task role) exactly ``statements``, as an inline policy called ``name``.

        Each statement needs ``Effect``, ``Action`` and ``Resource``; actions are named exactly (no ``*``).
        Returns the policy resource.
        """
        return self.task_definition.add_task_policy(name, statements)

    def allow_from(self, id: str, *, description: str, cidr: str | None = None, security_group_id: str | None = None) -> None:
        """Open the main container's port to ``cidr`` or to ``security_group_id`` (a load balancer's)."""
        port = self.task_definition.container_port
        if port is None:
            raise ConfigError("container_port", None, "must be set for a service that receives traffic")
        VpcSecurityGroupIngressRule(
            self,
            id,
            security_group_id=self.security_group_ids[0],
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ipv4=cidr,
            referenced_security_group_id=security_group_id,
            description=description,
        )

    def _derived(self, rule: _names.NameRule, suffix: str) -> str:
        return rule.derive(self, f"{self._name}-{suffix}", suffix)

    def _cluster(self, given: ClusterRef | None) -> tuple[Cluster | None, str, str]:
        if given is not None:
            return None, given.cluster_name, given.cluster_arn
        config = self.config
        cluster = Cluster(
            self,
            "cluster",
            config=ClusterConfig(
                cluster_name=config.cluster_name
                if config.cluster_name is not None
                else _names.ECS_CLUSTER.unique(self, "cluster"),
                container_insights=config.container_insights,
                enable_fargate_capacity_providers=bool(config.capacity_provider_strategy),
                tags=config.tags,
            ),
        )
        return cluster, cluster.cluster_name, cluster.cluster_arn

    def _security_groups(self, network: NetworkRef, given: Sequence[str] | None) -> tuple[SecurityGroup | None, tuple[str, ...]]:
        if given is not None:
            return None, tuple(given)
        group = SecurityGroup(
            self,
            "security-group",
            name=self._derived(_names.SECURITY_GROUP, "tasks"),
            description=f"{self._name} tasks: container port from the VPC only"
            if not is_unresolved(self._name)
            else "Tasks: container port from the VPC only",
            vpc_id=network.vpc_id,
            tags=self._tags,
        )
        VpcSecurityGroupEgressRule(
            self,
            "egress",
            security_group_id=group.id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="Image pulls, logs and AWS APIs",
        )
        return group, (group.id,)

    def _service(
        self,
        network: NetworkRef,
        target_groups: Sequence[TargetGroupAttachment],
        grace_period_s: int | None,
        depends_on: Sequence[Any],
    ) -> EcsService:
        config = self.config
        strategy = [
            EcsServiceCapacityProviderStrategy(capacity_provider=s.capacity_provider.value, weight=s.weight, base=s.base)
            for s in config.capacity_provider_strategy
        ]
        if strategy and self._capacity_providers is not None:
            depends_on = [*depends_on, self._capacity_providers]
        return EcsService(
            self,
            "service",
            name=self._name,
            cluster=self.cluster_arn,
            task_definition=self.task_definition.arn,
            desired_count=config.desired_count,
            launch_type=None if strategy else "FARGATE",
            capacity_provider_strategy=strategy or None,
            deployment_minimum_healthy_percent=config.min_healthy_percent,
            deployment_maximum_percent=config.max_healthy_percent,
            deployment_controller={"type": "CODE_DEPLOY"} if self._release.code_deploy else None,
            deployment_circuit_breaker=None if self._release.code_deploy else {"enable": True, "rollback": True},
            alarms=self._release.service_alarms(),
            health_check_grace_period_seconds=grace_period_s,
            enable_execute_command=config.enable_execute_command,
            network_configuration={
                "subnets": list(network.private_subnet_ids),
                "security_groups": list(self.security_group_ids),
                "assign_public_ip": False,
            },
            load_balancer=[
                EcsServiceLoadBalancer(
                    target_group_arn=t.target_group_arn, container_name=t.container_name, container_port=t.container_port
                )
                for t in target_groups
            ]
            or None,
            propagate_tags="SERVICE",
            tags=self._tags,
            depends_on=list(depends_on) or None,
            lifecycle=self._lifecycle(),
        )

    def _lifecycle(self) -> TerraformResourceLifecycle | None:
        # CodeDeploy owns which task definition runs and which target group serves it.
        owned = ["task_definition", "load_balancer"] if self._release.code_deploy else []
        if self.config.ignore_task_definition_changes and not owned:
            owned = ["task_definition"]
        ignored = owned + (["desired_count"] if self.config.autoscaling is not None else [])
        return TerraformResourceLifecycle(ignore_changes=ignored) if ignored else None

    def _autoscaling(self, target_groups: Sequence[TargetGroupAttachment]) -> ServiceAutoscaling | None:
        if self.config.autoscaling is None:
            return None
        labels = [t.resource_label for t in target_groups if t.resource_label is not None]
        return ServiceAutoscaling(
            self,
            "autoscaling",
            config=self.config.autoscaling,
            cluster_name=self.cluster_name,
            service_name=self.service.name,
            target_group_label=labels[0] if labels else None,
        )

    def _expose(self) -> None:
        task = self.task_definition
        self.service_name = self.service.name
        self.service_arn = self.service.id
        self.task_definition_family = task.family
        self.task_definition_arn = task.arn
        self.container_name = task.container_name
        self.task_role_arn = task.task_role_arn
        self.task_role_name = task.task_role_name
        self.execution_role_arn = task.execution_role_arn
        self.log_group_name = task.log_group_name


def _check_parts(
    config: Any,
    repository: Any,
    cluster: Any,
    task_definition: Any,
    security_groups: Any,
    task_role: Any,
    execution_role: Any,
    log_group: Any,
) -> None:
    """The parts given to a service fit together (checked before anything is built)."""
    if not isinstance(config, FargateServiceConfig):
        raise ConfigError("config", config, "must be a FargateServiceConfig")
    if cluster is not None:
        check_cluster(cluster)
        if config.capacity_provider_strategy and isinstance(cluster, Cluster) and cluster.capacity_providers is None:
            raise ConfigError(
                "capacity_provider_strategy",
                [s.capacity_provider.value for s in config.capacity_provider_strategy],
                "needs the cluster's Fargate capacity providers: ClusterConfig(enable_fargate_capacity_providers=True)",
            )
        if config.cluster_name is not None:
            raise ConfigError(
                "cluster_name", config.cluster_name, "must be left unset when the service joins an existing cluster (cluster=...)"
            )
    if task_definition is not None:
        if not isinstance(task_definition, FargateTaskDefinition):
            raise ConfigError("task_definition", task_definition, "must be a FargateTaskDefinition")
        for field_name, value in (("task_role", task_role), ("execution_role", execution_role), ("log_group", log_group)):
            if value is not None:
                raise ConfigError(
                    field_name, value, "must be left unset with task_definition=...: give it to the task definition"
                )
    elif repository is None:
        raise ConfigError("repository", None, "is required unless a task_definition is given: the image comes from it")
    if security_groups is not None:
        groups = _checks.string_tuple("security_groups", security_groups)
        if not groups:
            raise ConfigError("security_groups", security_groups, "must hold at least one security group id")


def _capacity_providers_of(cluster: Any) -> Any:
    """The capacity providers resource of a cluster of ours (a service waits for it), else None."""
    part = cluster if isinstance(cluster, Cluster) else getattr(cluster, "cluster", None)
    return part.capacity_providers if isinstance(part, Cluster) else None


def with_defaults(config: FargateServiceConfig, scope: Construct, cluster: ClusterRef | None) -> FargateServiceConfig:
    """``config`` with the names a pattern derives from its own path (so parts built under it keep them)."""
    name = config.service_name if config.service_name is not None else _names.ECS_SERVICE.unique(scope)
    cluster_name = config.cluster_name
    if cluster is None and cluster_name is None:
        cluster_name = _names.ECS_CLUSTER.unique(scope, "cluster")
    return replace(config, service_name=name, cluster_name=cluster_name)
