"""LoadBalancedFargateService: a Fargate service in private subnets behind a Network Load Balancer.

What AWS CDK's ``NetworkLoadBalancedFargateService`` creates (cluster, task definition, log group,
execution and task roles, service, security group, NLB, listener, target group), with the
wildcard permissions and the open 0.0.0.0/0 container port of the seed left out. A service can
instead join an existing cluster (``cluster=``: another service, or :class:`ExistingCluster`), and
can be TLS-only (``enable_tls`` with ``tls_only``). See docs/PARITY.md for the resource-by-resource
comparison.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.appautoscaling_policy import AppautoscalingPolicy
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
from cdktf_cdktf_provider_aws.ecs_service import EcsService, EcsServiceLoadBalancer
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.lb_listener import LbListener, LbListenerDefaultAction
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from . import _checks, _names
from ._iam import check_statements, policy_document, service_role, trust_policy
from ._terraform import AWS_MANAGED_KEYS, jsonencode, skip_check
from ._tokens import is_unresolved
from .errors import ConfigError
from .refs import ClusterRef, NetworkRef, RepositoryRef

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
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
TLS_PORT = 443
DEFAULT_CONTAINER_NAME = "web"
DEFAULT_CONTAINER_PORT = 8080
_ENV_NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
_SECRET_ARN_PATTERN = r"arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter/.+|secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)"
_CERTIFICATE_ARN_PATTERN = r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+"


class HealthCheckProtocol(str, Enum):
    TCP = "TCP"
    HTTP = "HTTP"


@dataclass(frozen=True)
class LoadBalancedFargateServiceConfig:
    """Settings of :class:`LoadBalancedFargateService`."""

    service_name: str | None = None
    """ECS service name (1-255 letters, digits, '-', '_'), also the base of the task family, log group,
    roles, security group and load balancer names, each fitted to its AWS rule. Default: derived from
    the construct path (``<stack>-<id>-<hash>``)."""
    cluster_name: str | None = None
    """Name of the ECS cluster the service creates; must be left unset when it joins an existing one
    (``cluster=``). Default: derived from the construct path (``<stack>-<id>-cluster-<hash>``)."""
    container_insights: bool = True
    """CloudWatch Container Insights on the cluster the service creates (not used with ``cluster=``). Default True."""
    container_name: str = DEFAULT_CONTAINER_NAME
    """Container name; the pipeline's imagedefinitions.json must use the same. Default ``web``."""
    container_port: int = DEFAULT_CONTAINER_PORT
    """Port the container listens on, 1 to 65535. Default 8080."""
    image_tag: str = "latest"
    """Tag of the image in the repository. Default ``latest``."""
    cpu: int = 256
    """Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default 256."""
    memory_mib: int = 512
    """Task memory in MiB; must be valid for ``cpu`` on Fargate. Default 512."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Environment variables of the container. Default none."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Variable name -> SSM parameter or Secrets Manager ARN (or a token); the execution role may read
    exactly these. Errors never show these values. Default none."""
    log_retention_days: int = 365
    """Retention of the container log group, one of CloudWatch's values. Default 365."""
    desired_count: int = 1
    """Running tasks, at least 1. Default 1."""
    min_healthy_percent: int = 100
    """Deployment lower bound, 0 to 100. Default 100 (no capacity loss during deploys)."""
    max_healthy_percent: int = 200
    """Deployment upper bound, 100 to 200, at least ``min_healthy_percent``. Default 200."""
    health_check_grace_period_s: int = 60
    """Seconds ECS ignores load balancer health checks after a task starts, 0 to 2147483647. Default 60."""
    enable_execute_command: bool = False
    """ECS Exec into running tasks (adds the ssmmessages permissions it needs to the task role). Default False."""
    internet_facing: bool = True
    """Public NLB in the public subnets; False puts an internal NLB in the private subnets. Default True."""
    deletion_protection: bool = True
    """Deletion protection on the load balancer. Default True."""
    listener_port: int = 80
    """Plaintext TCP listener port of the NLB (no such listener when ``tls_only``). Default 80."""
    deregistration_delay_s: int = 30
    """Seconds a deregistering target keeps its connections, 0 to 3600. Default 30."""
    health_check_protocol: HealthCheckProtocol = HealthCheckProtocol.TCP
    """``TCP`` (default) or ``HTTP`` on ``health_check_path``."""
    health_check_path: str = "/health"
    """Path of the HTTP health check. Default ``/health``."""
    enable_tls: bool = False
    """Add a TLS listener on ``tls_port`` with ``tls_certificate_arn`` and a TLS 1.3 policy. Default False."""
    tls_certificate_arn: str = ""
    """ACM certificate ARN (or a token, such as a ``DataAwsAcmCertificate`` lookup) for the TLS listener. Default none."""
    tls_port: int = TLS_PORT
    """Port of the TLS listener. Default 443."""
    tls_only: bool = False
    """Serve TLS only: no plaintext listener on ``listener_port``. Needs ``enable_tls``. Default False."""
    enable_autoscaling: bool = False
    """Target-tracking autoscaling on average CPU. Default False."""
    autoscaling_min: int = 1
    """Autoscaling lower bound, at least 1. Default 1."""
    autoscaling_max: int = 4
    """Autoscaling upper bound, at least ``autoscaling_min``. Default 4."""
    autoscaling_cpu_percent: int = 70
    """Target average CPU utilisation, 10 to 90. Default 70."""
    ignore_task_definition_changes: bool = False
    """Let a pipeline own image rollouts: Terraform creates the service but ignores later task definition
    changes on it. Trade-off: changes to the task definition in code (CPU, environment, ...) register a new
    revision that Terraform does not roll out; the next pipeline deploy picks it up. Default False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags on every resource. Default none."""

    def __post_init__(self) -> None:
        if self.service_name is not None:
            _names.ECS_SERVICE.check("service_name", self.service_name)
        if self.cluster_name is not None:
            _names.ECS_CLUSTER.check("cluster_name", self.cluster_name)
        _names.CONTAINER.check("container_name", self.container_name)
        _checks.boolean("container_insights", self.container_insights)
        _checks.int_in_range("container_port", self.container_port, 1, 65535)
        _checks.matches(
            "image_tag",
            self.image_tag,
            r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
            "must be a Docker tag: up to 128 letters, digits, '_', '.', '-'",
        )
        if self.cpu not in FARGATE_SIZES:
            raise ConfigError("cpu", self.cpu, f"must be one of {', '.join(map(str, FARGATE_SIZES))} CPU units")
        _checks.int_in_range("memory_mib", self.memory_mib, 1)
        if self.memory_mib not in FARGATE_SIZES[self.cpu]:
            allowed = FARGATE_SIZES[self.cpu]
            raise ConfigError(
                "memory_mib",
                self.memory_mib,
                f"with cpu={self.cpu} Fargate allows {allowed[0]} to {allowed[-1]} MiB in the steps {', '.join(map(str, allowed[:3]))}, ...",
            )
        # Either may hold a secret (a password put in environment by mistake): values are never shown.
        environment = _checks.string_mapping("environment", self.environment, secret_values=True)
        secrets = _checks.string_mapping("secrets", self.secrets, secret_values=True)
        for name in (*environment, *secrets):
            if not re.fullmatch(_ENV_NAME_PATTERN, name):
                raise ConfigError(
                    "environment" if name in environment else "secrets",
                    name,
                    "variable names must be letters, digits and '_', not starting with a digit",
                )
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
        _checks.log_retention_days("log_retention_days", self.log_retention_days)
        _checks.int_in_range("desired_count", self.desired_count, 1)
        _checks.int_in_range("min_healthy_percent", self.min_healthy_percent, 0, 100)
        _checks.int_in_range("max_healthy_percent", self.max_healthy_percent, 100, 200)
        _checks.int_in_range("health_check_grace_period_s", self.health_check_grace_period_s, 0, 2147483647)
        _checks.boolean("enable_execute_command", self.enable_execute_command)
        _checks.boolean("internet_facing", self.internet_facing)
        _checks.boolean("deletion_protection", self.deletion_protection)
        _checks.int_in_range("listener_port", self.listener_port, 1, 65535)
        _checks.int_in_range("deregistration_delay_s", self.deregistration_delay_s, 0, 3600)
        object.__setattr__(
            self,
            "health_check_protocol",
            _checks.one_of("health_check_protocol", self.health_check_protocol, HealthCheckProtocol),
        )
        _checks.matches("health_check_path", self.health_check_path, r"/[\x21-\x7e]{0,1023}", "must be a path starting with '/'")
        _checks.boolean("enable_tls", self.enable_tls)
        _checks.boolean("tls_only", self.tls_only)
        _checks.int_in_range("tls_port", self.tls_port, 1, 65535)
        if self.tls_only and not self.enable_tls:
            raise ConfigError(
                "tls_only",
                self.tls_only,
                "needs enable_tls=True (and tls_certificate_arn): a TLS-only service serves the TLS listener",
            )
        if self.enable_tls:
            if not self.tls_certificate_arn:
                raise ConfigError(
                    "tls_certificate_arn", self.tls_certificate_arn, "is required when enable_tls is True: an ACM certificate ARN"
                )
            _checks.matches(
                "tls_certificate_arn", self.tls_certificate_arn, _CERTIFICATE_ARN_PATTERN, "must be an ACM certificate ARN"
            )
            if not self.tls_only and self.listener_port == self.tls_port:
                raise ConfigError(
                    "listener_port",
                    self.listener_port,
                    f"must differ from the TLS listener's port tls_port={self.tls_port} when enable_tls is True",
                )
        _checks.boolean("enable_autoscaling", self.enable_autoscaling)
        _checks.int_in_range("autoscaling_min", self.autoscaling_min, 1)
        _checks.int_in_range("autoscaling_max", self.autoscaling_max, 1)
        if self.autoscaling_max < self.autoscaling_min:
            raise ConfigError("autoscaling_max", self.autoscaling_max, f"must be at least autoscaling_min={self.autoscaling_min}")
        _checks.int_in_range("autoscaling_cpu_percent", self.autoscaling_cpu_percent, 10, 90)
        _checks.boolean("ignore_task_definition_changes", self.ignore_task_definition_changes)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


