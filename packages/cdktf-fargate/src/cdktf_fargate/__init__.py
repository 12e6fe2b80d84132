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

__version__ = "0.3.0"

_EXPORTS = {
    "ConfigError": "errors",
    "ContainerRepository": "container_repository",
    "ContainerRepositoryConfig": "container_repository",
    "TagMutability": "container_repository",
    "LoadBalancedFargateService": "fargate_service",
    "LoadBalancedFargateServiceConfig": "fargate_service",
    "HealthCheckProtocol": "fargate_service",
    "ExistingCluster": "fargate_service",
    "Environment": "environment",
    "Target": "environment",
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
    from .container_repository import ContainerRepository, ContainerRepositoryConfig, TagMutability
    from .environment import Environment, Target
    from .errors import ConfigError
    from .fargate_service import (
        ExistingCluster,
        HealthCheckProtocol,
        LoadBalancedFargateService,
        LoadBalancedFargateServiceConfig,
    )
    from .network import ExistingNetwork, Network, NetworkConfig
    from .pipeline import Pipeline, PipelineConfig, SourceKind
    from .private_bucket import PrivateBucket, PrivateBucketConfig
    from .static_site import OriginProtocol, PriceClass, StaticSite, StaticSiteConfig
    from .table import Table, TableConfig


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
