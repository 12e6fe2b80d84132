"""StaticSite: a private S3 bucket behind CloudFront, with an API origin for the paths the page calls.

The bucket is readable only by this distribution (origin access control, bucket policy on the
distribution's ARN). The API behind the load balancer speaks plain HTTP, so the distribution
forwards ``api_path_pattern`` (``/todos*``) to it: page and API share one HTTPS origin and the page
needs no CORS in the cloud. Site files (text) are S3 objects with content types and MD5 ETags, so a
changed file changes the plan and nothing else does.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Mapping

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionOrderedCacheBehavior,
    CloudfrontDistributionOrigin,
)
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import CloudfrontOriginAccessControl
from cdktf_cdktf_provider_aws.cloudfront_response_headers_policy import (
    CloudfrontResponseHeadersPolicy,
    CloudfrontResponseHeadersPolicySecurityHeadersConfig,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy,
    CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_object import S3Object
from constructs import Construct

from . import _checks
from ._iam import policy_document
from ._terraform import literal, skip_check
from .errors import ConfigError
from .private_bucket import PrivateBucket, PrivateBucketConfig

# AWS managed CloudFront policies (the same ids in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}


class PriceClass(str, Enum):
    PRICE_CLASS_100 = "PriceClass_100"
    PRICE_CLASS_200 = "PriceClass_200"
    PRICE_CLASS_ALL = "PriceClass_All"


@dataclass(frozen=True)
class StaticSiteConfig:
    """Settings of :class:`StaticSite`."""

    site_dir: str
    """Directory of the site's files; must hold index.html. Required."""
    generated_files: Mapping[str, str] = field(default_factory=dict)
    """Extra files written by the stack (name -> text), e.g. ``config.js``; they win over files of the same name. Default none."""
    name: str = "todolist-site"
    """Prefix of the bucket name and the origin access control. Default ``todolist-site``."""
    price_class: PriceClass = PriceClass.PRICE_CLASS_100
    """CloudFront price class. Default ``PriceClass_100`` (North America and Europe)."""
    api_path_pattern: str = "/todos*"
    """Paths CloudFront forwards to the API origin. Default ``/todos*``."""
    force_destroy: bool = False
    """Let destroy delete the bucket with its objects. Default False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if not isinstance(self.site_dir, (str, Path)) or not (Path(self.site_dir) / "index.html").is_file():
            raise ConfigError("site_dir", str(self.site_dir), "must be a directory that holds index.html")
        generated = _checks.string_mapping("generated_files", self.generated_files)
        for name in generated:
            _checks.matches("generated_files", name, r"[A-Za-z0-9_.-]+", "file names must be plain names (letters, digits, '.', '_', '-')")
        object.__setattr__(self, "generated_files", generated)
        _checks.matches("name", self.name, r"[a-z0-9][a-z0-9-]{1,30}", "must be 2-31 lowercase letters, digits or hyphens")
        object.__setattr__(self, "price_class", _checks.one_of("price_class", self.price_class, PriceClass))
        _checks.matches("api_path_pattern", self.api_path_pattern, r"/[A-Za-z0-9_./*-]{0,254}", "must be a CloudFront path pattern starting with '/'")
        _checks.boolean("force_destroy", self.force_destroy)
        object.__setattr__(self, "tags", _checks.string_mapping("tags", self.tags))

    def files(self) -> dict[str, bytes]:
        """Every file to upload: the site directory's, then the generated ones (key -> bytes)."""
        root = Path(self.site_dir)
        found = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
        found.update({name: text.encode() for name, text in self.generated_files.items()})
        return found


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


