"""StaticSite: a private S3 bucket behind CloudFront, with an API origin for the paths the page calls.

The bucket is readable only by this distribution (origin access control, bucket policy on the
distribution's ARN). Given ``api_domain_name`` (a load balancer speaking plain HTTP), the distribution
forwards ``api_path_pattern`` (like ``/api/*``) to it: page and API share one HTTPS origin and the
page needs no CORS in the cloud. Site files (text) are S3 objects with content types and MD5 ETags, so a
changed file changes the plan and nothing else does.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

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

from . import _checks, _names
from ._iam import policy_document
from ._terraform import literal, skip_check
from .errors import ConfigError
from .private_bucket import PrivateBucket, PrivateBucketConfig

# AWS managed CloudFront policies (the same ids in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SITE_ORIGIN = "site"
API_ORIGIN = "api"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


class PriceClass(str, Enum):
    PRICE_CLASS_100 = "PriceClass_100"
    PRICE_CLASS_200 = "PriceClass_200"
    PRICE_CLASS_ALL = "PriceClass_All"


class OriginProtocol(str, Enum):
    """How CloudFront connects to the API origin."""

    HTTP_ONLY = "http-only"
    HTTPS_ONLY = "https-only"
    MATCH_VIEWER = "match-viewer"


@dataclass(frozen=True)
class StaticSiteConfig:
    """Settings of :class:`StaticSite`."""

    site_dir: str
    """Directory of the site's files; must hold index.html. Required."""
    generated_files: Mapping[str, str] = field(default_factory=dict)
    """Extra files written by the stack (name -> text), e.g. ``config.js``; they win over files of the same name. Default none."""
    name: str | None = None
    """Prefix of the bucket, origin access control and response headers policy names: 2-31 lowercase
    letters, digits or hyphens. Default: derived from the construct path (``<stack>-<id>-<hash>``, lowercase)."""
    price_class: PriceClass = PriceClass.PRICE_CLASS_100
    """CloudFront price class. Default ``PriceClass_100`` (North America and Europe)."""
    api_path_pattern: str = "/api/*"
    """Paths CloudFront forwards to the API origin (when the site has one). Default ``/api/*``."""
    api_origin_protocol: OriginProtocol = OriginProtocol.HTTP_ONLY
    """How CloudFront connects to the API origin. In front of a TLS-only service use ``https-only``,
    with an API domain name its certificate covers. Default ``http-only``."""
    api_http_port: int = 80
    """Port of the API origin for HTTP (the service's ``listener_port``): 80, 443 or 1024-65535. Default 80."""
    api_https_port: int = 443
    """Port of the API origin for HTTPS (the service's ``tls_port``): 80, 443 or 1024-65535. Default 443."""
    force_destroy: bool = False
    """Let destroy delete the bucket with its objects. Default False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if not isinstance(self.site_dir, (str, Path)) or not (Path(self.site_dir) / "index.html").is_file():
            raise ConfigError("site_dir", str(self.site_dir), "must be a directory that holds index.html")
        object.__setattr__(self, "generated_files", self._checked_generated_files())
        if self.name is not None:
            _names.SITE_NAME.check("name", self.name)
        object.__setattr__(self, "price_class", _checks.one_of("price_class", self.price_class, PriceClass))
        self._check_api_origin()
        _checks.boolean("force_destroy", self.force_destroy)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))

    def _checked_generated_files(self) -> dict[str, str]:
        generated = _checks.string_mapping("generated_files", self.generated_files)
        for name in generated:
            _checks.matches(
                "generated_files", name, r"[A-Za-z0-9_.-]+", "file names must be plain names (letters, digits, '.', '_', '-')"
            )
        return generated

    def _check_api_origin(self) -> None:
        """The API's path pattern, protocol and ports (CloudFront connects to 80, 443 or 1024-65535 only)."""
        _checks.matches(
            "api_path_pattern",
            self.api_path_pattern,
            r"/[A-Za-z0-9_./*-]{0,254}",
            "must be a CloudFront path pattern starting with '/'",
        )
        object.__setattr__(
            self, "api_origin_protocol", _checks.one_of("api_origin_protocol", self.api_origin_protocol, OriginProtocol)
        )
        for port_field in ("api_http_port", "api_https_port"):
            port = _checks.int_in_range(port_field, getattr(self, port_field), 1, 65535)
            if port not in (80, 443) and port < 1024:
                raise ConfigError(port_field, port, "must be 80, 443 or 1024-65535 (CloudFront connects to no other origin port)")

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
    """Attributes: ``bucket_name``, ``distribution_id``, ``distribution_arn``, ``domain_name``, ``url``;
    the resources ``content_bucket``, ``distribution``, ``origin_access_control``, ``response_headers_policy``,
    ``bucket_policy``, ``files``."""

    bucket_name: str
    """Name of the content bucket."""
    distribution_id: str
    """CloudFront distribution id."""
    distribution_arn: str
    """CloudFront distribution ARN."""
    domain_name: str
    """The distribution's ``*.cloudfront.net`` name."""
    url: str
    """``https://<domain_name>/``."""
    content_bucket: PrivateBucket
    """The private bucket of the site's files (its ``bucket`` is the S3 bucket)."""
    distribution: CloudfrontDistribution
    """The CloudFront distribution."""
    origin_access_control: CloudfrontOriginAccessControl
    """The origin access control CloudFront reads the bucket with."""
    response_headers_policy: CloudfrontResponseHeadersPolicy
    """The security headers policy on the page."""
    bucket_policy: S3BucketPolicy
    """The bucket policy that lets exactly this distribution read."""
    files: dict[str, S3Object]
    """The uploaded files by key."""

    def __init__(self, scope: Construct, id: str, *, config: StaticSiteConfig, api_domain_name: str | None = None) -> None:
        if not isinstance(config, StaticSiteConfig):
            raise ConfigError("config", config, "must be a StaticSiteConfig")
        if api_domain_name is not None and not isinstance(api_domain_name, str):
            raise ConfigError(
                "api_domain_name", api_domain_name, "must be a domain name (or a token), or None for a site without an API"
            )
        super().__init__(scope, id)
        self._config = config
        self._name = config.name if config.name is not None else _names.SITE_NAME.unique(self)
        self.content_bucket = self._content_bucket()
        self.origin_access_control = self._origin_access_control()
        self.response_headers_policy = security_headers_policy(self, self._name)
        self.distribution = self._distribution(
            self.content_bucket, self.origin_access_control, self.response_headers_policy, api_domain_name
        )
        self.bucket_policy = self._bucket_policy(self.content_bucket, self.distribution)
        self.files = self._files(self.content_bucket)
        self.bucket_name = self.content_bucket.name
        self.distribution_id = self.distribution.id
        self.distribution_arn = self.distribution.arn
        self.domain_name = self.distribution.domain_name
        self.url = f"https://{self.distribution.domain_name}/"

    def _content_bucket(self) -> PrivateBucket:
        config = self._config
        bucket_config = PrivateBucketConfig(
            name_prefix=_names.S3_BUCKET_PREFIX.fit(self._name), force_destroy=config.force_destroy, tags=config.tags
        )
        return PrivateBucket(self, "content", config=bucket_config)

    def _origin_access_control(self) -> CloudfrontOriginAccessControl:
        return CloudfrontOriginAccessControl(
            self,
            "origin-access",
            name=_names.ORIGIN_ACCESS_CONTROL.fit(f"{self._name}-oac"),
            description=f"{self._name}: CloudFront reads the private bucket",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
        )

    @staticmethod
    def _site_origin(bucket: PrivateBucket, access_control: CloudfrontOriginAccessControl) -> CloudfrontDistributionOrigin:
        return CloudfrontDistributionOrigin(
            origin_id=SITE_ORIGIN, domain_name=bucket.regional_domain_name, origin_access_control_id=access_control.id
        )

    def _api_origin(self, api_domain_name: str) -> CloudfrontDistributionOrigin:
        config = self._config
        return CloudfrontDistributionOrigin(
            origin_id=API_ORIGIN,
            domain_name=api_domain_name,
            custom_origin_config={
                "http_port": config.api_http_port,
                "https_port": config.api_https_port,
                "origin_protocol_policy": config.api_origin_protocol.value,
                "origin_ssl_protocols": ["TLSv1.2"],
            },
        )

    def _api_behavior(self) -> CloudfrontDistributionOrderedCacheBehavior:
        """``api_path_pattern`` goes to the API origin: every method, nothing cached."""
        return CloudfrontDistributionOrderedCacheBehavior(
            path_pattern=self._config.api_path_pattern,
            target_origin_id=API_ORIGIN,
            viewer_protocol_policy="redirect-to-https",
            compress=True,
            allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cached_methods=["GET", "HEAD"],
            cache_policy_id=CACHING_DISABLED,
            origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
        )

    def _distribution(
        self,
        bucket: PrivateBucket,
        access_control: CloudfrontOriginAccessControl,
        headers: CloudfrontResponseHeadersPolicy,
        api_domain_name: str | None,
    ) -> CloudfrontDistribution:
        """The page from the bucket (cached, with security headers), and the API paths from ``api_domain_name``."""
        origins = [self._site_origin(bucket, access_control)]
        api_behaviors = []
        if api_domain_name is not None:
            origins.append(self._api_origin(api_domain_name))
            api_behaviors.append(self._api_behavior())
        distribution = CloudfrontDistribution(
            self,
            "distribution",
            enabled=True,
            comment=f"{self._name}: static page and its API" if api_domain_name is not None else f"{self._name}: static page",
            default_root_object="index.html",
            price_class=self._config.price_class.value,
            is_ipv6_enabled=True,
            http_version="http2and3",
            origin=origins,
            default_cache_behavior={
                "target_origin_id": SITE_ORIGIN,
                "viewer_protocol_policy": "redirect-to-https",
                "compress": True,
                "allowed_methods": ["GET", "HEAD"],
                "cached_methods": ["GET", "HEAD"],
                "cache_policy_id": CACHING_OPTIMIZED,
                "response_headers_policy_id": headers.id,
            },
            ordered_cache_behavior=api_behaviors or None,
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate={"cloudfront_default_certificate": True},
            tags=dict(self._config.tags) or None,
        )
        for check_id, reason in DISTRIBUTION_CHECKS_NOT_MET.items():
            skip_check(distribution, check_id, reason)
        return distribution

    def _bucket_policy(self, bucket: PrivateBucket, distribution: CloudfrontDistribution) -> S3BucketPolicy:
        """Exactly this distribution may read the bucket's objects (through origin access control)."""
        statement = {
            "Sid": "CloudFrontReadsThroughOriginAccessControl",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": f"{bucket.arn}/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution.arn}},
        }
        return S3BucketPolicy(self, "read-by-distribution", bucket=bucket.bucket.id, policy=policy_document([statement]))

    def _files(self, bucket: PrivateBucket) -> dict[str, S3Object]:
        return {key: self._file(bucket, key, content) for key, content in self._config.files().items()}

    def _file(self, bucket: PrivateBucket, key: str, content: bytes) -> S3Object:
        """One site file with its content type and MD5 ETag: text as is (reviewable in a plan), anything else
        (such as an icon) as base64."""
        text = _utf8(content)
        return S3Object(
            self,
            f"file-{key}",
            bucket=bucket.bucket.id,
            key=key,
            content=literal(text) if text is not None else None,
            content_base64=base64.b64encode(content).decode("ascii") if text is None else None,
            content_type=content_type(key),
            etag=hashlib.md5(content).hexdigest(),
        )


def security_headers_policy(scope: Construct, name: str) -> CloudfrontResponseHeadersPolicy:
    """HSTS, no MIME sniffing, no framing and a strict referrer policy on every file of the page."""
    return CloudfrontResponseHeadersPolicy(
        scope,
        "security-headers",
        name=_names.RESPONSE_HEADERS_POLICY.fit(f"{name}-security-headers"),
        comment=f"{name}: security headers on the page",
        security_headers_config=CloudfrontResponseHeadersPolicySecurityHeadersConfig(
            strict_transport_security=CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity(
                access_control_max_age_sec=31536000,
                include_subdomains=True,
                preload=True,
                override=True,
            ),
            content_type_options=CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions(override=True),
            frame_options=CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions(frame_option="DENY", override=True),
            referrer_policy=CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy(
                referrer_policy="strict-origin-when-cross-origin", override=True
            ),
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


def _utf8(content: bytes) -> str | None:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None
