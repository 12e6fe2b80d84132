"""ContainerRepository: the ECR repository the service image is pushed to and pulled from."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository, EcrRepositoryEncryptionConfiguration
from constructs import Construct

from . import _checks, _names
from ._terraform import AWS_MANAGED_KEYS, skip_check
from .errors import ConfigError


class TagMutability(str, Enum):
    MUTABLE = "MUTABLE"
    IMMUTABLE = "IMMUTABLE"


@dataclass(frozen=True)
class ContainerRepositoryConfig:
    """Settings of :class:`ContainerRepository`."""

    name: str | None = None
    """Repository name: lowercase path segments of letters, digits, ``.``, ``_``, ``-``.
    Default: derived from the construct path (``<stack>-<id>-<hash>``, lowercase)."""
    tag_mutability: TagMutability = TagMutability.MUTABLE
    """``MUTABLE`` (default) or ``IMMUTABLE``. Mutable because the pipeline re-pushes ``latest`` on every
    build; the commit-id tag it also pushes is what deployments reference, and it never moves."""
    scan_on_push: bool = True
    """Scan every pushed image for vulnerabilities. Default True."""
    keep_images: int = 20
    """Lifecycle: keep the newest N images, 1 to 1000. Default 20."""
    untagged_expiry_days: int = 7
    """Lifecycle: expire untagged images after this many days, 1 to 365. Default 7."""
    force_delete: bool = False
    """Allow ``terraform destroy`` to delete a repository that still holds images. Default False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if self.name is not None:
            _names.ECR_REPOSITORY.check("name", self.name)
        object.__setattr__(self, "tag_mutability", _checks.one_of("tag_mutability", self.tag_mutability, TagMutability))
        _checks.boolean("scan_on_push", self.scan_on_push)
        _checks.int_in_range("keep_images", self.keep_images, 1, 1000)
        _checks.int_in_range("untagged_expiry_days", self.untagged_expiry_days, 1, 365)
        _checks.boolean("force_delete", self.force_delete)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


class ContainerRepository(Construct):
    """ECR repository with scan on push, encryption and a lifecycle policy.

    Attributes: ``name``, ``url``, ``arn``; the resources ``repository``, ``lifecycle_policy``.
    """

    name: str
    """Repository name (a token)."""
    url: str
    """Repository URL, the ``docker push`` target (a token)."""
    arn: str
    """Repository ARN (a token)."""
    repository: EcrRepository
    """The ECR repository."""
    lifecycle_policy: EcrLifecyclePolicy
    """Its lifecycle policy."""

    def __init__(self, scope: Construct, id: str, *, config: ContainerRepositoryConfig | None = None) -> None:
        config = config if config is not None else ContainerRepositoryConfig()
        if not isinstance(config, ContainerRepositoryConfig):
            raise ConfigError("config", config, "must be a ContainerRepositoryConfig")
        super().__init__(scope, id)
        self.config = config
        self.repository = self._repository(config)
        self.lifecycle_policy = EcrLifecyclePolicy(
            self, "lifecycle", repository=self.repository.name, policy=json.dumps(lifecycle_policy(config))
        )
        self.name = self.repository.name
        self.url = self.repository.repository_url
        self.arn = self.repository.arn

    def _repository(self, config: ContainerRepositoryConfig) -> EcrRepository:
        repository = EcrRepository(
            self,
            "repository",
            name=config.name if config.name is not None else _names.ECR_REPOSITORY.unique(self),
            image_tag_mutability=config.tag_mutability.value,
            image_scanning_configuration={"scan_on_push": config.scan_on_push},
            encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="AES256")],
            force_delete=config.force_delete,
            tags=dict(config.tags) or None,
        )
        skip_check(repository, "CKV_AWS_136", AWS_MANAGED_KEYS)
        if config.tag_mutability is TagMutability.MUTABLE:
            skip_check(
                repository,
                "CKV_AWS_51",
                "tag_mutability=MUTABLE in this configuration: a pipeline moves 'latest'; deployments use commit tags",
            )
        return repository


def lifecycle_policy(config: ContainerRepositoryConfig) -> dict:
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images after {config.untagged_expiry_days} days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": config.untagged_expiry_days,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the newest {config.keep_images} images",
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": config.keep_images},
                "action": {"type": "expire"},
            },
        ]
    }
