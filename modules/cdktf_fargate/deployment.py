"""How a load-balanced service releases a new task definition: ECS's rolling update, or blue/green through
AWS CodeDeploy, with rollback on a failed deployment and, optionally, on CloudWatch alarms.

``EcsBlueGreenDeployment`` is the CodeDeploy part (application, deployment group, the role CodeDeploy
assumes); ``RollbackAlarms`` builds the target-group alarms both strategies roll back on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.codedeploy_app import CodedeployApp
from cdktf_cdktf_provider_aws.codedeploy_deployment_group import CodedeployDeploymentGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from . import _checks, _iam, _names
from ._arns import Arns
from .errors import ConfigError

MAX_TERMINATION_WAIT_MINUTES = 2880  # AWS: two days


class DeploymentStrategy(str, Enum):
    """How a new task definition reaches the service."""

    ROLLING = "ROLLING"
    """ECS replaces tasks in place (the circuit breaker rolls back tasks that fail to start)."""
    BLUE_GREEN = "BLUE_GREEN"
    """CodeDeploy starts the new tasks beside the old ones, shifts traffic, and rolls back on failure."""


class TrafficShifting(str, Enum):
    """CodeDeploy's predefined ECS traffic shifting (deployment configurations). Canary and linear need
    an Application Load Balancer; a Network Load Balancer shifts all at once."""

    ALL_AT_ONCE = "CodeDeployDefault.ECSAllAtOnce"
    CANARY_10_PERCENT_5_MINUTES = "CodeDeployDefault.ECSCanary10Percent5Minutes"
    CANARY_10_PERCENT_15_MINUTES = "CodeDeployDefault.ECSCanary10Percent15Minutes"
    LINEAR_10_PERCENT_EVERY_1_MINUTE = "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    LINEAR_10_PERCENT_EVERY_3_MINUTES = "CodeDeployDefault.ECSLinear10PercentEvery3Minutes"


@dataclass(frozen=True)
class DeploymentAlarms:
    """CloudWatch alarms on the service's target group(s) that stop a deployment and roll it back."""

    http_5xx_threshold: int | None = None
    """Alarm when the targets answer more than this many 5xx responses in a period (Application Load
    Balancer only); None: no such alarm. Default None."""
    unhealthy_hosts_threshold: int | None = 1
    """Alarm when at least this many targets are unhealthy; None: no such alarm. Default 1."""
    period_s: int = 60
    """Seconds per evaluation period: 10, 30, or a multiple of 60 up to 86400. Default 60."""
    evaluation_periods: int = 2
    """Periods in a row over the threshold before the alarm fires, 1 to 100. Default 2."""

    def __post_init__(self) -> None:
        _checks.optional_int_in_range("alarms.http_5xx_threshold", self.http_5xx_threshold, 1)
        _checks.optional_int_in_range("alarms.unhealthy_hosts_threshold", self.unhealthy_hosts_threshold, 1)
        if self.http_5xx_threshold is None and self.unhealthy_hosts_threshold is None:
            raise ConfigError(
                "alarms.unhealthy_hosts_threshold",
                None,
                "at least one of http_5xx_threshold and unhealthy_hosts_threshold must be set",
            )
        _checks.int_in_range("alarms.period_s", self.period_s, 10, 86400)
        if self.period_s not in (10, 30) and self.period_s % 60:
            raise ConfigError("alarms.period_s", self.period_s, "must be 10, 30 or a multiple of 60 (CloudWatch's periods)")
        _checks.int_in_range("alarms.evaluation_periods", self.evaluation_periods, 1, 100)


