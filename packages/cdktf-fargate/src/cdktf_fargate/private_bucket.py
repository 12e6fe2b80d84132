"""PrivateBucket: an S3 bucket that is versioned, encrypted, owner-enforced and never public.

Meant for contents that can be rebuilt (build artifacts, site files): old versions expire and the bucket
is neither replicated nor access-logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

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

from . import _checks
from ._terraform import skip_check
from .errors import ConfigError

_BUCKET_PREFIX_PATTERN = r"[a-z0-9][a-z0-9-]{1,35}"


@dataclass(frozen=True)
class PrivateBucketConfig:
    """Settings of :class:`PrivateBucket`."""

    name_prefix: str
    """Bucket name prefix; AWS appends a unique suffix. 2-36 lowercase letters, digits, hyphens. Required."""
    force_destroy: bool = False
    """Let ``destroy`` delete the bucket with its objects. Default False."""
    noncurrent_version_days: int = 90
    """Days an overwritten or deleted object version is kept, 1 to 3650. Default 90."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        _checks.matches("name_prefix", self.name_prefix, _BUCKET_PREFIX_PATTERN, "must be 2-36 lowercase letters, digits or hyphens, starting with a letter or digit")
        _checks.boolean("force_destroy", self.force_destroy)
        _checks.int_in_range("noncurrent_version_days", self.noncurrent_version_days, 1, 3650)
        object.__setattr__(self, "tags", _checks.string_mapping("tags", self.tags))


class PrivateBucket(Construct):
    """Attributes: ``bucket`` (the S3Bucket), ``name``, ``arn``, ``regional_domain_name``."""

    def __init__(self, scope: Construct, id: str, *, config: PrivateBucketConfig) -> None:
        if not isinstance(config, PrivateBucketConfig):
            raise ConfigError("config", config, "must be a PrivateBucketConfig")
        super().__init__(scope, id)
        bucket = S3Bucket(self, "bucket", bucket_prefix=f"{config.name_prefix}-", force_destroy=config.force_destroy, tags=dict(config.tags) or None)
        skip_check(bucket, "CKV_AWS_145", "SSE-S3 (AES-256) with bucket keys; no customer-managed KMS key by design (docs/SECURITY.md)")
        skip_check(bucket, "CKV_AWS_144", "contents are rebuilt from the repository; a copy in a second region would restore nothing new")
        skip_check(bucket, "CKV_AWS_18", "read and written only by this app's roles and services; CloudTrail data events are the account's record of object access")
        skip_check(bucket, "CKV2_AWS_62", "nothing consumes the bucket's events")
        S3BucketPublicAccessBlock(
            self, "public-access-block", bucket=bucket.id,
            block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(self, "ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
        versioning = S3BucketVersioningA(self, "versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
        S3BucketServerSideEncryptionConfigurationA(
            self, "encryption", bucket=bucket.id,
            rule=[S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default={"sse_algorithm": "AES256"}, bucket_key_enabled=True,
            )],
        )
        S3BucketLifecycleConfiguration(
            self, "lifecycle", bucket=bucket.id, depends_on=[versioning],
            rule=[S3BucketLifecycleConfigurationRule(
                id="expire-old-versions", status="Enabled", filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                noncurrent_version_expiration=[S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=config.noncurrent_version_days)],
                abort_incomplete_multipart_upload=[S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)],
            )],
        )
        self.bucket = bucket
        self.name: str = bucket.bucket
        self.arn: str = bucket.arn
        self.regional_domain_name: str = bucket.bucket_regional_domain_name
