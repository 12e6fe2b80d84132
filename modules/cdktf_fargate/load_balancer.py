"""Load balancers the patterns put in front of a service: Network (TCP/TLS) and Application (HTTP/HTTPS).

Each is a part of its own, so one load balancer can serve several services: give the one a pattern built
(``load_balancer=``) to the next pattern. One built elsewhere is an :class:`ExistingLoadBalancer`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.lb_listener import LbListener, LbListenerDefaultAction
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from . import _checks, _names
from ._terraform import skip_check
from .errors import ConfigError
from .refs import NetworkRef

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
CERTIFICATE_ARN_PATTERN = r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+"
_LB_ARN_PATTERN = r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(net|app)/.+"
_LISTENER_ARN_PATTERN = r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener/(net|app)/.+"
_NO_ACCESS_LOGS = (
    "access logs need a bucket the load balancer may write to; the service logs every request (JSON access log in CloudWatch)"
)


@dataclass(frozen=True)
class LoadBalancerConfig:
    """Settings of :class:`NetworkLoadBalancer` and :class:`ApplicationLoadBalancer`."""

    name: str | None = None
    """Load balancer name (1-32 letters, digits, '-'). Default: derived from the construct path."""
    internet_facing: bool = True
    """Public, in the public subnets; False: internal, in the private subnets. Default True."""
    deletion_protection: bool = True
    """Deletion protection. Default True."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        if self.name is not None:
            _names.LOAD_BALANCER.check("name", self.name)
        _checks.boolean("internet_facing", self.internet_facing)
        _checks.boolean("deletion_protection", self.deletion_protection)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


@dataclass(frozen=True)
class ApplicationLoadBalancerConfig(LoadBalancerConfig):
    """Settings of :class:`ApplicationLoadBalancer`: :class:`LoadBalancerConfig`'s and its listeners'."""

    certificate_arn: str | None = None
    """ACM certificate ARN (or a token): serve HTTPS on ``https_port`` and redirect ``http_port`` to it.
    Default none (HTTP only)."""
    http_port: int = 80
    """Port of the HTTP listener. Default 80."""
    https_port: int = 443
    """Port of the HTTPS listener (with ``certificate_arn``). Default 443."""
    idle_timeout_s: int = 60
    """Seconds an idle connection stays open, 1 to 4000. Default 60."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.certificate_arn is not None:
            _checks.matches("certificate_arn", self.certificate_arn, CERTIFICATE_ARN_PATTERN, "must be an ACM certificate ARN")
        _checks.int_in_range("http_port", self.http_port, 1, 65535)
        _checks.int_in_range("https_port", self.https_port, 1, 65535)
        if self.certificate_arn is not None and self.http_port == self.https_port:
            raise ConfigError("http_port", self.http_port, f"must differ from https_port={self.https_port}")
        _checks.int_in_range("idle_timeout_s", self.idle_timeout_s, 1, 4000)


@dataclass(frozen=True)
class ExistingLoadBalancer:
    """A load balancer built elsewhere (another stack, a ``DataAwsLb`` lookup), for ``load_balancer=``.

    Any field may be a Terraform token.
    """

    arn: str
    """ARN of the load balancer. Required."""
    dns_name: str
    """Its DNS name. Required."""
    arn_suffix: str | None = None
    """Its ARN suffix (``app/<name>/<id>``): needed for request-count autoscaling. Default none."""
    security_group_id: str | None = None
    """Its security group (Application Load Balancer): the tasks admit traffic from it. Default: from the VPC's CIDR."""
    listener_arn: str | None = None
    """The listener services add their rules to (Application Load Balancer). Default none."""

    def __post_init__(self) -> None:
        _checks.matches("load_balancer.arn", self.arn, _LB_ARN_PATTERN, "must be an Elastic Load Balancing load balancer ARN")
        if self.listener_arn is not None:
            _checks.matches(
                "load_balancer.listener_arn",
                self.listener_arn,
                _LISTENER_ARN_PATTERN,
                "must be an Elastic Load Balancing listener ARN",
            )


class _LoadBalancer(Construct):
    arn: str
    """ARN of the load balancer."""
    arn_suffix: str
    """Its ARN suffix (what CloudWatch metrics and autoscaling name it by)."""
    dns_name: str
    """Its DNS name."""
    load_balancer: Lb
    """The load balancer resource."""

    def _load_balancer(self, config: LoadBalancerConfig, network: NetworkRef, kind: str, name: str, **settings) -> Lb:
        self.load_balancer = Lb(
            self,
            "load-balancer",
            name=name,
            load_balancer_type=kind,
            internal=not config.internet_facing,
            subnets=list(network.public_subnet_ids if config.internet_facing else network.private_subnet_ids),
            enable_deletion_protection=config.deletion_protection,
            tags=dict(config.tags) or None,
            **settings,
        )
        skip_check(self.load_balancer, "CKV_AWS_91", _NO_ACCESS_LOGS)
        if not config.deletion_protection:
            skip_check(self.load_balancer, "CKV_AWS_150", "deletion_protection=False in this configuration")
        self.arn, self.arn_suffix, self.dns_name = (
            self.load_balancer.arn,
            self.load_balancer.arn_suffix,
            self.load_balancer.dns_name,
        )
        return self.load_balancer


