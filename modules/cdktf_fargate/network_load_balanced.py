"""NetworkLoadBalancedFargateService: a Fargate service in private subnets behind a Network Load Balancer.

What AWS CDK's ``NetworkLoadBalancedFargateService`` creates (cluster, task definition, log group,
execution and task roles, service, security group, NLB, listener, target group), with the wildcard
permissions and the open 0.0.0.0/0 container port of the seed left out. Every part may be given instead
(``cluster=``, ``load_balancer=``, ``task_definition=``, ``security_groups=``, the roles, the log group).
A service can be TLS-only (``enable_tls`` with ``tls_only``). See docs/PARITY.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.lb_listener import LbListener, LbListenerDefaultAction
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from constructs import Construct

from . import _checks, _names
from ._load_balanced import SERVICE_MOVES, LoadBalancedService, LoadBalancedServiceConfig, ServiceParts
from .deployment import TrafficShifting
from .errors import ConfigError
from .fargate_service import TargetGroupAttachment, with_defaults
from .load_balancer import (
    CERTIFICATE_ARN_PATTERN,
    TLS_POLICY,
    ExistingLoadBalancer,
    LoadBalancerConfig,
    NetworkLoadBalancer,
)
from .refs import ClusterRef, NetworkRef, RepositoryRef
from .task_definition import FargateTaskDefinition, LogGroupRef, RoleRef

TLS_PORT = 443


class HealthCheckProtocol(str, Enum):
    TCP = "TCP"
    HTTP = "HTTP"


@dataclass(frozen=True)
class NetworkLoadBalancedFargateServiceConfig(LoadBalancedServiceConfig):
    """Settings of :class:`NetworkLoadBalancedFargateService`."""

    health_check_protocol: HealthCheckProtocol = HealthCheckProtocol.TCP
    """``TCP`` (default) or ``HTTP`` on ``health_check_path``."""
    enable_tls: bool = False
    """Add a TLS listener on ``tls_port`` with ``tls_certificate_arn`` and a TLS 1.3 policy. Default False."""
    tls_certificate_arn: str = ""
    """ACM certificate ARN (or a token, such as a ``DataAwsAcmCertificate`` lookup) for the TLS listener;
    only with ``enable_tls``. Default none."""
    tls_port: int = TLS_PORT
    """Port of the TLS listener. Default 443."""
    tls_only: bool = False
    """Serve TLS only: no plaintext listener on ``listener_port``. Needs ``enable_tls``. Default False."""

    def __post_init__(self) -> None:
        super().__post_init__()
        protocol = _checks.one_of("health_check_protocol", self.health_check_protocol, HealthCheckProtocol)
        object.__setattr__(self, "health_check_protocol", protocol)
        _checks.boolean("enable_tls", self.enable_tls)
        _checks.boolean("tls_only", self.tls_only)
        _checks.int_in_range("tls_port", self.tls_port, 1, 65535)
        self._check_tls()
        self._check_network_release()
        if self.autoscaling is not None and self.autoscaling.requests_per_target is not None:
            raise ConfigError(
                "autoscaling.requests_per_target",
                self.autoscaling.requests_per_target,
                "needs an Application Load Balancer (ApplicationLoadBalancedFargateService): a Network Load Balancer counts no requests",
            )

    def production_ports(self) -> tuple[int, ...]:
        return (*(() if self.tls_only else (self.listener_port,)), *((self.tls_port,) if self.enable_tls else ()))

    def _check_network_release(self) -> None:
        if self.traffic_shifting is not TrafficShifting.ALL_AT_ONCE:
            raise ConfigError(
                "traffic_shifting",
                self.traffic_shifting.name,
                "must be ALL_AT_ONCE behind a Network Load Balancer (CodeDeploy shifts canary and linear on an ALB only)",
            )
        if self.alarms is not None and self.alarms.http_5xx_threshold is not None:
            raise ConfigError(
                "alarms.http_5xx_threshold",
                self.alarms.http_5xx_threshold,
                "needs an Application Load Balancer: a Network Load Balancer counts no HTTP responses",
            )

    def _check_tls(self) -> None:
        if self.tls_only and not self.enable_tls:
            raise ConfigError(
                "tls_only",
                self.tls_only,
                "needs enable_tls=True (and tls_certificate_arn): a TLS-only service serves the TLS listener",
            )
        if not self.enable_tls:
            if self.tls_certificate_arn:
                raise ConfigError(
                    "tls_certificate_arn",
                    self.tls_certificate_arn,
                    "is used only with enable_tls=True: set enable_tls=True to serve TLS with it, or leave it empty",
                )
            return
        if not self.tls_certificate_arn:
            raise ConfigError(
                "tls_certificate_arn", self.tls_certificate_arn, "is required when enable_tls is True: an ACM certificate ARN"
            )
        _checks.matches(
            "tls_certificate_arn", self.tls_certificate_arn, CERTIFICATE_ARN_PATTERN, "must be an ACM certificate ARN"
        )
        if not self.tls_only and self.listener_port == self.tls_port:
            raise ConfigError(
                "listener_port",
                self.listener_port,
                f"must differ from the TLS listener's port tls_port={self.tls_port} when enable_tls is True",
            )


class NetworkLoadBalancedFargateService(LoadBalancedService):
    """A Fargate service behind a Network Load Balancer: TCP on ``listener_port``, optionally TLS on ``tls_port``.

    Attributes: ``load_balancer``, ``listener``, ``tls_listener``, and those of :class:`LoadBalancedService`
    (the ``service`` part, the ``target_group``, the names and ARNs).
    """

    load_balancer: NetworkLoadBalancer | ExistingLoadBalancer
    """The load balancer (created, or given)."""
    listener: LbListener | None
    """The plaintext TCP listener, or None when ``tls_only``."""
    tls_listener: LbListener | None
    """The TLS listener, or None without ``enable_tls``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: NetworkLoadBalancedFargateServiceConfig | None = None,
        network: NetworkRef,
        repository: RepositoryRef | None = None,
        cluster: ClusterRef | None = None,
        load_balancer: NetworkLoadBalancer | ExistingLoadBalancer | None = None,
        task_definition: FargateTaskDefinition | None = None,
        security_groups: Sequence[str] | None = None,
        task_role: RoleRef | str | None = None,
        execution_role: RoleRef | str | None = None,
        log_group: LogGroupRef | None = None,
    ) -> None:
        config = config if config is not None else NetworkLoadBalancedFargateServiceConfig()
        if not isinstance(config, NetworkLoadBalancedFargateServiceConfig):
            raise ConfigError("config", config, "must be a NetworkLoadBalancedFargateServiceConfig")
        if load_balancer is not None and not isinstance(load_balancer, (NetworkLoadBalancer, ExistingLoadBalancer)):
            raise ConfigError("load_balancer", load_balancer, "must be a NetworkLoadBalancer or an ExistingLoadBalancer")
        if config.alarms is not None and isinstance(load_balancer, ExistingLoadBalancer) and load_balancer.arn_suffix is None:
            raise ConfigError("load_balancer.arn_suffix", None, "is required for alarms: CloudWatch names the metrics by it")
        parts = ServiceParts(repository, cluster, task_definition, security_groups, task_role, execution_role, log_group)
        super().__init__(scope, id)
        config = with_defaults(config, self, cluster)
        name = self._name(config)
        self.load_balancer = load_balancer or self._load_balancer(config, network, name)
        self.target_group = self._target_group(config, network, name)
        self.green_target_group = self._target_group(config, network, name, green=True) if config.blue_green else None
        self.listener, self.tls_listener = self._listeners(config)
        self.test_listener = self._test_listener(config) if config.blue_green else None
        self.alarms = self._rollback_alarms(config, name, self.load_balancer.arn_suffix, http_5xx=False)
        attachment = TargetGroupAttachment(self.target_group.arn, config.container_name, config.container_port)
        production = [l for l in (self.listener, self.tls_listener) if l is not None]
        self.service = self._fargate_service(
            config, network, parts, attachment, [*production, *filter(None, [self.test_listener])]
        )
        self.service.allow_from(
            "ingress", cidr=network.vpc_cidr, description="Container port from the VPC, where the load balancer's nodes are"
        )
        self.deployment = self._code_deploy(config, name, [l.arn for l in production])
        self._expose(self.load_balancer.arn, self.load_balancer.dns_name)
        self._moved_parts((*SERVICE_MOVES, ("nlb", "load-balancer/load-balancer")))

    def _load_balancer(
        self, config: NetworkLoadBalancedFargateServiceConfig, network: NetworkRef, name: str
    ) -> NetworkLoadBalancer:
        return NetworkLoadBalancer(
            self,
            "load-balancer",
            network=network,
            config=LoadBalancerConfig(
                name=self._derived(_names.LOAD_BALANCER, name, "nlb"),
                internet_facing=config.internet_facing,
                deletion_protection=config.deletion_protection,
                tags=config.tags,
            ),
        )

    def _target_group(
        self, config: NetworkLoadBalancedFargateServiceConfig, network: NetworkRef, name: str, *, green: bool = False
    ) -> LbTargetGroup:
        health_check: dict[str, Any] = {"enabled": True, "protocol": config.health_check_protocol.value, "port": "traffic-port"}
        if config.health_check_protocol is HealthCheckProtocol.HTTP:
            health_check["path"] = config.health_check_path
        return LbTargetGroup(
            self,
            "targets-green" if green else "targets",
            name=self._derived(_names.TARGET_GROUP, name, "tg-green" if green else "tg"),
            port=config.container_port,
            protocol="TCP",
            target_type="ip",
            vpc_id=network.vpc_id,
            deregistration_delay=str(config.deregistration_delay_s),
            preserve_client_ip="false",
            health_check=health_check,
            tags=dict(config.tags) or None,
        )

    def _test_listener(self, config: NetworkLoadBalancedFargateServiceConfig) -> LbListener:
        assert self.green_target_group is not None
        return LbListener(
            self,
            "test-listener",
            load_balancer_arn=self.load_balancer.arn,
            port=config.test_listener_port,
            protocol="TCP",
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.green_target_group.arn)],
            tags=dict(config.tags) or None,
            lifecycle=TerraformResourceLifecycle(ignore_changes=["default_action"]),  # CodeDeploy swaps it
        )

    def _listeners(self, config: NetworkLoadBalancedFargateServiceConfig) -> tuple[LbListener | None, LbListener | None]:
        forward = [LbListenerDefaultAction(type="forward", target_group_arn=self.target_group.arn)]
        tags = dict(config.tags) or None
        # Under BLUE_GREEN, CodeDeploy points the listeners at whichever target group is live.
        lifecycle = TerraformResourceLifecycle(ignore_changes=["default_action"]) if config.blue_green else None
        plain = tls = None
        if not config.tls_only:
            plain = LbListener(
                self,
                "listener",
                load_balancer_arn=self.load_balancer.arn,
                port=config.listener_port,
                protocol="TCP",
                default_action=forward,
                tags=tags,
                lifecycle=lifecycle,
            )
        if config.enable_tls:
            tls = LbListener(
                self,
                "tls-listener",
                load_balancer_arn=self.load_balancer.arn,
                port=config.tls_port,
                protocol="TLS",
                certificate_arn=config.tls_certificate_arn,
                ssl_policy=TLS_POLICY,
                default_action=forward,
                tags=tags,
                lifecycle=lifecycle,
            )
        return plain, tls
