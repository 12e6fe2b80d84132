"""PrivateBucket: an S3 bucket that is versioned, encrypted, owner-enforced and never public."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA
from constructs import Construct

from . import _checks
from .errors import ConfigError

_BUCKET_PREFIX_PATTERN = r"[a-z0-9][a-z0-9-]{1,35}"


@dataclass(frozen=True)
class PrivateBucketConfig:
    """Settings of :class:`PrivateBucket`."""

    name_prefix: str
    """Bucket name prefix; AWS appends a unique suffix. 2-36 lowercase letters, digits, hyphens. Required."""
    force_destroy: bool = False
    """Let ``destroy`` delete the bucket with its objects. Default False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        _checks.matches("name_prefix", self.name_prefix, _BUCKET_PREFIX_PATTERN, "must be 2-36 lowercase letters, digits or hyphens, starting with a letter or digit")
        _checks.boolean("force_destroy", self.force_destroy)
        object.__setattr__(self, "tags", _checks.string_mapping("tags", self.tags))


class PrivateBucket(Construct):
    """Attributes: ``bucket`` (the S3Bucket), ``name``, ``arn``, ``regional_domain_name``."""

    def __init__(self, scope: Construct, id: str, *, config: PrivateBucketConfig) -> None:
        if not isinstance(config, PrivateBucketConfig):
            raise ConfigError("config", config, "must be a PrivateBucketConfig")
        super().__init__(scope, id)
        bucket = S3Bucket(self, "bucket", bucket_prefix=f"{config.name_prefix}-", force_destroy=config.force_destroy, tags=dict(config.tags) or None)
        S3BucketPublicAccessBlock(
            self, "public-access-block", bucket=bucket.id,
            block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(self, "ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
        S3BucketVersioningA(self, "versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
        S3BucketServerSideEncryptionConfigurationA(
            self, "encryption", bucket=bucket.id,
            rule=[S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default={"sse_algorithm": "AES256"}, bucket_key_enabled=True,
            )],
        )
        self.bucket = bucket
        self.name: str = bucket.bucket
        self.arn: str = bucket.arn
        self.regional_domain_name: str = bucket.bucket_regional_domain_name
