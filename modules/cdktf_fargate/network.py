"""Network: a VPC over 1-6 availability zones with public and private subnets.

Per zone one public subnet (routed to an internet gateway) and one private subnet (routed to a
NAT gateway when there is one). A DynamoDB gateway endpoint serves the private route tables.
With ``nat_gateway_count=0`` the private subnets have no route to the internet at all.
The VPC's default security group is stripped of its rules, and flow logs record all traffic.
:class:`ExistingNetwork` names a network built elsewhere; its ids may be Terraform tokens (a
``DataAwsVpc`` lookup, another stack's output).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import Fn
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_availability_zones import DataAwsAvailabilityZones
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from . import _checks, _names
from ._iam import service_role
from ._terraform import AWS_MANAGED_KEYS, skip_check
from ._tokens import is_unresolved
from .errors import ConfigError

MAX_AZS = 6


@dataclass(frozen=True)
class NetworkConfig:
    """Settings of :class:`Network`."""

    name: str | None = None
    """Prefix of every ``Name`` tag and of the flow log role and group: a letter, then up to 31 letters,
    digits or hyphens. Default: derived from the construct path (``<stack>-<id>-<hash>``)."""
    cidr: str = "10.0.0.0/16"
    """VPC CIDR block, /16 to /24. Default ``10.0.0.0/16``."""
    az_count: int = 2
    """Number of availability zones, 1 to 6. Default 2."""
    availability_zones: tuple[str, ...] = ()
    """Zone names to use, ``az_count`` of them. Default ``()``: the first ``az_count`` zones the region reports."""
    subnet_newbits: int = 8
    """Bits added to the VPC prefix for each subnet (8 turns a /16 into /24 subnets). Default 8."""
    nat_gateway_count: int = 1
    """NAT gateways, 0 to ``az_count``; private subnets share them round-robin. 0 leaves private
    subnets with no internet route. Default 1 (one per zone is the highly available choice)."""
    enable_dynamodb_endpoint: bool = True
    """Add a DynamoDB gateway endpoint to the private route tables. Default True."""
    enable_flow_logs: bool = True
    """Record the VPC's traffic (accepted and rejected) in a CloudWatch log group. Default True."""
    flow_log_retention_days: int = 365
    """Retention of the flow log group, one of CloudWatch's values. Default 365."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags on every resource. Default none."""

    def __post_init__(self) -> None:
        if self.name is not None:
            _names.NETWORK_NAME.check("name", self.name)
        vpc = _checks.ipv4_network("cidr", self.cidr, 16, 24)
        _checks.int_in_range("az_count", self.az_count, 1, MAX_AZS)
        zones = _checks.string_tuple("availability_zones", self.availability_zones)
        object.__setattr__(self, "availability_zones", zones)
        if zones and len(zones) != self.az_count:
            raise ConfigError(
                "availability_zones", zones, f"must name exactly az_count={self.az_count} zones, or be empty to look them up"
            )
        if len(set(zones)) != len(zones):
            raise ConfigError("availability_zones", zones, "must not repeat a zone")
        _checks.int_in_range("subnet_newbits", self.subnet_newbits, 1, 12)
        if vpc.prefixlen + self.subnet_newbits > 28:
            raise ConfigError(
                "subnet_newbits",
                self.subnet_newbits,
                f"must leave subnets of /28 or larger: {self.cidr} allows at most {28 - vpc.prefixlen}",
            )
        if 2**self.subnet_newbits < 2 * self.az_count:
            raise ConfigError(
                "subnet_newbits",
                self.subnet_newbits,
                f"must make room for {2 * self.az_count} subnets (2 per zone): at least {(2 * self.az_count - 1).bit_length()}",
            )
        _checks.int_in_range("nat_gateway_count", self.nat_gateway_count, 0, self.az_count)
        _checks.boolean("enable_dynamodb_endpoint", self.enable_dynamodb_endpoint)
        _checks.boolean("enable_flow_logs", self.enable_flow_logs)
        _checks.log_retention_days("flow_log_retention_days", self.flow_log_retention_days)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))

    def subnet_cidrs(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(public, private) subnet CIDRs: public from the bottom of the VPC range, private from its middle."""
        subnets = list(
            ipaddress.IPv4Network(self.cidr).subnets(new_prefix=ipaddress.IPv4Network(self.cidr).prefixlen + self.subnet_newbits)
        )
        half = len(subnets) // 2
        public = tuple(str(subnets[i]) for i in range(self.az_count))
        private = tuple(str(subnets[half + i]) for i in range(self.az_count))
        return public, private


class Network(Construct):
    """VPC, subnets, gateways and routes as described in the module docstring.

    Attributes: ``vpc_id``, ``vpc_cidr``, ``public_subnet_ids``, ``private_subnet_ids``,
    ``private_route_table_ids``, ``nat_gateway_ids`` (Terraform tokens or tuples of them);
    ``name``; the resources ``vpc``, ``public_subnets``, ``private_subnets``, ``internet_gateway``,
    ``public_route_table``, ``private_route_tables``, ``nat_gateways``, ``dynamodb_endpoint``,
    ``flow_log``, ``flow_log_group``, ``flow_log_role``.
    """

    vpc_id: str
    """Id of the VPC."""
    vpc_cidr: str
    """CIDR block of the VPC."""
    public_subnet_ids: tuple[str, ...]
    """Ids of the public subnets, one per zone."""
    private_subnet_ids: tuple[str, ...]
    """Ids of the private subnets, one per zone."""
    private_route_table_ids: tuple[str, ...]
    """Ids of the private route tables, one per zone."""
    nat_gateway_ids: tuple[str, ...]
    """Ids of the NAT gateways."""
    name: str
    """Prefix of the ``Name`` tags (the config's, or the one derived from the construct path)."""
    vpc: Vpc
    """The VPC."""
    public_subnets: tuple[Subnet, ...]
    """One public subnet per zone."""
    private_subnets: tuple[Subnet, ...]
    """One private subnet per zone."""
    internet_gateway: InternetGateway
    """The internet gateway of the public subnets."""
    public_route_table: RouteTable
    """Route table of the public subnets."""
    private_route_tables: tuple[RouteTable, ...]
    """One route table per private subnet."""
    nat_gateways: tuple[NatGateway, ...]
    """The NAT gateways (``nat_gateway_count`` of them)."""
    dynamodb_endpoint: VpcEndpoint | None
    """The DynamoDB gateway endpoint, or None when ``enable_dynamodb_endpoint`` is False."""
    flow_log: FlowLog | None
    """The VPC flow log, or None when ``enable_flow_logs`` is False."""
    flow_log_group: CloudwatchLogGroup | None
    """Log group of the flow log, or None."""
    flow_log_role: IamRole | None
    """Role the flow log writes with, or None."""

    def __init__(self, scope: Construct, id: str, *, config: NetworkConfig | None = None) -> None:
        config = config if config is not None else NetworkConfig()
        if not isinstance(config, NetworkConfig):
            raise ConfigError("config", config, "must be a NetworkConfig")
        super().__init__(scope, id)
        self.config = config
        name = config.name if config.name is not None else _names.NETWORK_NAME.unique(self)
        self.name = name

        def tags(suffix: str, **extra: str) -> dict[str, str]:
            return {**config.tags, "Name": f"{name}-{suffix}", **extra}

        if config.availability_zones:
            zones = list(config.availability_zones)
        else:
            lookup = DataAwsAvailabilityZones(self, "zones", state="available")
            skip_check(lookup, "CKV_AWS_394", "only the first az_count zone names are used; availability_zones pins them by name")
            zones = [Fn.element(lookup.names, i) for i in range(config.az_count)]

        vpc = Vpc(self, "vpc", cidr_block=config.cidr, enable_dns_support=True, enable_dns_hostnames=True, tags=tags("vpc"))
        # Adopt the VPC's default security group and remove its rules: nothing may use it by accident.
        DefaultSecurityGroup(self, "default-security-group", vpc_id=vpc.id, tags=tags("default-deny"))
        self.flow_log = self.flow_log_group = self.flow_log_role = None
        if config.enable_flow_logs:
            self._flow_logs(config, name, vpc.id, tags("flow-logs"))
        igw = InternetGateway(self, "igw", vpc_id=vpc.id, tags=tags("igw"))

        public_rt = RouteTable(self, "public", vpc_id=vpc.id, tags=tags("public"))
        Route(self, "public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)

        public_cidrs, private_cidrs = config.subnet_cidrs()
        public_subnets, private_subnets, private_rts, nat_ids, nat_gateways = [], [], [], [], []
        for i, zone in enumerate(zones):
            subnet = Subnet(
                self,
                f"public-{i}",
                vpc_id=vpc.id,
                cidr_block=public_cidrs[i],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=tags(f"public-{i}", tier="public"),
            )
            RouteTableAssociation(self, f"public-{i}-rt", subnet_id=subnet.id, route_table_id=public_rt.id)
            public_subnets.append(subnet)

        for i in range(config.nat_gateway_count):
            eip = Eip(self, f"nat-{i}-ip", domain="vpc", tags=tags(f"nat-{i}"))
            nat = NatGateway(
                self,
                f"nat-{i}",
                allocation_id=eip.id,
                subnet_id=public_subnets[i].id,
                tags=tags(f"nat-{i}"),
                depends_on=[igw],
            )
            nat_ids.append(nat.id)
            nat_gateways.append(nat)

        for i, zone in enumerate(zones):
            subnet = Subnet(
                self,
                f"private-{i}",
                vpc_id=vpc.id,
                cidr_block=private_cidrs[i],
                availability_zone=zone,
                tags=tags(f"private-{i}", tier="private"),
            )
            route_table = RouteTable(self, f"private-{i}-rt-table", vpc_id=vpc.id, tags=tags(f"private-{i}"))
            RouteTableAssociation(self, f"private-{i}-rt", subnet_id=subnet.id, route_table_id=route_table.id)
            if nat_ids:
                Route(
                    self,
                    f"private-{i}-default",
                    route_table_id=route_table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat_ids[i % len(nat_ids)],
                )
            private_subnets.append(subnet)
            private_rts.append(route_table)

        self.dynamodb_endpoint = None
        if config.enable_dynamodb_endpoint:
            region = DataAwsRegion(self, "region")
            self.dynamodb_endpoint = VpcEndpoint(
                self,
                "dynamodb",
                vpc_id=vpc.id,
                vpc_endpoint_type="Gateway",
                service_name=f"com.amazonaws.{region.name}.dynamodb",
                route_table_ids=[rt.id for rt in private_rts],
                tags=tags("dynamodb"),
            )

        self.vpc_id: str = vpc.id
        self.vpc_cidr: str = vpc.cidr_block
        self.public_subnet_ids: tuple[str, ...] = tuple(s.id for s in public_subnets)
        self.private_subnet_ids: tuple[str, ...] = tuple(s.id for s in private_subnets)
        self.private_route_table_ids: tuple[str, ...] = tuple(rt.id for rt in private_rts)
        self.nat_gateway_ids: tuple[str, ...] = tuple(nat_ids)
        self.vpc = vpc
        self.public_subnets = tuple(public_subnets)
        self.private_subnets = tuple(private_subnets)
        self.internet_gateway = igw
        self.public_route_table = public_rt
        self.private_route_tables = tuple(private_rts)
        self.nat_gateways = tuple(nat_gateways)

    def _flow_logs(self, config: NetworkConfig, name: str, vpc_id: str, tags: dict[str, str]) -> None:
        log_group = CloudwatchLogGroup(
            self,
            "flow-logs",
            name=_names.LOG_GROUP.fit(f"/vpc/{name}/flow-logs"),
            retention_in_days=config.flow_log_retention_days,
            tags=tags,
        )
        skip_check(log_group, "CKV_AWS_158", AWS_MANAGED_KEYS)
        role = service_role(
            self,
            "flow-logs",
            name=_names.IAM_ROLE.fit(f"{name}-flow-logs"),
            service="vpc-flow-logs.amazonaws.com",
            tags=tags,
            policy_name="write-flow-logs",
            statements=[
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [log_group.arn, f"{log_group.arn}:*"],
                },
            ],
        )
        self.flow_log_group, self.flow_log_role = log_group, role
        self.flow_log = FlowLog(
            self,
            "flow-log",
            vpc_id=vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
            tags=tags,
        )


@dataclass(frozen=True)
class ExistingNetwork:
    """A network built elsewhere (another stack, another team), named by its ids.

    Anything that takes a ``network`` accepts it in place of :class:`Network`. Every field may be a
    Terraform token: ``DataAwsVpc(...).id``, ``DataAwsSubnets(...).ids``, another stack's attribute.
    """

    vpc_id: str
    """Id of the VPC, like ``vpc-0a1b2c3d``, or a token. Required."""
    vpc_cidr: str
    """CIDR block of the VPC, or a token. Required."""
    public_subnet_ids: tuple[str, ...]
    """Ids of the public subnets, at least one (or a list token). Required."""
    private_subnet_ids: tuple[str, ...]
    """Ids of the private subnets, at least one (or a list token). Required."""

    def __post_init__(self) -> None:
        _checks.matches("vpc_id", self.vpc_id, r"vpc-[0-9a-f]{8,17}", "must be a VPC id like 'vpc-0a1b2c3d'")
        _checks.ipv4_network("vpc_cidr", self.vpc_cidr, 16, 28)
        for name in ("public_subnet_ids", "private_subnet_ids"):
            ids = _checks.string_tuple(name, getattr(self, name))
            if not ids or not all(is_unresolved(i) or re.fullmatch(r"subnet-[0-9a-f]{8,17}", i) for i in ids):
                raise ConfigError(name, ids, "must hold at least one subnet id like 'subnet-0a1b2c3d'")
            object.__setattr__(self, name, ids)
