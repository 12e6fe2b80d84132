"""PrivateBucket: an S3 bucket that is versioned, encrypted, owner-enforced and never public.

Meant for contents that can be rebuilt (build artifacts, site files): old versions expire and the bucket
is neither replicated nor access-logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA
from constructs import Construct

from . import _checks, _names
from ._terraform import skip_check
from .errors import ConfigError


@dataclass(frozen=True)
class PrivateBucketConfig:
    """Settings of :class:`PrivateBucket`."""

    name_prefix: str | None = None
    """Bucket name prefix; AWS appends a unique suffix. 2-36 lowercase letters, digits, hyphens.
    Default: derived from the construct path (``<stack>-<id>-<hash>``, lowercase)."""
    force_destroy: bool = False
    """Let ``destroy`` delete the bucket with its objects. Default False."""
    noncurrent_version_days: int = 90
    """Days an overwritten or deleted object version is kept, 1 to 3650. Default 90."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if self.name_prefix is not None:
            _names.S3_BUCKET_PREFIX.check("name_prefix", self.name_prefix)
        _checks.boolean("force_destroy", self.force_destroy)
        _checks.int_in_range("noncurrent_version_days", self.noncurrent_version_days, 1, 3650)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


class PrivateBucket(Construct):
    """Attributes: ``name``, ``arn``, ``regional_domain_name``; the resources ``bucket``, ``public_access_block``,
    ``ownership_controls``, ``versioning``, ``encryption``, ``lifecycle``."""

    name: str
    """Bucket name (a token: AWS completes the prefix)."""
    arn: str
    """Bucket ARN (a token)."""
    regional_domain_name: str
    """Regional domain name of the bucket (a token)."""
    bucket: S3Bucket
    """The S3 bucket."""
    public_access_block: S3BucketPublicAccessBlock
    """Its public access block (all four settings on)."""
    ownership_controls: S3BucketOwnershipControls
    """Its ownership controls (``BucketOwnerEnforced``)."""
    versioning: S3BucketVersioningA
    """Its versioning configuration."""
    encryption: S3BucketServerSideEncryptionConfigurationA
    """Its default encryption (SSE-S3 with bucket keys)."""
    lifecycle: S3BucketLifecycleConfiguration
    """Its lifecycle rules."""

    def __init__(self, scope: Construct, id: str, *, config: PrivateBucketConfig | None = None) -> None:
        config = config if config is not None else PrivateBucketConfig()
        if not isinstance(config, PrivateBucketConfig):
            raise ConfigError("config", config, "must be a PrivateBucketConfig")
        super().__init__(scope, id)
        prefix = config.name_prefix if config.name_prefix is not None else _names.S3_BUCKET_PREFIX.unique(self)
        bucket = S3Bucket(
            self, "bucket", bucket_prefix=f"{prefix}-", force_destroy=config.force_destroy, tags=dict(config.tags) or None
        )
        skip_check(
            bucket, "CKV_AWS_145", "SSE-S3 (AES-256) with bucket keys; no customer-managed KMS key by design (docs/SECURITY.md)"
        )
        skip_check(
            bucket, "CKV_AWS_144", "contents are rebuilt from the repository; a copy in a second region would restore nothing new"
        )
        skip_check(
            bucket,
            "CKV_AWS_18",
            "read and written only by this app's roles and services; CloudTrail data events are the account's record of object access",
        )
        skip_check(bucket, "CKV2_AWS_62", "nothing consumes the bucket's events")
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        self.ownership_controls = S3BucketOwnershipControls(
            self, "ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
        )
        versioning = S3BucketVersioningA(self, "versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
        self.encryption = S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default={"sse_algorithm": "AES256"},
                    bucket_key_enabled=True,
                )
            ],
        )
        self.lifecycle = S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=bucket.id,
            depends_on=[versioning],
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-old-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=config.noncurrent_version_days
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
        )
        self.bucket = bucket
        self.versioning = versioning
        self.name: str = bucket.bucket
        self.arn: str = bucket.arn
        self.regional_domain_name: str = bucket.bucket_regional_domain_name