@dataclass(frozen=True)
class ExistingCluster:
    """An ECS cluster built elsewhere (another stack, another team), for ``LoadBalancedFargateService(cluster=...)``.

    Either field may be a Terraform token (``DataAwsEcsCluster(...).cluster_name``, another stack's attribute).
    """

    cluster_name: str
    """Name of the cluster. Required."""
    cluster_arn: str
    """ARN of the cluster, like ``arn:aws:ecs:us-east-1:123456789012:cluster/name``. Required."""

    def __post_init__(self) -> None:
        _names.ECS_CLUSTER.check("cluster_name", self.cluster_name)
        _checks.matches(
            "cluster_arn",
            self.cluster_arn,
            r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/[A-Za-z0-9_-]{1,255}",
            "must be an ECS cluster ARN like 'arn:aws:ecs:us-east-1:123456789012:cluster/name'",
        )


class LoadBalancedFargateService(Construct):
    """Cluster (unless it joins one), task definition, service, security group, log group, roles and NLB.

    Attributes: ``cluster_name``, ``cluster_arn``, ``service_name``, ``service_arn``, ``task_definition_family``,
    ``task_definition_arn``, ``log_group_name``, ``load_balancer_dns_name``, ``load_balancer_arn``,
    ``target_group_arn``, ``task_role_arn``, ``execution_role_arn``, ``task_role_name``, ``security_group_id``,
    ``container_name``; the resources ``cluster``, ``service``, ``task_definition``, ``log_group``,
    ``execution_role``, ``task_role``, ``security_group``, ``load_balancer``, ``target_group``, ``listener``,
    ``tls_listener``, ``scaling_target``.
    """

    cluster_name: str
    """Name of the cluster the service runs in."""
    cluster_arn: str
    """ARN of that cluster."""
    service_name: str
    """ECS service name."""
    service_arn: str
    """ECS service ARN."""
    task_definition_family: str
    """Task definition family."""
    task_definition_arn: str
    """ARN of the task definition revision Terraform registered."""
    log_group_name: str
    """CloudWatch log group of the container."""
    load_balancer_dns_name: str
    """DNS name of the Network Load Balancer."""
    load_balancer_arn: str
    """ARN of the Network Load Balancer."""
    target_group_arn: str
    """ARN of the target group."""
    task_role_arn: str
    """ARN of the role the application runs with (grant it more with ``add_task_policy``)."""
    task_role_name: str
    """Name of that role."""
    execution_role_arn: str
    """ARN of the role ECS pulls the image and writes logs with."""
    security_group_id: str
    """Security group of the tasks."""
    container_name: str
    """Container name (for the pipeline's imagedefinitions.json)."""
    cluster: EcsCluster | None
    """The cluster the service created, or None when it joined one (``cluster=``)."""
    service: EcsService
    """The ECS service."""
    task_definition: EcsTaskDefinition
    """The task definition."""
    log_group: CloudwatchLogGroup
    """The container's log group."""
    execution_role: IamRole
    """The execution role."""
    task_role: IamRole
    """The task role."""
    security_group: SecurityGroup
    """The tasks' security group."""
    load_balancer: Lb
    """The Network Load Balancer."""
    target_group: LbTargetGroup
    """The target group (ip targets on the container port)."""
    listener: LbListener | None
    """The plaintext TCP listener, or None when ``tls_only``."""
    tls_listener: LbListener | None
    """The TLS listener, or None without ``enable_tls``."""
    scaling_target: AppautoscalingTarget | None
    """The autoscaling target, or None without ``enable_autoscaling``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: LoadBalancedFargateServiceConfig | None = None,
        network: NetworkRef,
        repository: RepositoryRef,
        cluster: ClusterRef | None = None,
    ) -> None:
        config = config if config is not None else LoadBalancedFargateServiceConfig()
        if not isinstance(config, LoadBalancedFargateServiceConfig):
            raise ConfigError("config", config, "must be a LoadBalancedFargateServiceConfig")
        if cluster is not None:
            if not (
                isinstance(getattr(cluster, "cluster_name", None), str) and isinstance(getattr(cluster, "cluster_arn", None), str)
            ):
                raise ConfigError(
                    "cluster", cluster, "must have cluster_name and cluster_arn: another service, or an ExistingCluster"
                )
            if config.cluster_name is not None:
                raise ConfigError(
                    "cluster_name",
                    config.cluster_name,
                    "must be left unset when the service joins an existing cluster (cluster=...)",
                )
        super().__init__(scope, id)
        self.config = config
        tags = dict(config.tags) or None
        name = config.service_name if config.service_name is not None else _names.ECS_SERVICE.unique(self)

        def derived(rule: _names.NameRule, suffix: str, text: str | None = None) -> str:
            return rule.derive(self, text if text is not None else f"{name}-{suffix}", suffix)

        self.cluster = None
        if cluster is None:
            self.cluster = EcsCluster(
                self,
                "cluster",
                name=config.cluster_name if config.cluster_name is not None else _names.ECS_CLUSTER.unique(self, "cluster"),
                setting=[
                    EcsClusterSetting(name="containerInsights", value="enabled" if config.container_insights else "disabled")
                ],
                tags=tags,
            )
            cluster_name, cluster_arn = self.cluster.name, self.cluster.arn
        else:
            cluster_name, cluster_arn = cluster.cluster_name, cluster.cluster_arn
        log_group = CloudwatchLogGroup(
            self,
            "logs",
            name=derived(_names.LOG_GROUP, "logs", f"/ecs/{name}"),
            retention_in_days=config.log_retention_days,
            tags=tags,
        )
        skip_check(log_group, "CKV_AWS_158", AWS_MANAGED_KEYS)

        execution_role = service_role(
            self,
            "execution",
            name=derived(_names.IAM_ROLE, "execution"),
            service="ecs-tasks.amazonaws.com",
            tags=tags,
            policy_name="pull-image-write-logs",
            statements=self._execution_statements(repository.arn, log_group.arn),
        )
        task_role = IamRole(
            self,
            "task-role",
            name=derived(_names.IAM_ROLE, "task"),
            assume_role_policy=trust_policy("ecs-tasks.amazonaws.com"),
            tags=tags,
        )
        self.task_role = task_role
        if config.enable_execute_command:
            self.add_task_policy(
                "ecs-exec",
                [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "ssmmessages:CreateControlChannel",
                            "ssmmessages:CreateDataChannel",
                            "ssmmessages:OpenControlChannel",
                            "ssmmessages:OpenDataChannel",
                        ],
                        "Resource": "*",  # ssmmessages has no resource-level permissions
                    }
                ],
            )

        region = DataAwsRegion(self, "region")
        container = {
            "name": config.container_name,
            "image": f"{repository.url}:{config.image_tag}",
            "essential": True,
            "portMappings": [{"containerPort": config.container_port, "hostPort": config.container_port, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(config.environment.items())],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(config.secrets.items())],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": log_group.name, "awslogs-region": region.name, "awslogs-stream-prefix": "service"},
            },
        }
        task_definition = EcsTaskDefinition(
            self,
            "task",
            family=derived(_names.TASK_FAMILY, "task", name),
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(config.cpu),
            memory=str(config.memory_mib),
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=jsonencode([container]),
            tags=tags,
        )

        security_group = SecurityGroup(
            self,
            "security-group",
            name=derived(_names.SECURITY_GROUP, "tasks"),
            description=f"{name} tasks: container port from the VPC only"
            if not is_unresolved(name)
            else "Tasks: container port from the VPC only",
            vpc_id=network.vpc_id,
            tags=tags,
        )
        VpcSecurityGroupIngressRule(
            self,
            "ingress",
            security_group_id=security_group.id,
            ip_protocol="tcp",
            from_port=config.container_port,
            to_port=config.container_port,
            cidr_ipv4=network.vpc_cidr,
            description="Container port from the VPC, where the load balancer's nodes are",
        )
        VpcSecurityGroupEgressRule(
            self,
            "egress",
            security_group_id=security_group.id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="Image pulls, logs and AWS APIs",
        )

        load_balancer = Lb(
            self,
            "nlb",
            name=derived(_names.LOAD_BALANCER, "nlb"),
            load_balancer_type="network",
            internal=not config.internet_facing,
            subnets=list(network.public_subnet_ids if config.internet_facing else network.private_subnet_ids),
            enable_cross_zone_load_balancing=True,
            enable_deletion_protection=config.deletion_protection,
            tags=tags,
        )
        skip_check(
            load_balancer,
            "CKV_AWS_91",
            "NLB access logs cover TLS listeners only; the service logs every request (JSON access log in CloudWatch)",
        )
        skip_check(
            load_balancer, "CKV2_AWS_20", "a Network Load Balancer forwards TCP and cannot redirect HTTP; HTTPS is enable_tls"
        )
        if not config.deletion_protection:
            skip_check(load_balancer, "CKV_AWS_150", "deletion_protection=False in this configuration")
        health_check: dict[str, Any] = {"enabled": True, "protocol": config.health_check_protocol.value, "port": "traffic-port"}
        if config.health_check_protocol is HealthCheckProtocol.HTTP:
            health_check["path"] = config.health_check_path
        target_group = LbTargetGroup(
            self,
            "targets",
            name=derived(_names.TARGET_GROUP, "tg"),
            port=config.container_port,
            protocol="TCP",
            target_type="ip",
            vpc_id=network.vpc_id,
            deregistration_delay=str(config.deregistration_delay_s),
            preserve_client_ip="false",
            health_check=health_check,
            tags=tags,
        )
        forward = [LbListenerDefaultAction(type="forward", target_group_arn=target_group.arn)]
        self.listener = self.tls_listener = None
        listeners = []
        if not config.tls_only:
            self.listener = LbListener(
                self,
                "listener",
                load_balancer_arn=load_balancer.arn,
                port=config.listener_port,
                protocol="TCP",
                default_action=forward,
                tags=tags,
            )
            listeners.append(self.listener)
        if config.enable_tls:
            self.tls_listener = LbListener(
                self,
                "tls-listener",
                load_balancer_arn=load_balancer.arn,
                port=config.tls_port,
                protocol="TLS",
                certificate_arn=config.tls_certificate_arn,
                ssl_policy=TLS_POLICY,
                default_action=forward,
                tags=tags,
            )
            listeners.append(self.tls_listener)

        ignored = (["task_definition"] if config.ignore_task_definition_changes else []) + (
            ["desired_count"] if config.enable_autoscaling else []
        )
        service = EcsService(
            self,
            "service",
            name=name,
            cluster=cluster_arn,
            task_definition=task_definition.arn,
            desired_count=config.desired_count,
            launch_type="FARGATE",
            deployment_minimum_healthy_percent=config.min_healthy_percent,
            deployment_maximum_percent=config.max_healthy_percent,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            health_check_grace_period_seconds=config.health_check_grace_period_s,
            enable_execute_command=config.enable_execute_command,
            network_configuration={
                "subnets": list(network.private_subnet_ids),
                "security_groups": [security_group.id],
                "assign_public_ip": False,
            },
            load_balancer=[
                EcsServiceLoadBalancer(
                    target_group_arn=target_group.arn, container_name=config.container_name, container_port=config.container_port
                )
            ],
            propagate_tags="SERVICE",
            tags=tags,
            depends_on=listeners,
            lifecycle=TerraformResourceLifecycle(ignore_changes=ignored) if ignored else None,
        )
        self.scaling_target = None
        if config.enable_autoscaling:
            target = AppautoscalingTarget(
                self,
                "scaling-target",
                service_namespace="ecs",
                scalable_dimension="ecs:service:DesiredCount",
                resource_id=f"service/{cluster_name}/{service.name}",
                min_capacity=config.autoscaling_min,
                max_capacity=config.autoscaling_max,
            )
            self.scaling_target = target
            AppautoscalingPolicy(
                self,
                "scaling-policy",
                name=derived(_names.SCALING_POLICY, "cpu"),
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration={
                    "target_value": config.autoscaling_cpu_percent,
                    "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                },
            )

        self.cluster_name = cluster_name
        self.cluster_arn = cluster_arn
        self.service_name = service.name
        self.service_arn = service.id
        self.task_definition_family = task_definition.family
        self.task_definition_arn = task_definition.arn
        self.log_group_name = log_group.name
        self.load_balancer_dns_name = load_balancer.dns_name
        self.load_balancer_arn = load_balancer.arn
        self.target_group_arn = target_group.arn
        self.task_role_arn = task_role.arn
        self.task_role_name = task_role.name
        self.execution_role_arn = execution_role.arn
        self.security_group_id = security_group.id
        self.container_name = config.container_name
        self.service = service
        self.task_definition = task_definition
        self.log_group = log_group
        self.execution_role = execution_role
        self.security_group = security_group
        self.load_balancer = load_balancer
        self.target_group = target_group

    def add_task_policy(self, name: str, statements: list[dict[str, Any]]) -> IamRolePolicy:
        """Grant the application (task role) exactly ``statements``, as an inline policy called ``name``.

        Each statement needs ``Effect``, ``Action`` and ``Resource``; actions are named exactly (no ``*``).
        Returns the policy resource.
        """
        _names.IAM_POLICY.check("name", name)
        checked = check_statements("statements", statements)
        return IamRolePolicy(self, f"task-policy-{name}", role=self.task_role.id, name=name, policy=policy_document(checked))

    def _execution_statements(self, repository_arn: str, log_group_arn: str) -> list[dict[str, Any]]:
        statements: list[dict[str, Any]] = [
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},  # AWS supports no narrower resource
            {
                "Effect": "Allow",
                "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                "Resource": repository_arn,
            },
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{log_group_arn}:*"},
        ]
        arns = list(self.config.secrets.values())
        ssm = sorted(arn for arn in arns if not is_unresolved(arn) and ":ssm:" in arn)
        secrets_manager = sorted(arn for arn in arns if not is_unresolved(arn) and ":secretsmanager:" in arn)
        unknown = [arn for arn in arns if is_unresolved(arn)]  # only Terraform knows which service these are in
        if ssm:
            statements.append({"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": ssm})
        if secrets_manager:
            statements.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets_manager})
        if unknown:
            statements.append(
                {"Effect": "Allow", "Action": ["ssm:GetParameters", "secretsmanager:GetSecretValue"], "Resource": unknown}
            )
        return statements
