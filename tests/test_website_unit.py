"""TodoList-Website as synthesized JSON, and StaticSite's options and mistakes."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cdktf import Testing as CdktfTesting

from cdktf_fargate import ConfigError, StaticSiteConfig
from cdktf_fargate.static_site import CACHING_DISABLED, content_type
from main import ECS_STACK, WEB_DIR, WEBSITE_STACK
from tests.synth_json import decode
from todolist_names import config_js

pytestmark = pytest.mark.unit


def one(synth, resource_type):
    (resource,) = synth.resources(WEBSITE_STACK, resource_type).values()
    return resource


def objects(synth):
    return {o["key"]: o for o in synth.resources(WEBSITE_STACK, "aws_s3_object").values()}


def test_bucket_blocks_public_access_and_encrypts(synth):
    block = one(synth, "aws_s3_bucket_public_access_block")
    assert all(
        block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    rule = one(synth, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "AES256"
    assert one(synth, "aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"


def test_distribution_reads_the_bucket_through_origin_access_control(synth):
    control = one(synth, "aws_cloudfront_origin_access_control")
    assert (control["origin_access_control_origin_type"], control["signing_behavior"], control["signing_protocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    site = next(o for o in one(synth, "aws_cloudfront_distribution")["origin"] if o["origin_id"] == "site")
    assert "aws_cloudfront_origin_access_control" in site["origin_access_control_id"]
    assert "s3_origin_config" not in site  # no legacy origin access identity


def test_bucket_policy_lets_only_this_distribution_read(synth):
    (statement,) = decode(one(synth, "aws_s3_bucket_policy")["policy"])["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"} and statement["Action"] == "s3:GetObject"
    assert "aws_cloudfront_distribution" in statement["Condition"]["StringEquals"]["AWS:SourceArn"]


def test_distribution_serves_index_compressed_over_https(synth):
    distribution = one(synth, "aws_cloudfront_distribution")
    assert distribution["default_root_object"] == "index.html" and distribution["price_class"] == "PriceClass_100"
    behavior = distribution["default_cache_behavior"]
    assert behavior["compress"] is True and behavior["viewer_protocol_policy"] == "redirect-to-https"


def test_api_paths_go_to_the_load_balancer_uncached(synth):
    distribution = one(synth, "aws_cloudfront_distribution")
    api = next(o for o in distribution["origin"] if o["origin_id"] == "api")
    assert ECS_STACK in api["domain_name"] and api["custom_origin_config"]["origin_protocol_policy"] == "http-only"
    (behavior,) = distribution["ordered_cache_behavior"]
    assert (behavior["path_pattern"], behavior["target_origin_id"], behavior["cache_policy_id"]) == (
        "/todos*",
        "api",
        CACHING_DISABLED,
    )
    assert {"POST", "PATCH", "DELETE"} <= set(behavior["allowed_methods"])


def test_site_files_are_uploaded_with_content_types_and_md5_etags(synth):
    uploaded = objects(synth)
    assert set(uploaded) == {"index.html", "app.js", "style.css", "config.js"}
    assert uploaded["index.html"]["content_type"] == "text/html; charset=utf-8"
    assert uploaded["style.css"]["content_type"] == "text/css; charset=utf-8"
    assert uploaded["app.js"]["content_type"] == "text/javascript; charset=utf-8"
    for key in ("index.html", "app.js", "style.css"):
        assert uploaded[key]["etag"] == hashlib.md5((WEB_DIR / key).read_bytes()).hexdigest()


def test_config_carries_the_local_service_address(synth, environment):
    assert objects(synth)["config.js"]["content"] == config_js(environment.service_url)


def test_in_the_cloud_the_page_calls_its_own_origin():
    assert config_js("") == 'window.TODOLIST_CONFIG = {"apiBaseUrl": ""};\n'


def test_page_url_output(synth, environment):
    assert synth.stacks[WEBSITE_STACK]["output"]["page_url"]["value"].startswith(f"{environment.endpoint}/")


def test_changing_a_file_changes_only_its_object(tmp_path):
    (tmp_path / "index.html").write_text("<p>one</p>")
    (tmp_path / "app.js").write_text("const a = `${1}`;")
    before = StaticSiteConfig(site_dir=str(tmp_path)).files()
    (tmp_path / "index.html").write_text("<p>two</p>")
    after = StaticSiteConfig(site_dir=str(tmp_path)).files()
    assert [key for key in before if before[key] != after[key]] == ["index.html"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [("a.html", "text/html; charset=utf-8"), ("img/logo.svg", "image/svg+xml"), ("data.bin", "application/octet-stream")],
)
def test_content_types(key, expected):
    assert content_type(key) == expected


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"site_dir": "/nonexistent"}, "site_dir"),
        ({"site_dir": str(WEB_DIR), "name": "Bad_Name"}, "name"),
        ({"site_dir": str(WEB_DIR), "price_class": "PriceClass_50"}, "price_class"),
        ({"site_dir": str(WEB_DIR), "api_path_pattern": "todos"}, "api_path_pattern"),
        ({"site_dir": str(WEB_DIR), "generated_files": {"../config.js": "x"}}, "generated_files"),
        ({"site_dir": str(WEB_DIR), "force_destroy": "no"}, "force_destroy"),
        ({"site_dir": str(WEB_DIR), "api_origin_protocol": "tls"}, "api_origin_protocol"),
        ({"site_dir": str(WEB_DIR), "api_http_port": 22}, "api_http_port"),
        ({"site_dir": str(WEB_DIR), "api_https_port": 70000}, "api_https_port"),
        ({"site_dir": str(WEB_DIR), "api_https_port": "443"}, "api_https_port"),
    ],
)
def test_bad_site_config_is_rejected(settings, field):
    with pytest.raises(ConfigError) as caught:
        StaticSiteConfig(**settings)
    assert caught.value.field == field


def test_a_binary_file_is_uploaded_as_base64(tmp_path):
    from cdktf import App, TerraformStack

    from cdktf_fargate import StaticSite

    icon = bytes(range(256))
    (tmp_path / "index.html").write_text("<p>hi</p>")
    (tmp_path / "favicon.ico").write_bytes(icon)
    stack = TerraformStack(App(outdir=str(tmp_path / "out")), "Site")
    site = StaticSite(stack, "site", config=StaticSiteConfig(site_dir=str(tmp_path)))
    synthesized = json.loads(CdktfTesting.synth(stack))["resource"]["aws_s3_object"]
    (favicon,) = [o for o in synthesized.values() if o["key"] == "favicon.ico"]
    (page,) = [o for o in synthesized.values() if o["key"] == "index.html"]
    assert base64.b64decode(favicon["content_base64"]) == icon and "content" not in favicon
    assert page["content"] == "<p>hi</p>" and "content_base64" not in page
    assert set(site.files) == {"index.html", "favicon.ico"}


def test_a_site_in_front_of_a_tls_only_service_reaches_its_api_over_https(tmp_path):
    from cdktf import App, TerraformStack

    from cdktf_fargate import OriginProtocol, StaticSite

    (tmp_path / "index.html").write_text("<p>hi</p>")
    stack = TerraformStack(App(outdir=str(tmp_path / "out")), "Site")
    config = StaticSiteConfig(site_dir=str(tmp_path), api_origin_protocol=OriginProtocol.HTTPS_ONLY, api_https_port=8443)
    StaticSite(stack, "site", config=config, api_domain_name="api.example.com")
    (distribution,) = json.loads(CdktfTesting.synth(stack))["resource"]["aws_cloudfront_distribution"].values()
    (api,) = [o for o in distribution["origin"] if o["origin_id"] == "api"]
    assert api["domain_name"] == "api.example.com"
    assert api["custom_origin_config"] == {
        "http_port": 80,
        "https_port": 8443,
        "origin_protocol_policy": "https-only",
        "origin_ssl_protocols": ["TLSv1.2"],
    }
