"""What one construct needs from another. Constructs accept any object with these attributes:
the construct that made the thing, or a plain value object such as ``ExistingNetwork``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class NetworkRef(Protocol):
    """What the service needs from a network (``Network`` provides it)."""

    vpc_id: str
    vpc_cidr: str
    public_subnet_ids: Sequence[str]
    private_subnet_ids: Sequence[str]


class RepositoryRef(Protocol):
    """What the service needs from an image repository (``ContainerRepository`` provides it)."""

    url: str
    arn: str


class ClusterRef(Protocol):
    """What a service needs to join a cluster (``Cluster``, every service, and ``ExistingCluster`` provide it)."""

    cluster_name: str
    cluster_arn: str


class ServiceRef(Protocol):
    """What the pipeline needs from the service (every service construct provides it)."""

    cluster_name: str
    cluster_arn: str
    service_name: str
    service_arn: str
    task_definition_family: str
    container_name: str
    task_role_arn: str
    execution_role_arn: str
