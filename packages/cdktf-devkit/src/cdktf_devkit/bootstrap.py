"""Create the S3 bucket that holds Terraform state: versioned, encrypted, public access blocked.

Idempotent, like ``cdk bootstrap``: an existing bucket gets its settings enforced again.
"""

from __future__ import annotations

from typing import Any

from cdktf_fargate.environment import LOCAL_CREDENTIALS, Environment


def s3_client(environment: Environment) -> Any:
    import boto3

    if environment.is_local:
        access_key, secret_key = LOCAL_CREDENTIALS
        return boto3.client(
            "s3", region_name=environment.region, endpoint_url=environment.endpoint,
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        )
    return boto3.client("s3", region_name=environment.region)


def bootstrap_state_bucket(environment: Environment) -> bool:
    """Create or re-harden the state bucket. Returns True if it was created."""
    from botocore.exceptions import ClientError

    s3 = s3_client(environment)
    bucket = environment.state_bucket
    created = False
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if environment.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": environment.region}
        s3.create_bucket(**kwargs)
        created = True
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )
    return created
