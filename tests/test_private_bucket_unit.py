"""PrivateBucket as synthesized JSON, and its config's bad input."""

from __future__ import annotations

import json

import pytest

from cdktf_fargate.errors import ConfigError
from cdktf_fargate.private_bucket import PrivateBucket, PrivateBucketConfig

pytestmark = pytest.mark.unit


def synthesized(config):
    import cdktf

    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    PrivateBucket(stack, "bucket", config=config)
    return json.loads(cdktf.Testing.synth(stack))["resource"]


def test_old_versions_expire_and_incomplete_uploads_are_aborted():
    resources = synthesized(PrivateBucketConfig(name_prefix="files", noncurrent_version_days=30))
    (lifecycle,) = resources["aws_s3_bucket_lifecycle_configuration"].values()
    (rule,) = lifecycle["rule"]
    assert rule["status"] == "Enabled" and rule["filter"] == [{"prefix": ""}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
    (versioning,) = resources["aws_s3_bucket_versioning"]
    assert lifecycle["depends_on"] == [f"aws_s3_bucket_versioning.{versioning}"]  # rules on versions need versioning first


@pytest.mark.parametrize(
    ("settings", "field", "hint"),
    [
        ({"name_prefix": "Files"}, "name_prefix", "lowercase"),
        ({"name_prefix": "files", "force_destroy": "yes"}, "force_destroy", "True or False"),
        ({"name_prefix": "files", "noncurrent_version_days": 0}, "noncurrent_version_days", "between 1 and 3650"),
        ({"name_prefix": "files", "noncurrent_version_days": 4000}, "noncurrent_version_days", "between 1 and 3650"),
    ],
)
def test_bad_config_is_rejected_naming_field_value_and_what_is_allowed(settings, field, hint):
    with pytest.raises(ConfigError) as caught:
        PrivateBucketConfig(**settings)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got {settings[field]!r}") and hint in str(caught.value)
