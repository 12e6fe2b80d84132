"""What the two load-balanced patterns share: the settings of a service behind a target group, the service
part they build, the attributes they expose and the task policies they grant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lb_listener import LbListener
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from constructs import Construct

from . import _checks, _moved, _names
from .cluster import Cluster
from .deployment import (
    MAX_TERMINATION_WAIT_MINUTES,
    BlueGreenConfig,
    DeploymentAlarms,
    DeploymentStrategy,
    EcsBlueGreenDeployment,
    TrafficRoutes,
    TrafficShifting,
    target_group_alarms,
)
from .errors import ConfigError
from .fargate_service import FargateService, FargateServiceConfig, TargetGroupAttachment
from .refs import ClusterRef, NetworkRef, RepositoryRef
from .task_definition import FargateTaskDefinition, LogGroupRef, RoleRef


@dataclass(frozen=True)
class LoadBalancedServiceConfig(FargateServiceConfig):
    """:class:`FargateServiceConfig`'s settings and those of a service behind a load balancer."""

    internet_facing: bool = True
    """Public load balancer in the public subnets; False puts an internal one in the private subnets. Default True."""
    deletion_protection: bool = True
    """Deletion protection on the load balancer the service creates. Default True."""
    listener_port: int = 80
    """Port of the plaintext listener (TCP for an NLB, HTTP for an ALB). Default 80."""
    deregistration_delay_s: int = 30
    """Seconds a deregistering target keeps its connections, 0 to 3600. Default 30."""
    health_check_path: str = "/health"
    """Path of the HTTP health check. Default ``/health``."""
    health_check_grace_period_s: int = 60
    """Seconds ECS ignores load balancer health checks after a task starts, 0 to 2147483647. Default 60."""
    deployment_strategy: DeploymentStrategy = DeploymentStrategy.ROLLING
    """``ROLLING`` (default): ECS replaces the tasks. ``BLUE_GREEN``: CodeDeploy starts the new tasks in a
    second target group, tests them on ``test_listener_port``, shifts traffic and rolls back on failure;
    Terraform then leaves the task definition and load balancer of the service to CodeDeploy."""
    traffic_shifting: TrafficShifting = TrafficShifting.ALL_AT_ONCE
    """How ``BLUE_GREEN`` shifts traffic: all at once (default), or canary/linear behind an Application
    Load Balancer."""
    test_listener_port: int = 8080
    """Port of the test listener ``BLUE_GREEN`` adds (reachable from the VPC only on an ALB), 1 to 65535,
    never a production listener's. Default 8080."""
    termination_wait_minutes: int = 5
    """Minutes ``BLUE_GREEN`` keeps the old tasks after a successful deployment, 0 to 2880. Default 5."""
    alarms: DeploymentAlarms | None = None
    """CloudWatch alarms on the target group(s) that stop and roll back a deployment (``BLUE_GREEN``:
    CodeDeploy's; ``ROLLING``: the ECS service's deployment alarms). Default none."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.container_port is None:
            raise ConfigError("container_port", None, "must be set (1 to 65535) for a service behind a load balancer")
        _checks.boolean("internet_facing", self.internet_facing)
        _checks.boolean("deletion_protection", self.deletion_protection)
        _checks.int_in_range("listener_port", self.listener_port, 1, 65535)
        _checks.int_in_range("deregistration_delay_s", self.deregistration_delay_s, 0, 3600)
        _checks.matches("health_check_path", self.health_check_path, r"/[\x21-\x7e]{0,1023}", "must be a path starting with '/'")
        _checks.int_in_range("health_check_grace_period_s", self.health_check_grace_period_s, 0, 2147483647)
        self._check_release()

    @property
    def blue_green(self) -> bool:
        return self.deployment_strategy is DeploymentStrategy.BLUE_GREEN

    def production_ports(self) -> tuple[int, ...]:
        """Ports of the listeners serving production traffic (the test listener must use another)."""
        return (self.listener_port,)

    def _check_release(self) -> None:
        strategy = _checks.one_of("deployment_strategy", self.deployment_strategy, DeploymentStrategy)
        object.__setattr__(self, "deployment_strategy", strategy)
        shifting = _checks.one_of("traffic_shifting", self.traffic_shifting, TrafficShifting)
        object.__setattr__(self, "traffic_shifting", shifting)
        _checks.int_in_range("test_listener_port", self.test_listener_port, 1, 65535)
        _checks.int_in_range("termination_wait_minutes", self.termination_wait_minutes, 0, MAX_TERMINATION_WAIT_MINUTES)
        if self.alarms is not None and not isinstance(self.alarms, DeploymentAlarms):
            raise ConfigError("alarms", self.alarms, "must be a DeploymentAlarms or None")
        if not self.blue_green:
            if shifting is not TrafficShifting.ALL_AT_ONCE:
                raise ConfigError("traffic_shifting", shifting.name, "is used only with deployment_strategy=BLUE_GREEN")
            return
        if self.test_listener_port in self.production_ports():
            raise ConfigError(
                "test_listener_port",
                self.test_listener_port,
                f"must differ from the production listener ports {self.production_ports()}",
            )


@dataclass(frozen=True)
class ServiceParts:
    """The parts a pattern was given, passed on to its :class:`FargateService` as they are."""

    repository: RepositoryRef | None = None
    cluster: ClusterRef | None = None
    task_definition: FargateTaskDefinition | None = None
    security_groups: Sequence[str] | None = None
    task_role: RoleRef | str | None = None
    execution_role: RoleRef | str | None = None
    log_group: LogGroupRef | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return dict(self.__dict__)


class LoadBalancedService(Construct):
    """A :class:`FargateService` (``service``) behind a target group (``target_group``) of a load balancer.

    Attributes: ``service``, ``cluster``, ``task_definition``, ``target_group``, ``service_name``, ``service_arn``,
    ``cluster_name``, ``cluster_arn``, ``task_definition_family``, ``task_definition_arn``, ``container_name``,
    ``task_role_arn``, ``task_role_name``, ``execution_role_arn``, ``log_group_name``, ``security_group_id``,
    ``target_group_arn``, ``load_balancer_arn``, ``load_balancer_dns_name``, ``green_target_group``,
    ``test_listener``, ``alarms``, ``deployment``, ``code_deploy_application_name``,
    ``code_deploy_deployment_group_name``.
    """

    service: FargateService
    """The Fargate service part (its task definition, security group, cluster, autoscaling)."""
    cluster: Cluster | None
    """The cluster the service created, or None when it joined one (``cluster=``)."""
    task_definition: FargateTaskDefinition
    """The service's task definition (its containers, roles and log group)."""
    target_group: LbTargetGroup
    """The service's target group (ip targets on the container port)."""
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
    security_group_id: str
    """The tasks' (first) security group."""
    target_group_arn: str
    """ARN of the target group."""
    load_balancer_arn: str
    """ARN of the load balancer."""
    load_balancer_dns_name: str
    """DNS name of the load balancer."""
    green_target_group: LbTargetGroup | None
    """The second target group ``BLUE_GREEN`` deploys into, or None."""
    test_listener: LbListener | None
    """The listener on ``test_listener_port`` that reaches the green target group, or None."""
    alarms: tuple[CloudwatchMetricAlarm, ...]
    """The rollback alarms (empty without ``alarms``)."""
    deployment: EcsBlueGreenDeployment | None
    """The CodeDeploy application and deployment group of ``BLUE_GREEN``, or None."""
    code_deploy_application_name: str | None
    """Name of the CodeDeploy application (``BLUE_GREEN``), or None: what a pipeline deploys with."""
    code_deploy_deployment_group_name: str | None
    """Name of the CodeDeploy deployment group (``BLUE_GREEN``), or None."""

    def add_task_policy(self, name: str, statements: list[dict[str, Any]]) -> IamRolePolicy:
        """Grant the application (task role) exactly ``statements``, as an inline policy called ``name``.

        Each statement needs ``Effect``, ``Action`` and ``Resource``; actions are named exactly (no ``*``).
        Returns the policy resource.
        """
        policy = self.service.add_task_policy(name, statements)
        _moved.moved_from(policy, self, f"task-policy-{name}")
        return policy

    def _name(self, config: FargateServiceConfig) -> str:
        assert config.service_name is not None  # fargate_service.with_defaults set it
        return config.service_name

    def _derived(self, rule: _names.NameRule, name: str, suffix: str) -> str:
        return rule.derive(self, f"{name}-{suffix}", suffix)

    def _fargate_service(
        self,
        config: LoadBalancedServiceConfig,
        network: NetworkRef,
        parts: ServiceParts,
        attachment: TargetGroupAttachment,
        depends_on: Sequence[Any],
    ) -> FargateService:
        return FargateService(
            self,
            "service",
            config=config,
            network=network,
            target_groups=[attachment],
            health_check_grace_period_s=config.health_check_grace_period_s,
            depends_on=depends_on,
            code_deploy=config.blue_green,
            alarm_names=[alarm.alarm_name for alarm in self.alarms],
            **parts.as_kwargs(),
        )

    def _rollback_alarms(
        self, config: LoadBalancedServiceConfig, name: str, load_balancer_arn_suffix: str | None, *, http_5xx: bool
    ) -> tuple[CloudwatchMetricAlarm, ...]:
        if config.alarms is None:
            return ()
        if load_balancer_arn_suffix is None:
            raise ConfigError("load_balancer.arn_suffix", None, "is required for alarms: CloudWatch names the metrics by it")
        groups = {"blue": self.target_group.arn_suffix}
        if self.green_target_group is not None:
            groups["green"] = self.green_target_group.arn_suffix
        return target_group_alarms(
            self,
            config=config.alarms,
            name=name,
            load_balancer_arn_suffix=load_balancer_arn_suffix,
            target_groups=groups,
            http_5xx=http_5xx,
            tags=dict(config.tags) or None,
        )

    def _code_deploy(
        self, config: LoadBalancedServiceConfig, name: str, production_listener_arns: Sequence[str]
    ) -> EcsBlueGreenDeployment | None:
        if not config.blue_green:
            return None
        assert self.test_listener is not None and self.green_target_group is not None
        return EcsBlueGreenDeployment(
            self,
            "deployment",
            config=BlueGreenConfig(
                traffic_shifting=config.traffic_shifting,
                termination_wait_minutes=config.termination_wait_minutes,
                tags=config.tags,
            ),
            name=name,
            cluster_name=self.service.cluster_name,
            service_name=self.service.service_name,
            routes=TrafficRoutes(
                production_listener_arns=production_listener_arns,
                test_listener_arn=self.test_listener.arn,
                blue_target_group_name=self.target_group.name,
                green_target_group_name=self.green_target_group.name,
            ),
            pass_role_arns=[self.service.task_role_arn, self.service.execution_role_arn],
            alarm_names=[alarm.alarm_name for alarm in self.alarms],
        )

    def _expose(self, load_balancer_arn: str, load_balancer_dns_name: str) -> None:
        service = self.service
        for attribute in (
            "service_name",
            "service_arn",
            "cluster_name",
            "cluster_arn",
            "task_definition_family",
            "task_definition_arn",
            "container_name",
            "task_role_arn",
            "task_role_name",
            "execution_role_arn",
            "log_group_name",
            "cluster",
            "task_definition",
        ):
            setattr(self, attribute, getattr(service, attribute))
        self.security_group_id = service.security_group_ids[0]
        self.code_deploy_application_name = self.deployment.application_name if self.deployment else None
        self.code_deploy_deployment_group_name = self.deployment.deployment_group_name if self.deployment else None
        self.target_group_arn = self.target_group.arn
        self.load_balancer_arn = load_balancer_arn
        self.load_balancer_dns_name = load_balancer_dns_name

    def _moved_parts(self, moves: Sequence[tuple[str, str]]) -> None:
        """``moved`` blocks from where the resources were built before the parts existed (cdktf-fargate 0.3)."""
        for old_id, new_path in moves:
            node: Construct | None = self
            for part in new_path.split("/"):
                node = node.node.try_find_child(part) if node is not None else None
            if isinstance(node, TerraformResource):
                _moved.moved_from(node, self, old_id)


# Where each resource of a 0.3 ``LoadBalancedFargateService`` (left) lives in the parts now (right).
SERVICE_MOVES = (
    ("cluster", "service/cluster/cluster"),
    ("logs", "service/task-definition/logs"),
    ("execution-role", "service/task-definition/execution-role"),
    ("execution-policy", "service/task-definition/execution-policy"),
    ("task-role", "service/task-definition/task-role"),
    ("task-policy-ecs-exec", "service/task-definition/task-policy-ecs-exec"),
    ("task", "service/task-definition/task"),
    ("security-group", "service/security-group"),
    ("ingress", "service/ingress"),
    ("egress", "service/egress"),
    ("service", "service/service"),
    ("scaling-target", "service/autoscaling/target"),
    ("scaling-policy", "service/autoscaling/cpu"),
)
