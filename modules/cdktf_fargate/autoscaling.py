"""ServiceAutoscaling: target tracking on a service's task count, by CPU, memory and requests per target."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.appautoscaling_policy import AppautoscalingPolicy
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from constructs import Construct

from . import _checks, _names
from .errors import ConfigError


@dataclass(frozen=True)
class AutoscalingConfig:
    """Settings of :class:`ServiceAutoscaling`. The service's desired count is then the autoscaler's."""

    min_capacity: int = 1
    """Fewest tasks, at least 1. Default 1."""
    max_capacity: int = 4
    """Most tasks, at least ``min_capacity``. Default 4."""
    cpu_percent: int | None = 70
    """Target average CPU utilisation, 10 to 90; None: do not scale on CPU. Default 70."""
    memory_percent: int | None = None
    """Target average memory utilisation, 10 to 90; None: do not scale on memory. Default None."""
    requests_per_target: int | None = None
    """Target requests per task per minute, 1 to 1000000 (behind an Application Load Balancer only);
    None: do not scale on requests. Default None."""

    def __post_init__(self) -> None:
        _checks.int_in_range("autoscaling.min_capacity", self.min_capacity, 1)
        _checks.int_in_range("autoscaling.max_capacity", self.max_capacity, 1)
        if self.max_capacity < self.min_capacity:
            raise ConfigError("autoscaling.max_capacity", self.max_capacity, f"must be at least min_capacity={self.min_capacity}")
        _checks.optional_int_in_range("autoscaling.cpu_percent", self.cpu_percent, 10, 90)
        _checks.optional_int_in_range("autoscaling.memory_percent", self.memory_percent, 10, 90)
        _checks.optional_int_in_range("autoscaling.requests_per_target", self.requests_per_target, 1, 1_000_000)
        if (self.cpu_percent, self.memory_percent, self.requests_per_target) == (None, None, None):
            raise ConfigError(
                "autoscaling.cpu_percent", None, "at least one of cpu_percent, memory_percent and requests_per_target must be set"
            )


class ServiceAutoscaling(Construct):
    """A scalable target on the service's desired count and one target-tracking policy per metric.

    Attributes: the resources ``target``, ``cpu_policy``, ``memory_policy``, ``requests_policy`` (None when unused).
    """

    target: AppautoscalingTarget
    """The scalable target (the service's desired count)."""
    cpu_policy: AppautoscalingPolicy | None
    """Tracks average CPU, or None."""
    memory_policy: AppautoscalingPolicy | None
    """Tracks average memory, or None."""
    requests_policy: AppautoscalingPolicy | None
    """Tracks requests per target, or None."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: AutoscalingConfig,
        cluster_name: str,
        service_name: str,
        target_group_label: str | None = None,
    ) -> None:
        if not isinstance(config, AutoscalingConfig):
            raise ConfigError("autoscaling", config, "must be an AutoscalingConfig")
        if config.requests_per_target is not None and target_group_label is None:
            raise ConfigError(
                "autoscaling.requests_per_target",
                config.requests_per_target,
                "needs an Application Load Balancer in front of the service (ApplicationLoadBalancedFargateService)",
            )
        super().__init__(scope, id)
        self._service_name = service_name
        self.target = AppautoscalingTarget(
            self,
            "target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=f"service/{cluster_name}/{service_name}",
            min_capacity=config.min_capacity,
            max_capacity=config.max_capacity,
        )
        self.cpu_policy = self._policy("cpu", config.cpu_percent, "ECSServiceAverageCPUUtilization")
        self.memory_policy = self._policy("memory", config.memory_percent, "ECSServiceAverageMemoryUtilization")
        self.requests_policy = self._policy(
            "requests", config.requests_per_target, "ALBRequestCountPerTarget", resource_label=target_group_label
        )

    def _policy(
        self, metric: str, target_value: int | None, metric_type: str, resource_label: str | None = None
    ) -> AppautoscalingPolicy | None:
        if target_value is None:
            return None
        specification = {"predefined_metric_type": metric_type}
        if resource_label is not None:
            specification["resource_label"] = resource_label
        return AppautoscalingPolicy(
            self,
            metric,
            name=_names.SCALING_POLICY.derive(self, f"{self._service_name}-{metric}", metric),
            policy_type="TargetTrackingScaling",
            service_namespace=self.target.service_namespace,
            scalable_dimension=self.target.scalable_dimension,
            resource_id=self.target.resource_id,
            target_tracking_scaling_policy_configuration={
                "target_value": target_value,
                "predefined_metric_specification": specification,
            },
        )