@dataclass(frozen=True)
class BlueGreenConfig:
    """Settings of :class:`EcsBlueGreenDeployment`."""

    traffic_shifting: TrafficShifting = TrafficShifting.ALL_AT_ONCE
    """How traffic moves to the new tasks. Default all at once."""
    termination_wait_minutes: int = 5
    """Minutes the old tasks keep running after a successful deployment (the window to roll back by
    hand), 0 to 2880. Default 5."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "traffic_shifting", _checks.one_of("traffic_shifting", self.traffic_shifting, TrafficShifting))
        _checks.int_in_range("termination_wait_minutes", self.termination_wait_minutes, 0, MAX_TERMINATION_WAIT_MINUTES)


@dataclass(frozen=True)
class TrafficRoutes:
    """What CodeDeploy switches: the production and test listeners, and the blue and green target groups."""

    production_listener_arns: Sequence[str]
    test_listener_arn: str
    blue_target_group_name: str
    green_target_group_name: str


class EcsBlueGreenDeployment(Construct):
    """A CodeDeploy application and blue/green deployment group for one ECS service, and the role
    CodeDeploy assumes, allowed to act on this service, its listeners and target groups only.

    Attributes: ``application_name``, ``deployment_group_name``, ``role_arn``; the resources
    ``application``, ``deployment_group``, ``role``.
    """

    application_name: str
    """Name of the CodeDeploy application."""
    deployment_group_name: str
    """Name of the deployment group."""
    role_arn: str
    """ARN of the role CodeDeploy assumes."""
    application: CodedeployApp
    """The CodeDeploy application (compute platform ECS)."""
    deployment_group: CodedeployDeploymentGroup
    """The blue/green deployment group."""
    role: IamRole
    """The role CodeDeploy assumes."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: BlueGreenConfig,
        name: str,
        cluster_name: str,
        service_name: str,
        routes: TrafficRoutes,
        pass_role_arns: Sequence[str],
        alarm_names: Sequence[str] = (),
    ) -> None:
        if not isinstance(config, BlueGreenConfig):
            raise ConfigError("config", config, "must be a BlueGreenConfig")
        super().__init__(scope, id)
        tags = dict(config.tags) or None
        self.application = CodedeployApp(
            self, "application", name=_names.CODEDEPLOY_NAME.fit(name), compute_platform="ECS", tags=tags
        )
        self.role = _iam.service_role(
            self,
            "codedeploy",
            name=_names.IAM_ROLE.fit(f"{name}-codedeploy"),
            service="codedeploy.amazonaws.com",
            tags=tags,
            policy_name="blue-green-deploy",
            statements=self._statements(cluster_name, service_name, routes, pass_role_arns, alarm_names),
        )
        self.deployment_group = self._deployment_group(config, name, cluster_name, service_name, routes, alarm_names, tags)
        self.application_name = self.application.name
        self.deployment_group_name = self.deployment_group.deployment_group_name
        self.role_arn = self.role.arn

    def _deployment_group(
        self,
        config: BlueGreenConfig,
        name: str,
        cluster_name: str,
        service_name: str,
        routes: TrafficRoutes,
        alarm_names: Sequence[str],
        tags: dict[str, str] | None,
    ) -> CodedeployDeploymentGroup:
        rollback_events = ["DEPLOYMENT_FAILURE", *(["DEPLOYMENT_STOP_ON_ALARM"] if alarm_names else [])]
        return CodedeployDeploymentGroup(
            self,
            "deployment-group",
            app_name=self.application.name,
            deployment_group_name=_names.CODEDEPLOY_NAME.fit(name),
            service_role_arn=self.role.arn,
            deployment_config_name=config.traffic_shifting.value,
            deployment_style={"deployment_type": "BLUE_GREEN", "deployment_option": "WITH_TRAFFIC_CONTROL"},
            blue_green_deployment_config={
                "deployment_ready_option": {"action_on_timeout": "CONTINUE_DEPLOYMENT"},
                "terminate_blue_instances_on_deployment_success": {
                    "action": "TERMINATE",
                    "termination_wait_time_in_minutes": config.termination_wait_minutes,
                },
            },
            auto_rollback_configuration={"enabled": True, "events": rollback_events},
            alarm_configuration={"enabled": True, "alarms": list(alarm_names)} if alarm_names else None,
            ecs_service={"cluster_name": cluster_name, "service_name": service_name},
            load_balancer_info={
                "target_group_pair_info": {
                    "prod_traffic_route": {"listener_arns": list(routes.production_listener_arns)},
                    "test_traffic_route": {"listener_arns": [routes.test_listener_arn]},
                    "target_group": [{"name": routes.blue_target_group_name}, {"name": routes.green_target_group_name}],
                }
            },
            tags=tags,
        )

    def _statements(
        self,
        cluster_name: str,
        service_name: str,
        routes: TrafficRoutes,
        pass_role_arns: Sequence[str],
        alarm_names: Sequence[str],
    ) -> list[dict]:
        arn = Arns(self)
        statements = [
            {
                "Effect": "Allow",
                "Action": ["ecs:DescribeServices", "ecs:CreateTaskSet", "ecs:UpdateServicePrimaryTaskSet", "ecs:DeleteTaskSet"],
                "Resource": [
                    arn.of("ecs", f"service/{cluster_name}/{service_name}"),
                    arn.of("ecs", f"task-set/{cluster_name}/{service_name}/*"),
                ],
            },
            {
                "Effect": "Allow",
                "Action": ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
                "Resource": [
                    *routes.production_listener_arns,
                    routes.test_listener_arn,
                    arn.of("elasticloadbalancing", "listener-rule/*"),
                ],
            },
            # Describe calls of Elastic Load Balancing support no resource-level permissions.
            {
                "Effect": "Allow",
                "Action": [
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeRules",
                    "elasticloadbalancing:DescribeTargetGroups",
                ],
                "Resource": "*",
            },
            _iam.pass_role_statement(pass_role_arns, "ecs-tasks.amazonaws.com"),
        ]
        if alarm_names:
            statements.append(
                {
                    "Effect": "Allow",
                    "Action": "cloudwatch:DescribeAlarms",
                    "Resource": [arn.of("cloudwatch", f"alarm:{n}") for n in alarm_names],
                }
            )
        return statements


