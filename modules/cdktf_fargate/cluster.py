"""Cluster: the ECS cluster services run in, created here or brought from elsewhere (:class:`ExistingCluster`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import EcsClusterCapacityProviders
from constructs import Construct

from . import _checks, _names
from .errors import ConfigError

CLUSTER_ARN_PATTERN = r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/[A-Za-z0-9_-]{1,255}"
FARGATE_CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


@dataclass(frozen=True)
class ClusterConfig:
    """Settings of :class:`Cluster`."""

    cluster_name: str | None = None
    """Cluster name (1-255 letters, digits, '-', '_'). Default: derived from the construct path."""
    container_insights: bool = True
    """CloudWatch Container Insights. Default True."""
    enable_fargate_capacity_providers: bool = False
    """Add the ``FARGATE`` and ``FARGATE_SPOT`` capacity providers, which a service's
    ``capacity_provider_strategy`` needs. Default False (a service that asks for a strategy and creates
    its own cluster turns it on)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if self.cluster_name is not None:
            _names.ECS_CLUSTER.check("cluster_name", self.cluster_name)
        _checks.boolean("container_insights", self.container_insights)
        _checks.boolean("enable_fargate_capacity_providers", self.enable_fargate_capacity_providers)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


class Cluster(Construct):
    """An ECS cluster with the Fargate and Fargate Spot capacity providers.

    Attributes: ``cluster_name``, ``cluster_arn``; the resources ``cluster``, ``capacity_providers``.
    """

    cluster_name: str
    """Name of the cluster."""
    cluster_arn: str
    """ARN of the cluster."""
    cluster: EcsCluster
    """The cluster resource."""
    capacity_providers: EcsClusterCapacityProviders | None
    """Its capacity providers (FARGATE and FARGATE_SPOT), or None without ``enable_fargate_capacity_providers``."""

    def __init__(self, scope: Construct, id: str, *, config: ClusterConfig | None = None) -> None:
        config = config if config is not None else ClusterConfig()
        if not isinstance(config, ClusterConfig):
            raise ConfigError("config", config, "must be a ClusterConfig")
        super().__init__(scope, id)
        self.cluster = EcsCluster(
            self,
            "cluster",
            name=config.cluster_name if config.cluster_name is not None else _names.ECS_CLUSTER.unique(self),
            setting=[EcsClusterSetting(name="containerInsights", value="enabled" if config.container_insights else "disabled")],
            tags=dict(config.tags) or None,
        )
        self.capacity_providers = self._capacity_providers() if config.enable_fargate_capacity_providers else None
        self.cluster_name = self.cluster.name
        self.cluster_arn = self.cluster.arn

    def _capacity_providers(self) -> EcsClusterCapacityProviders:
        return EcsClusterCapacityProviders(
            self, "capacity-providers", cluster_name=self.cluster.name, capacity_providers=list(FARGATE_CAPACITY_PROVIDERS)
        )


@dataclass(frozen=True)
class ExistingCluster:
    """An ECS cluster built elsewhere (another stack, another team), for ``cluster=`` of the services.

    Either field may be a Terraform token (``DataAwsEcsCluster(...).cluster_name``, another stack's attribute).
    A service that uses Fargate Spot needs the cluster to have the ``FARGATE_SPOT`` capacity provider.
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
            CLUSTER_ARN_PATTERN,
            "must be an ECS cluster ARN like 'arn:aws:ecs:us-east-1:123456789012:cluster/name'",
        )


def check_cluster(cluster: object) -> None:
    """``cluster=`` must be a cluster of ours, a service, or an :class:`ExistingCluster`."""
    if not (isinstance(getattr(cluster, "cluster_name", None), str) and isinstance(getattr(cluster, "cluster_arn", None), str)):
        raise ConfigError(
            "cluster", cluster, "must have cluster_name and cluster_arn: a Cluster, another service, or an ExistingCluster"
        )
