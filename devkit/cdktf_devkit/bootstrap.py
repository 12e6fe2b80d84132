"""Create the S3 bucket that holds Terraform state: versioned, encrypted, public access blocked.

Idempotent, like ``cdk bootstrap``: an existing bucket gets its settings enforced again.
"""

from __future__ import annotations

from typing import Any


def bootstrap_state_bucket(s3: Any, bucket: str, region: str) -> bool:
    """Create or re-harden ``bucket`` with the boto3 S3 client ``s3``. Returns True if it was created."""
    from botocore.exceptions import ClientError

    created = False
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        created = True
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    return created