def target_group_alarms(
    scope: Construct,
    *,
    config: DeploymentAlarms,
    name: str,
    load_balancer_arn_suffix: str,
    target_groups: Mapping[str, str],
    http_5xx: bool,
    tags: dict[str, str] | None,
) -> tuple[CloudwatchMetricAlarm, ...]:
    """Alarms on each target group (``id -> ARN suffix``): 5xx responses (``http_5xx``: ALB) and unhealthy hosts."""
    namespace = "AWS/ApplicationELB" if http_5xx else "AWS/NetworkELB"
    alarms = []
    for key, suffix in target_groups.items():
        dimensions = {"LoadBalancer": load_balancer_arn_suffix, "TargetGroup": suffix}
        metrics = []
        if config.http_5xx_threshold is not None:
            metrics.append(("5xx", "HTTPCode_Target_5XX_Count", "Sum", config.http_5xx_threshold, "GreaterThanThreshold"))
        if config.unhealthy_hosts_threshold is not None:
            metrics.append(
                ("unhealthy", "UnHealthyHostCount", "Maximum", config.unhealthy_hosts_threshold, "GreaterThanOrEqualToThreshold")
            )
        for metric_id, metric, statistic, threshold, comparison in metrics:
            alarms.append(
                CloudwatchMetricAlarm(
                    scope,
                    f"alarm-{key}-{metric_id}",
                    alarm_name=_names.ALARM.fit(f"{name}-{key}-{metric_id}"),
                    alarm_description=f"{name}: {metric} of the {key} target group; stops and rolls back a deployment",
                    namespace=namespace,
                    metric_name=metric,
                    dimensions=dimensions,
                    statistic=statistic,
                    period=config.period_s,
                    evaluation_periods=config.evaluation_periods,
                    threshold=threshold,
                    comparison_operator=comparison,
                    treat_missing_data="notBreaching",
                    tags=tags,
                )
            )
    return tuple(alarms)
