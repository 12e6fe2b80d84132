"""LoadBalancedFargateService: a Fargate service in private subnets behind a Network Load Balancer.

What AWS CDK's ``NetworkLoadBalancedFargateService`` creates (cluster, task definition, log group,
execution and task roles, service, security group, NLB, listener, target group), with the
wildcard permissions and the open 0.0.0.0/0 container port of the seed left out. See
docs/PARITY.md for the resource-by-resource comparison.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

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

from . import _checks
from ._iam import policy_document, trust_policy
from ._terraform import AWS_MANAGED_KEYS, skip_check
from .errors import ConfigError
CLUSTER_NAME, CONTAINER_NAME, CONTAINER_PORT = "TodoList-Cluster", "TodoList-Service", 8080  # FIXME(#14)
from .refs import NetworkRef, RepositoryRef

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
_NAME_PATTERN = r"[A-Za-z][A-Za-z0-9_-]{0,31}"
_ENV_NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"
_SECRET_ARN_PATTERN = r"arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter/.+|secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)"
_CERTIFICATE_ARN_PATTERN = r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+"


class HealthCheckProtocol(str, Enum):
    TCP = "TCP"
    HTTP = "HTTP"


@dataclass(frozen=True)
class LoadBalancedFargateServiceConfig:
    """Settings of :class:`LoadBalancedFargateService`."""

    service_name: str = "TodoList-Service"
    """ECS service name, also the prefix of the task family, log group, roles and load balancer. Default ``TodoList-Service``."""
    cluster_name: str = CLUSTER_NAME
    """ECS cluster name. Default ``TodoList-Cluster``."""
    container_insights: bool = True
    """CloudWatch Container Insights on the cluster. Default True."""
    container_name: str = CONTAINER_NAME
    """Container name; the pipeline's imagedefinitions.json must use the same. Default ``TodoList-Service``."""
    container_port: int = CONTAINER_PORT
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
    """Variable name -> SSM parameter or Secrets Manager ARN; the execution role may read exactly these. Default none."""
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
    """TCP listener port of the NLB. Default 80."""
    deregistration_delay_s: int = 30
    """Seconds a deregistering target keeps its connections, 0 to 3600. Default 30."""
    health_check_protocol: HealthCheckProtocol = HealthCheckProtocol.TCP
    """``TCP`` (default) or ``HTTP`` on ``health_check_path``."""
    health_check_path: str = "/health"
    """Path of the HTTP health check. Default ``/health``."""
    enable_tls: bool = False
    """Add a TLS listener on 443 with ``tls_certificate_arn`` and a TLS 1.3 policy. Default False."""
    tls_certificate_arn: str = ""
    """ACM certificate ARN for the TLS listener. Default none."""
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
        for name in ("service_name", "cluster_name", "container_name"):
            _checks.matches(name, getattr(self, name), _NAME_PATTERN, "must start with a letter and hold at most 32 letters, digits, '-' or '_'")
        _checks.boolean("container_insights", self.container_insights)
        _checks.int_in_range("container_port", self.container_port, 1, 65535)
        _checks.matches("image_tag", self.image_tag, r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", "must be a Docker tag: up to 128 letters, digits, '_', '.', '-'")
        if self.cpu not in FARGATE_SIZES:
            raise ConfigError("cpu", self.cpu, f"must be one of {', '.join(map(str, FARGATE_SIZES))} CPU units")
        _checks.int_in_range("memory_mib", self.memory_mib, 1)
        if self.memory_mib not in FARGATE_SIZES[self.cpu]:
            allowed = FARGATE_SIZES[self.cpu]
            raise ConfigError("memory_mib", self.memory_mib, f"with cpu={self.cpu} Fargate allows {allowed[0]} to {allowed[-1]} MiB in the steps {', '.join(map(str, allowed[:3]))}, ...")
        environment = _checks.string_mapping("environment", self.environment)
        secrets = _checks.string_mapping("secrets", self.secrets)
        for name in (*environment, *secrets):
            if not re.fullmatch(_ENV_NAME_PATTERN, name):
                raise ConfigError("environment" if name in environment else "secrets", name, "variable names must be letters, digits and '_', not starting with a digit")
        for name in set(environment) & set(secrets):
            raise ConfigError("secrets", name, "must not repeat a name that environment already sets")
        for name, arn in secrets.items():
            _checks.matches(f"secrets[{name!r}]", arn, _SECRET_ARN_PATTERN, "must be an SSM parameter ARN or a Secrets Manager secret ARN")
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
        object.__setattr__(self, "health_check_protocol", _checks.one_of("health_check_protocol", self.health_check_protocol, HealthCheckProtocol))
        _checks.matches("health_check_path", self.health_check_path, r"/[\x21-\x7e]{0,1023}", "must be a path starting with '/'")
        _checks.boolean("enable_tls", self.enable_tls)
        if self.enable_tls:
            if not self.tls_certificate_arn:
                raise ConfigError("tls_certificate_arn", self.tls_certificate_arn, "is required when enable_tls is True: an ACM certificate ARN")
            _checks.matches("tls_certificate_arn", self.tls_certificate_arn, _CERTIFICATE_ARN_PATTERN, "must be an ACM certificate ARN")
            if self.listener_port == TLS_PORT:
                raise ConfigError("listener_port", self.listener_port, f"must differ from the TLS listener's port {TLS_PORT} when enable_tls is True")
        _checks.boolean("enable_autoscaling", self.enable_autoscaling)
        _checks.int_in_range("autoscaling_min", self.autoscaling_min, 1)
        _checks.int_in_range("autoscaling_max", self.autoscaling_max, 1)
        if self.autoscaling_max < self.autoscaling_min:
            raise ConfigError("autoscaling_max", self.autoscaling_max, f"must be at least autoscaling_min={self.autoscaling_min}")
        _checks.int_in_range("autoscaling_cpu_percent", self.autoscaling_cpu_percent, 10, 90)
        _checks.boolean("ignore_task_definition_changes", self.ignore_task_definition_changes)
        object.__setattr__(self, "tags", _checks.string_mapping("tags", self.tags))


class LoadBalancedFargateService(Construct):
    """Cluster, task definition, service, security group, log group, roles and NLB.

    Attributes: ``cluster_name``, ``cluster_arn``, ``service_name``, ``service_arn``, ``task_definition_family``, ``task_definition_arn``,
    ``log_group_name``, ``load_balancer_dns_name``, ``task_role_arn``, ``execution_role_arn``,
    ``task_role_name``, ``security_group_id``, ``container_name``.
    """

    def __init__(
        self, scope: Construct, id: str, *, config: LoadBalancedFargateServiceConfig | None = None,
        network: NetworkRef, repository: RepositoryRef,
    ) -> None:
        config = config if config is not None else LoadBalancedFargateServiceConfig()
        if not isinstance(config, LoadBalancedFargateServiceConfig):
            raise ConfigError("config", config, "must be a LoadBalancedFargateServiceConfig")
        super().__init__(scope, id)
        self.config = config
        tags = dict(config.tags) or None
        name = config.service_name

        cluster = EcsCluster(
            self, "cluster", name=config.cluster_name,
            setting=[EcsClusterSetting(name="containerInsights", value="enabled" if config.container_insights else "disabled")],
            tags=tags,
        )
        log_group = CloudwatchLogGroup(self, "logs", name=f"/ecs/{name}", retention_in_days=config.log_retention_days, tags=tags)
        skip_check(log_group, "CKV_AWS_158", AWS_MANAGED_KEYS)

        execution_role = IamRole(self, "execution-role", name=f"{name}-execution", assume_role_policy=trust_policy("ecs-tasks.amazonaws.com"), tags=tags)
        IamRolePolicy(self, "execution-policy", role=execution_role.id, name="pull-image-write-logs", policy=policy_document(self._execution_statements(repository.arn, log_group.arn)))
        task_role = IamRole(self, "task-role", name=f"{name}-task", assume_role_policy=trust_policy("ecs-tasks.amazonaws.com"), tags=tags)
        self._task_role = task_role
        if config.enable_execute_command:
            self.add_task_policy("ecs-exec", [{
                "Effect": "Allow",
                "Action": ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
                "Resource": "*",  # ssmmessages has no resource-level permissions
            }])

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
            self, "task", family=name, requires_compatibilities=["FARGATE"], network_mode="awsvpc",
            cpu=str(config.cpu), memory=str(config.memory_mib),
            execution_role_arn=execution_role.arn, task_role_arn=task_role.arn,
            container_definitions=json.dumps([container]), tags=tags,
        )

        security_group = SecurityGroup(self, "security-group", name=f"{name}-tasks", description=f"{name} tasks: container port from the VPC only", vpc_id=network.vpc_id, tags=tags)
        VpcSecurityGroupIngressRule(
            self, "ingress", security_group_id=security_group.id, ip_protocol="tcp",
            from_port=config.container_port, to_port=config.container_port, cidr_ipv4=network.vpc_cidr,
            description="Container port from the load balancer's subnets",
        )
        VpcSecurityGroupEgressRule(self, "egress", security_group_id=security_group.id, ip_protocol="-1", cidr_ipv4="0.0.0.0/0", description="Image pulls, logs and AWS APIs")

        load_balancer = Lb(
            self, "nlb", name=f"{name}-nlb"[:32], load_balancer_type="network", internal=not config.internet_facing,
            subnets=list(network.public_subnet_ids if config.internet_facing else network.private_subnet_ids),
            enable_cross_zone_load_balancing=True, enable_deletion_protection=config.deletion_protection, tags=tags,
        )
        skip_check(load_balancer, "CKV_AWS_91", "NLB access logs cover TLS listeners only; the service logs every request (JSON access log in CloudWatch)")
        skip_check(load_balancer, "CKV2_AWS_20", "a Network Load Balancer forwards TCP and cannot redirect HTTP; HTTPS is enable_tls")
        if not config.deletion_protection:
            skip_check(load_balancer, "CKV_AWS_150", "deletion_protection=False in this configuration")
        health_check: dict[str, Any] = {"enabled": True, "protocol": config.health_check_protocol.value, "port": "traffic-port"}
        if config.health_check_protocol is HealthCheckProtocol.HTTP:
            health_check["path"] = config.health_check_path
        target_group = LbTargetGroup(
            self, "targets", name=f"{name}-tg"[:32], port=config.container_port, protocol="TCP", target_type="ip",
            vpc_id=network.vpc_id, deregistration_delay=str(config.deregistration_delay_s),
            preserve_client_ip="false", health_check=health_check, tags=tags,
        )
        forward = [LbListenerDefaultAction(type="forward", target_group_arn=target_group.arn)]
        listeners = [LbListener(self, "listener", load_balancer_arn=load_balancer.arn, port=config.listener_port, protocol="TCP", default_action=forward, tags=tags)]
        if config.enable_tls:
            listeners.append(LbListener(
                self, "tls-listener", load_balancer_arn=load_balancer.arn, port=TLS_PORT, protocol="TLS",
                certificate_arn=config.tls_certificate_arn, ssl_policy=TLS_POLICY, default_action=forward, tags=tags,
            ))

        ignored = (["task_definition"] if config.ignore_task_definition_changes else []) + (["desired_count"] if config.enable_autoscaling else [])
        service = EcsService(
            self, "service", name=name, cluster=cluster.arn, task_definition=task_definition.arn,
            desired_count=config.desired_count, launch_type="FARGATE",
            deployment_minimum_healthy_percent=config.min_healthy_percent,
            deployment_maximum_percent=config.max_healthy_percent,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            health_check_grace_period_seconds=config.health_check_grace_period_s,
            enable_execute_command=config.enable_execute_command,
            network_configuration={"subnets": list(network.private_subnet_ids), "security_groups": [security_group.id], "assign_public_ip": False},
            load_balancer=[EcsServiceLoadBalancer(target_group_arn=target_group.arn, container_name=config.container_name, container_port=config.container_port)],
            propagate_tags="SERVICE", tags=tags, depends_on=listeners,
            lifecycle=TerraformResourceLifecycle(ignore_changes=ignored) if ignored else None,
        )
        if config.enable_autoscaling:
            target = AppautoscalingTarget(
                self, "scaling-target", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
                resource_id=f"service/{cluster.name}/{service.name}",
                min_capacity=config.autoscaling_min, max_capacity=config.autoscaling_max,
            )
            AppautoscalingPolicy(
                self, "scaling-policy", name=f"{name}-cpu", policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace, scalable_dimension=target.scalable_dimension, resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration={
                    "target_value": config.autoscaling_cpu_percent,
                    "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
                },
            )

        self.cluster_name: str = cluster.name
        self.cluster_arn: str = cluster.arn
        self.service_name: str = service.name
        self.service_arn: str = service.id
        self.task_definition_family: str = task_definition.family
        self.task_definition_arn: str = task_definition.arn
        self.log_group_name: str = log_group.name
        self.load_balancer_dns_name: str = load_balancer.dns_name
        self.task_role_arn: str = task_role.arn
        self.task_role_name: str = task_role.name
        self.execution_role_arn: str = execution_role.arn
        self.security_group_id: str = security_group.id
        self.container_name: str = config.container_name

    def add_task_policy(self, name: str, statements: list[dict[str, Any]]) -> None:
        """Grant the application (task role) exactly ``statements``, as an inline policy called ``name``."""
        _checks.matches("name", name, r"[A-Za-z0-9+=,.@_-]{1,128}", "must be an IAM policy name")
        IamRolePolicy(self, f"task-policy-{name}", role=self._task_role.id, name=name, policy=policy_document(statements))

    def _execution_statements(self, repository_arn: str, log_group_arn: str) -> list[dict[str, Any]]:
        statements: list[dict[str, Any]] = [
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},  # AWS supports no narrower resource
            {"Effect": "Allow", "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], "Resource": repository_arn},
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{log_group_arn}:*"},
        ]
        ssm = sorted(arn for arn in self.config.secrets.values() if ":ssm:" in arn)
        secrets_manager = sorted(arn for arn in self.config.secrets.values() if ":secretsmanager:" in arn)
        if ssm:
            statements.append({"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": ssm})
        if secrets_manager:
            statements.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets_manager})
        return statements
