"""ApplicationLoadBalancedFargateService: a Fargate service in private subnets behind an Application Load Balancer.

HTTP on ``listener_port``; with ``certificate_arn``, HTTPS on ``https_port`` and a redirect from HTTP. Health
checks on ``health_check_path``. With ``path_patterns`` or ``host_headers`` (and a ``priority``) the service
gets a listener rule instead of the listener's default action, so several services can share one load
balancer: give the next service the first one's ``load_balancer`` (or its ``listener``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.lb_listener import LbListener, LbListenerDefaultAction
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionHostHeader,
    LbListenerRuleConditionPathPattern,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from . import _checks, _names
from ._load_balanced import LoadBalancedService, LoadBalancedServiceConfig, ServiceParts
from .errors import ConfigError
from .fargate_service import TargetGroupAttachment, with_defaults
from .load_balancer import (
    CERTIFICATE_ARN_PATTERN,
    ApplicationLoadBalancer,
    ApplicationLoadBalancerConfig,
    ExistingLoadBalancer,
)
from .refs import ClusterRef, NetworkRef, RepositoryRef
from .task_definition import FargateTaskDefinition, LogGroupRef, RoleRef

MAX_CONDITION_VALUES = 5  # AWS: at most 5 values over all the conditions of one rule
_PATH_PATTERN = r"[A-Za-z0-9_\-.$/~\"'@:+*?&]{1,128}"
_HOST_PATTERN = r"[A-Za-z0-9*?.-]{1,128}"


@dataclass(frozen=True)
class ApplicationLoadBalancedFargateServiceConfig(LoadBalancedServiceConfig):
    """Settings of :class:`ApplicationLoadBalancedFargateService`."""

    certificate_arn: str | None = None
    """ACM certificate ARN (or a token): HTTPS on ``https_port`` with a TLS 1.3 policy, and ``listener_port``
    redirects to it. Only for a load balancer the service creates. Default none (HTTP only)."""
    https_port: int = 443
    """Port of the HTTPS listener (with ``certificate_arn``). Default 443."""
    health_check_matcher: str = "200-399"
    """HTTP codes that count as healthy, like ``200`` or ``200-299``. Default ``200-399``."""
    path_patterns: tuple[str, ...] = ()
    """Route requests whose path matches one of these (``/orders*``) to this service, with a listener rule.
    Default none: the service takes what no rule matches (the listener's default)."""
    host_headers: tuple[str, ...] = ()
    """Route requests for these hosts (``api.example.com``, ``*.example.com``) to this service. Default none."""
    priority: int | None = None
    """Priority of the listener rule, 1 to 50000 (lower is evaluated first), unique on the listener; required
    with ``path_patterns`` or ``host_headers``. Default none."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.certificate_arn is not None:
            _checks.matches("certificate_arn", self.certificate_arn, CERTIFICATE_ARN_PATTERN, "must be an ACM certificate ARN")
            if self.listener_port == self.https_port:
                raise ConfigError("listener_port", self.listener_port, f"must differ from https_port={self.https_port}")
        _checks.int_in_range("https_port", self.https_port, 1, 65535)
        _checks.matches(
            "health_check_matcher",
            self.health_check_matcher,
            r"\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*",
            "must be codes like '200' or '200-399'",
        )
        self._check_conditions()

    def production_ports(self) -> tuple[int, ...]:
        return (self.listener_port, *((self.https_port,) if self.certificate_arn is not None else ()))

    @property
    def has_conditions(self) -> bool:
        return bool(self.path_patterns or self.host_headers)

    def _check_conditions(self) -> None:
        paths = _checks.string_tuple("path_patterns", self.path_patterns)
        hosts = _checks.string_tuple("host_headers", self.host_headers)
        for path in paths:
            if not re.fullmatch(_PATH_PATTERN, path):
                raise ConfigError("path_patterns", path, "must be 1-128 characters of letters, digits and _-.$/~\"'@:+*?&")
        for host in hosts:
            if not re.fullmatch(_HOST_PATTERN, host):
                raise ConfigError(
                    "host_headers", host, "must be a host name of letters, digits, '-', '.', with '*' or '?' wildcards"
                )
        if len(paths) + len(hosts) > MAX_CONDITION_VALUES:
            raise ConfigError(
                "path_patterns", paths + hosts, f"with host_headers, at most {MAX_CONDITION_VALUES} values in all (an AWS limit)"
            )
        _checks.optional_int_in_range("priority", self.priority, 1, 50000)
        if (paths or hosts) and self.priority is None:
            raise ConfigError(
                "priority", None, "is required with path_patterns or host_headers: 1 to 50000, unique on the listener"
            )
        if self.priority is not None and not (paths or hosts):
            raise ConfigError("priority", self.priority, "is used only with path_patterns or host_headers")
        object.__setattr__(self, "path_patterns", paths)
        object.__setattr__(self, "host_headers", hosts)


@dataclass(frozen=True)
class _Listener:
    """The listener the service is routed from, and the security group traffic comes from (None: the VPC)."""

    arn: str
    security_group_id: str | None
    load_balancer_arn: str
    load_balancer_arn_suffix: str | None
    dns_name: str


class ApplicationLoadBalancedFargateService(LoadBalancedService):
    """A Fargate service behind an Application Load Balancer, on its own or sharing one with other services.

    Attributes: ``load_balancer``, ``listener_arn``, ``listener_rule``, and those of :class:`LoadBalancedService`
    (the ``service`` part, the ``target_group``, the names and ARNs).
    """

    load_balancer: ApplicationLoadBalancer | ExistingLoadBalancer | None
    """The load balancer (created, or given), or None when only ``listener`` was given."""
    listener_arn: str
    """ARN of the listener the service is reached through."""
    listener_rule: LbListenerRule | None
    """The rule routing ``path_patterns``/``host_headers`` to the service, or None."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: ApplicationLoadBalancedFargateServiceConfig | None = None,
        network: NetworkRef,
        repository: RepositoryRef | None = None,
        cluster: ClusterRef | None = None,
        load_balancer: ApplicationLoadBalancer | ExistingLoadBalancer | None = None,
        listener: LbListener | None = None,
        task_definition: FargateTaskDefinition | None = None,
        security_groups: Sequence[str] | None = None,
        task_role: RoleRef | str | None = None,
        execution_role: RoleRef | str | None = None,
        log_group: LogGroupRef | None = None,
    ) -> None:
        config = config if config is not None else ApplicationLoadBalancedFargateServiceConfig()
        _check_shared(config, load_balancer, listener)
        parts = ServiceParts(repository, cluster, task_definition, security_groups, task_role, execution_role, log_group)
        super().__init__(scope, id)
        config = with_defaults(config, self, cluster)
        name = self._name(config)
        self.target_group = self._target_group(config, network, name)
        self.green_target_group = self._target_group(config, network, name, green=True) if config.blue_green else None
        self.load_balancer = load_balancer
        route = _shared_listener(load_balancer, listener) or self._own_load_balancer(config, network, name)
        self.listener_arn = route.arn
        self.listener_rule = self._listener_rule(config) if config.has_conditions else None
        self.test_listener = self._test_listener(config, route, network) if config.blue_green else None
        self.alarms = self._rollback_alarms(config, name, route.load_balancer_arn_suffix, http_5xx=True)
        label = f"{route.load_balancer_arn_suffix}/{self.target_group.arn_suffix}" if route.load_balancer_arn_suffix else None
        attachment = TargetGroupAttachment(self.target_group.arn, config.container_name, config.container_port, label)
        depends_on = [self.listener_rule] if self.listener_rule is not None else [self.load_balancer.listener]
        self.service = self._fargate_service(
            config, network, parts, attachment, [*depends_on, *filter(None, [self.test_listener])]
        )
        self._allow_traffic(route, network)
        self.deployment = self._code_deploy(config, name, [route.arn])
        self._expose(route.load_balancer_arn, route.dns_name)

    def _own_load_balancer(
        self, config: ApplicationLoadBalancedFargateServiceConfig, network: NetworkRef, name: str
    ) -> _Listener:
        self.load_balancer = ApplicationLoadBalancer(
            self,
            "load-balancer",
            network=network,
            default_target_group_arn=None if config.has_conditions else self.target_group.arn,
            code_deploy=config.blue_green,
            config=ApplicationLoadBalancerConfig(
                name=self._derived(_names.LOAD_BALANCER, name, "alb"),
                internet_facing=config.internet_facing,
                deletion_protection=config.deletion_protection,
                certificate_arn=config.certificate_arn,
                http_port=config.listener_port,
                https_port=config.https_port,
                tags=config.tags,
            ),
        )
        return _listener_of(self.load_balancer)

    def _target_group(
        self, config: ApplicationLoadBalancedFargateServiceConfig, network: NetworkRef, name: str, *, green: bool = False
    ) -> LbTargetGroup:
        return LbTargetGroup(
            self,
            "targets-green" if green else "targets",
            name=self._derived(_names.TARGET_GROUP, name, "tg-green" if green else "tg"),
            port=config.container_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=network.vpc_id,
            deregistration_delay=str(config.deregistration_delay_s),
            health_check={
                "enabled": True,
                "protocol": "HTTP",
                "path": config.health_check_path,
                "matcher": config.health_check_matcher,
                "port": "traffic-port",
            },
            tags=dict(config.tags) or None,
        )

    def _listener_rule(self, config: ApplicationLoadBalancedFargateServiceConfig) -> LbListenerRule:
        conditions: list[LbListenerRuleCondition] = []
        if config.path_patterns:
            conditions.append(
                LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=list(config.path_patterns)))
            )
        if config.host_headers:
            conditions.append(
                LbListenerRuleCondition(host_header=LbListenerRuleConditionHostHeader(values=list(config.host_headers)))
            )
        return LbListenerRule(
            self,
            "rule",
            listener_arn=self.listener_arn,
            priority=config.priority,
            action=[LbListenerRuleAction(type="forward", target_group_arn=self.target_group.arn)],
            condition=conditions,
            tags=dict(config.tags) or None,
            # Under BLUE_GREEN, CodeDeploy points the rule at whichever target group is live.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["action"]) if config.blue_green else None,
        )

    def _test_listener(
        self, config: ApplicationLoadBalancedFargateServiceConfig, route: _Listener, network: NetworkRef
    ) -> LbListener:
        assert self.green_target_group is not None
        if route.security_group_id is not None:
            VpcSecurityGroupIngressRule(
                self,
                "test-ingress",
                security_group_id=route.security_group_id,
                ip_protocol="tcp",
                from_port=config.test_listener_port,
                to_port=config.test_listener_port,
                cidr_ipv4=network.vpc_cidr,
                description="Test listener of blue/green deployments, from the VPC only",
            )
        return LbListener(
            self,
            "test-listener",
            load_balancer_arn=route.load_balancer_arn,
            port=config.test_listener_port,
            protocol="HTTP",
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.green_target_group.arn)],
            tags=dict(config.tags) or None,
            lifecycle=TerraformResourceLifecycle(ignore_changes=["default_action"]),  # CodeDeploy swaps it
        )

    def _allow_traffic(self, route: _Listener, network: NetworkRef) -> None:
        if route.security_group_id is not None:
            self.service.allow_from("ingress", security_group_id=route.security_group_id, description="From the load balancer")
        else:
            self.service.allow_from("ingress", cidr=network.vpc_cidr, description="From the VPC, where the load balancer is")


