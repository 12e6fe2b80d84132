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
        self.bucket = self._bucket(config)
        self.public_access_block = self._public_access_block(self.bucket)
        self.ownership_controls = S3BucketOwnershipControls(
            self, "ownership", bucket=self.bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
        )
        self.versioning = S3BucketVersioningA(
            self, "versioning", bucket=self.bucket.id, versioning_configuration={"status": "Enabled"}
        )
        self.encryption = self._encryption(self.bucket)
        self.lifecycle = self._lifecycle(self.bucket, self.versioning, config.noncurrent_version_days)
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.regional_domain_name = self.bucket.bucket_regional_domain_name

    def _bucket(self, config: PrivateBucketConfig) -> S3Bucket:
        prefix = config.name_prefix if config.name_prefix is not None else _names.S3_BUCKET_PREFIX.unique(self)
        bucket = S3Bucket(
            self, "bucket", bucket_prefix=f"{prefix}-", force_destroy=config.force_destroy, tags=dict(config.tags) or None
        )
        for check_id, reason in BUCKET_CHECKS_NOT_MET.items():
            skip_check(bucket, check_id, reason)
        return bucket

    def _public_access_block(self, bucket: S3Bucket) -> S3BucketPublicAccessBlock:
        return S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )

    def _encryption(self, bucket: S3Bucket) -> S3BucketServerSideEncryptionConfigurationA:
        """SSE-S3 (AES-256) with bucket keys."""
        return S3BucketServerSideEncryptionConfigurationA(
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

    def _lifecycle(
        self, bucket: S3Bucket, versioning: S3BucketVersioningA, noncurrent_version_days: int
    ) -> S3BucketLifecycleConfiguration:
        """Old versions expire after ``noncurrent_version_days``; incomplete multipart uploads after 7 days."""
        rule = S3BucketLifecycleConfigurationRule(
            id="expire-old-versions",
            status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            noncurrent_version_expiration=[
                S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_version_days)
            ],
            abort_incomplete_multipart_upload=[
                S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
            ],
        )
        return S3BucketLifecycleConfiguration(self, "lifecycle", bucket=bucket.id, depends_on=[versioning], rule=[rule])


BUCKET_CHECKS_NOT_MET = {
    "CKV_AWS_145": "SSE-S3 (AES-256) with bucket keys; no customer-managed KMS key by design (docs/SECURITY.md)",
    "CKV_AWS_144": "contents are rebuilt from the repository; a copy in a second region would restore nothing new",
    "CKV_AWS_18": "read and written only by this app's roles and services; CloudTrail data events are the account's record of object access",
    "CKV2_AWS_62": "nothing consumes the bucket's events",
}