class NetworkLoadBalancer(_LoadBalancer):
    """A Network Load Balancer (cross-zone). Listeners are added by the services behind it.

    Attributes: ``arn``, ``arn_suffix``, ``dns_name``; the resource ``load_balancer``.
    """

    def __init__(self, scope: Construct, id: str, *, config: LoadBalancerConfig | None = None, network: NetworkRef) -> None:
        config = config if config is not None else LoadBalancerConfig()
        if not isinstance(config, LoadBalancerConfig):
            raise ConfigError("config", config, "must be a LoadBalancerConfig")
        super().__init__(scope, id)
        name = config.name if config.name is not None else _names.LOAD_BALANCER.unique(self)
        lb = self._load_balancer(config, network, "network", name, enable_cross_zone_load_balancing=True)
        skip_check(lb, "CKV2_AWS_20", "a Network Load Balancer forwards TCP and cannot redirect HTTP; HTTPS is enable_tls")


class ApplicationLoadBalancer(_LoadBalancer):
    """An Application Load Balancer with its security group and listener: HTTP, or HTTPS with a redirect
    from HTTP. Requests no service's rule matches get 404, unless ``default_target_group_arn`` is given.

    Attributes: ``arn``, ``arn_suffix``, ``dns_name``, ``listener_arn``, ``security_group_id``; the resources
    ``load_balancer``, ``security_group``, ``listener`` (the one serving traffic), ``redirect_listener`` (or None).
    """

    listener_arn: str
    """ARN of the listener serving traffic (HTTPS with a certificate, else HTTP)."""
    security_group_id: str
    """Security group of the load balancer: services admit their traffic from it."""
    security_group: SecurityGroup
    """That security group."""
    listener: LbListener
    """The listener serving traffic."""
    redirect_listener: LbListener | None
    """The HTTP listener that redirects to HTTPS, or None without a certificate."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: ApplicationLoadBalancerConfig | None = None,
        network: NetworkRef,
        default_target_group_arn: str | None = None,
        code_deploy: bool = False,
    ) -> None:
        config = config if config is not None else ApplicationLoadBalancerConfig()
        if not isinstance(config, ApplicationLoadBalancerConfig):
            raise ConfigError("config", config, "must be an ApplicationLoadBalancerConfig")
        super().__init__(scope, id)
        self._config = config
        name = config.name if config.name is not None else _names.LOAD_BALANCER.unique(self)
        self.security_group = self._security_group(network, name)
        self.security_group_id = self.security_group.id
        self._load_balancer(
            config,
            network,
            "application",
            name,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            idle_timeout=config.idle_timeout_s,
        )
        skip_check(
            self.load_balancer,
            "CKV2_AWS_28",
            "a WAF web ACL is the owner's choice; attach one with an aws_wafv2_web_acl_association",
        )
        # CodeDeploy (blue/green) switches the target group the default action forwards to.
        self._owned_default = TerraformResourceLifecycle(ignore_changes=["default_action"]) if code_deploy else None
        self.listener, self.redirect_listener = self._listeners(default_target_group_arn)
        self.listener_arn = self.listener.arn

    def _ports(self) -> list[int]:
        config = self._config
        return [config.http_port, config.https_port] if config.certificate_arn is not None else [config.http_port]

    def _security_group(self, network: NetworkRef, name: str) -> SecurityGroup:
        config = self._config
        group = SecurityGroup(
            self,
            "security-group",
            name=_names.SECURITY_GROUP.fit(f"{name}-alb"),
            description="Application Load Balancer: its listeners' ports",
            vpc_id=network.vpc_id,
            tags=dict(config.tags) or None,
        )
        source = "0.0.0.0/0" if config.internet_facing else network.vpc_cidr
        for port in self._ports():
            rule = VpcSecurityGroupIngressRule(
                self,
                f"ingress-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=source,
                description=f"Listener port {port}",
            )
            if config.internet_facing:
                skip_check(rule, "CKV_AWS_260", "the public listener of an internet-facing load balancer")
        VpcSecurityGroupEgressRule(
            self,
            "egress",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=1,
            to_port=65535,
            cidr_ipv4=network.vpc_cidr,
            description="To the services' tasks in the VPC",
        )
        return group

    def _listeners(self, default_target_group_arn: str | None) -> tuple[LbListener, LbListener | None]:
        config = self._config
        if default_target_group_arn is not None:
            default = LbListenerDefaultAction(type="forward", target_group_arn=default_target_group_arn)
        else:
            default = LbListenerDefaultAction(
                type="fixed-response",
                fixed_response={"content_type": "text/plain", "message_body": "Not found", "status_code": "404"},
            )
        if config.certificate_arn is None:
            listener = self._listener("http", config.http_port, "HTTP", default, lifecycle=self._owned_default)
            skip_check(listener, "CKV_AWS_2", "no certificate_arn in this configuration: HTTP only")
            skip_check(listener, "CKV_AWS_103", "no certificate_arn in this configuration: HTTP only")
            skip_check(self.load_balancer, "CKV2_AWS_20", "no certificate_arn in this configuration: nothing to redirect to")
            return listener, None
        https = self._listener(
            "https",
            config.https_port,
            "HTTPS",
            default,
            certificate_arn=config.certificate_arn,
            ssl_policy=TLS_POLICY,
            lifecycle=self._owned_default,
        )
        redirect = LbListenerDefaultAction(
            type="redirect", redirect={"port": str(config.https_port), "protocol": "HTTPS", "status_code": "HTTP_301"}
        )
        return https, self._listener("http", config.http_port, "HTTP", redirect)

    def _listener(self, id: str, port: int, protocol: str, action: LbListenerDefaultAction, **settings) -> LbListener:
        return LbListener(
            self,
            id,
            load_balancer_arn=self.load_balancer.arn,
            port=port,
            protocol=protocol,
            default_action=[action],
            tags=dict(self._config.tags) or None,
            **settings,
        )