def _listener_of(load_balancer: ApplicationLoadBalancer) -> _Listener:
    return _Listener(
        load_balancer.listener_arn,
        load_balancer.security_group_id,
        load_balancer.arn,
        load_balancer.arn_suffix,
        load_balancer.dns_name,
    )


def _shared_listener(load_balancer: Any, listener: LbListener | None) -> _Listener | None:
    """The listener of a load balancer the service shares, or None when it creates its own."""
    if isinstance(load_balancer, ApplicationLoadBalancer):
        return _listener_of(load_balancer)
    owner = listener.node.scope if listener is not None else None
    if isinstance(owner, ApplicationLoadBalancer):
        return _Listener(listener.arn, owner.security_group_id, owner.arn, owner.arn_suffix, owner.dns_name)
    if isinstance(load_balancer, ExistingLoadBalancer):
        arn = listener.arn if listener is not None else load_balancer.listener_arn
        return _Listener(
            arn, load_balancer.security_group_id, load_balancer.arn, load_balancer.arn_suffix, load_balancer.dns_name
        )
    return None


def _check_shared(config: Any, load_balancer: Any, listener: Any) -> None:
    """A service sharing a load balancer is routed by a rule and takes the listener as it is."""
    if not isinstance(config, ApplicationLoadBalancedFargateServiceConfig):
        raise ConfigError("config", config, "must be an ApplicationLoadBalancedFargateServiceConfig")
    if load_balancer is not None and not isinstance(load_balancer, (ApplicationLoadBalancer, ExistingLoadBalancer)):
        raise ConfigError("load_balancer", load_balancer, "must be an ApplicationLoadBalancer or an ExistingLoadBalancer")
    if listener is not None and not isinstance(listener, LbListener):
        raise ConfigError("listener", listener, "must be the LbListener of another service's or an ApplicationLoadBalancer")
    if listener is not None and load_balancer is None and not isinstance(listener.node.scope, ApplicationLoadBalancer):
        raise ConfigError(
            "load_balancer", None, "is required with a listener built outside an ApplicationLoadBalancer: its DNS name"
        )
    if isinstance(load_balancer, ExistingLoadBalancer) and load_balancer.listener_arn is None and listener is None:
        raise ConfigError(
            "load_balancer.listener_arn", None, "is required to share an existing load balancer (or give listener=)"
        )
    if load_balancer is None and listener is None:
        return
    if not config.has_conditions:
        raise ConfigError(
            "path_patterns", (), "a service sharing a load balancer needs path_patterns or host_headers (and a priority)"
        )
    if config.certificate_arn is not None:
        raise ConfigError(
            "certificate_arn", config.certificate_arn, "must be left unset when sharing a load balancer: its listener decides"
        )
    requests = config.autoscaling.requests_per_target if config.autoscaling is not None else None
    if requests is not None and isinstance(load_balancer, ExistingLoadBalancer) and load_balancer.arn_suffix is None:
        raise ConfigError(
            "load_balancer.arn_suffix", None, "is required for autoscaling.requests_per_target: the metric is named by it"
        )
