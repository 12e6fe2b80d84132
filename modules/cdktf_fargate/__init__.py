"""Reusable CDK for Terraform constructs for a containerised web service on AWS.

Every construct takes ``(scope, id, *, config)``; configs are frozen dataclasses that raise
:class:`ConfigError` naming the field, the bad value and what is allowed.

Names are exported lazily, so ``cdktf_fargate.environment`` and ``cdktf_fargate.errors`` can be
imported without loading jsii.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _fast_synth

_fast_synth.install()  # before anything imports the provider package

__version__ = "0.4.0"

_EXPORTS = {
    "ConfigError": "errors",
    "ContainerRepository": "container_repository",
    "ContainerRepositoryConfig": "container_repository",
    "TagMutability": "container_repository",
    "Cluster": "cluster",
    "ClusterConfig": "cluster",
    "ExistingCluster": "cluster",
    "FargateTaskDefinition": "task_definition",
    "TaskDefinitionConfig": "task_definition",
    "SidecarContainer": "task_definition",
    "ContainerHealthCheck": "task_definition",
    "CpuArchitecture": "task_definition",
    "FargateService": "fargate_service",
    "FargateServiceConfig": "fargate_service",
    "CapacityProvider": "fargate_service",
    "CapacityProviderStrategy": "fargate_service",
    "AutoscalingConfig": "autoscaling",
    "DeploymentStrategy": "deployment",
    "TrafficShifting": "deployment",
    "DeploymentAlarms": "deployment",
    "BlueGreenConfig": "deployment",
    "EcsBlueGreenDeployment": "deployment",
    "ServiceAutoscaling": "autoscaling",
    "NetworkLoadBalancer": "load_balancer",
    "ApplicationLoadBalancer": "load_balancer",
    "LoadBalancerConfig": "load_balancer",
    "ApplicationLoadBalancerConfig": "load_balancer",
    "ExistingLoadBalancer": "load_balancer",
    "NetworkLoadBalancedFargateService": "network_load_balanced",
    "NetworkLoadBalancedFargateServiceConfig": "network_load_balanced",
    "HealthCheckProtocol": "network_load_balanced",
    "ApplicationLoadBalancedFargateService": "application_load_balanced",
    "ApplicationLoadBalancedFargateServiceConfig": "application_load_balanced",
    "Environment": "environment",
    "EnvironmentKind": "environment",
    "Network": "network",
    "ExistingNetwork": "network",
    "Pipeline": "pipeline",
    "PipelineConfig": "pipeline",
    "SourceKind": "pipeline",
    "PrivateBucket": "private_bucket",
    "PrivateBucketConfig": "private_bucket",
    "StaticSite": "static_site",
    "StaticSiteConfig": "static_site",
    "PriceClass": "static_site",
    "OriginProtocol": "static_site",
    "Table": "table",
    "TableConfig": "table",
    "NetworkConfig": "network",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

if TYPE_CHECKING:
    from .application_load_balanced import ApplicationLoadBalancedFargateService, ApplicationLoadBalancedFargateServiceConfig
    from .autoscaling import AutoscalingConfig, ServiceAutoscaling
    from .cluster import Cluster, ClusterConfig, ExistingCluster
    from .container_repository import ContainerRepository, ContainerRepositoryConfig, TagMutability
    from .deployment import BlueGreenConfig, DeploymentAlarms, DeploymentStrategy, EcsBlueGreenDeployment, TrafficShifting
    from .environment import Environment, EnvironmentKind
    from .errors import ConfigError
    from .fargate_service import CapacityProvider, CapacityProviderStrategy, FargateService, FargateServiceConfig
    from .load_balancer import (
        ApplicationLoadBalancer,
        ApplicationLoadBalancerConfig,
        ExistingLoadBalancer,
        LoadBalancerConfig,
        NetworkLoadBalancer,
    )
    from .network import ExistingNetwork, Network, NetworkConfig
    from .network_load_balanced import (
        HealthCheckProtocol,
        NetworkLoadBalancedFargateService,
        NetworkLoadBalancedFargateServiceConfig,
    )
    from .pipeline import Pipeline, PipelineConfig, SourceKind
    from .private_bucket import PrivateBucket, PrivateBucketConfig
    from .static_site import OriginProtocol, PriceClass, StaticSite, StaticSiteConfig
    from .table import Table, TableConfig
    from .task_definition import (
        ContainerHealthCheck,
        CpuArchitecture,
        FargateTaskDefinition,
        SidecarContainer,
        TaskDefinitionConfig,
    )


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