class StaticSite(Construct):
    """Attributes: ``bucket_name``, ``distribution_id``, ``distribution_arn``, ``domain_name``, ``url``."""

    def __init__(self, scope: Construct, id: str, *, config: StaticSiteConfig, api_domain_name: str) -> None:
        if not isinstance(config, StaticSiteConfig):
            raise ConfigError("config", config, "must be a StaticSiteConfig")
        super().__init__(scope, id)
        tags = dict(config.tags) or None
        bucket = PrivateBucket(self, "content", config=PrivateBucketConfig(name_prefix=config.name, force_destroy=config.force_destroy, tags=config.tags))
        access_control = CloudfrontOriginAccessControl(
            self, "origin-access", name=f"{config.name}-oac", description=f"{config.name}: CloudFront reads the private bucket",
            origin_access_control_origin_type="s3", signing_behavior="always", signing_protocol="sigv4",
        )
        headers = security_headers_policy(self, config.name)
        distribution = CloudfrontDistribution(
            self, "distribution", enabled=True, comment=f"{config.name}: static page and its API",
            default_root_object="index.html", price_class=config.price_class.value, is_ipv6_enabled=True, http_version="http2and3",
            origin=[
                CloudfrontDistributionOrigin(origin_id="site", domain_name=bucket.regional_domain_name, origin_access_control_id=access_control.id),
                CloudfrontDistributionOrigin(
                    origin_id="api", domain_name=api_domain_name,
                    custom_origin_config={"http_port": 80, "https_port": 443, "origin_protocol_policy": "http-only", "origin_ssl_protocols": ["TLSv1.2"]},
                ),
            ],
            default_cache_behavior={
                "target_origin_id": "site", "viewer_protocol_policy": "redirect-to-https", "compress": True,
                "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"], "cache_policy_id": CACHING_OPTIMIZED,
                "response_headers_policy_id": headers.id,
            },
            ordered_cache_behavior=[CloudfrontDistributionOrderedCacheBehavior(
                path_pattern=config.api_path_pattern, target_origin_id="api", viewer_protocol_policy="redirect-to-https", compress=True,
                allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], cached_methods=["GET", "HEAD"],
                cache_policy_id=CACHING_DISABLED, origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
            )],
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate={"cloudfront_default_certificate": True},
            tags=tags,
        )
        for check_id, reason in DISTRIBUTION_CHECKS_NOT_MET.items():
            skip_check(distribution, check_id, reason)
        S3BucketPolicy(self, "read-by-distribution", bucket=bucket.bucket.id, policy=policy_document([{
            "Sid": "CloudFrontReadsThroughOriginAccessControl",
            "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject", "Resource": f"{bucket.arn}/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution.arn}},
        }]))
        for key, content in config.files().items():
            S3Object(
                self, f"file-{key}", bucket=bucket.bucket.id, key=key, content=literal(content.decode()),
                content_type=content_type(key), etag=hashlib.md5(content).hexdigest(),
            )

        self.bucket_name: str = bucket.name
        self.distribution_id: str = distribution.id
        self.distribution_arn: str = distribution.arn
        self.domain_name: str = distribution.domain_name
        self.url: str = f"https://{distribution.domain_name}/"


def security_headers_policy(scope: Construct, name: str) -> CloudfrontResponseHeadersPolicy:
    """HSTS, no MIME sniffing, no framing and a strict referrer policy on every file of the page."""
    return CloudfrontResponseHeadersPolicy(
        scope, "security-headers", name=f"{name}-security-headers", comment=f"{name}: security headers on the page",
        security_headers_config=CloudfrontResponseHeadersPolicySecurityHeadersConfig(
            strict_transport_security=CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity(
                access_control_max_age_sec=31536000, include_subdomains=True, preload=True, override=True,
            ),
            content_type_options=CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions(override=True),
            frame_options=CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions(frame_option="DENY", override=True),
            referrer_policy=CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy(referrer_policy="strict-origin-when-cross-origin", override=True),
        ),
    )


DISTRIBUTION_CHECKS_NOT_MET = {
    "CKV_AWS_174": "the default *.cloudfront.net certificate, whose TLS policy CloudFront sets; a custom domain with an ACM certificate can require TLS 1.2",
    "CKV2_AWS_42": "served on the distribution's own *.cloudfront.net name; a custom domain is the user's to add",
    "CKV_AWS_68": "no WAF web ACL: a static page and an API without accounts; WAF is billed per ACL and rule",
    "CKV2_AWS_47": "no WAF web ACL (see CKV_AWS_68)",
    "CKV_AWS_86": "standard logs need a bucket with ACLs enabled, which PrivateBucket refuses (owner-enforced)",
    "CKV_AWS_374": "the page is for readers in every country",
    "CKV_AWS_310": "one region by design; the content bucket is rebuilt by a deploy",
}


def config_js(api_base_url: str) -> str:
    """The page's generated config.js; ``""`` means the API is on the page's own origin."""
    return f"window.TODOLIST_CONFIG = {json.dumps({'apiBaseUrl': api_base_url})};\n"
