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

from . import _checks, _iam, _logs, _names
from ._iam import service_role
from ._terraform import skip_check
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
        object.__setattr__(self, "availability_zones", self._checked_zones())
        self._check_subnet_newbits(vpc.prefixlen)
        _checks.int_in_range("nat_gateway_count", self.nat_gateway_count, 0, self.az_count)
        _checks.boolean("enable_dynamodb_endpoint", self.enable_dynamodb_endpoint)
        _checks.boolean("enable_flow_logs", self.enable_flow_logs)
        _checks.log_retention_days("flow_log_retention_days", self.flow_log_retention_days)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))

    def _checked_zones(self) -> tuple[str, ...]:
        """``az_count`` distinct zone names, or none (looked up)."""
        zones = _checks.string_tuple("availability_zones", self.availability_zones)
        if zones and len(zones) != self.az_count:
            raise ConfigError(
                "availability_zones", zones, f"must name exactly az_count={self.az_count} zones, or be empty to look them up"
            )
        if len(set(zones)) != len(zones):
            raise ConfigError("availability_zones", zones, "must not repeat a zone")
        return zones

    def _check_subnet_newbits(self, vpc_prefixlen: int) -> None:
        """Subnets of /28 or larger, and room for two per zone."""
        _checks.int_in_range("subnet_newbits", self.subnet_newbits, 1, 12)
        if vpc_prefixlen + self.subnet_newbits > 28:
            raise ConfigError(
                "subnet_newbits",
                self.subnet_newbits,
                f"must leave subnets of /28 or larger: {self.cidr} allows at most {28 - vpc_prefixlen}",
            )
        if 2**self.subnet_newbits < 2 * self.az_count:
            raise ConfigError(
                "subnet_newbits",
                self.subnet_newbits,
                f"must make room for {2 * self.az_count} subnets (2 per zone): at least {(2 * self.az_count - 1).bit_length()}",
            )

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
        self.name = config.name if config.name is not None else _names.NETWORK_NAME.unique(self)
        zones = self._zones()
        self.vpc = self._vpc()
        self.flow_log, self.flow_log_group, self.flow_log_role = (
            self._flow_logs(self.vpc) if config.enable_flow_logs else (None, None, None)
        )
        self.internet_gateway, self.public_route_table = self._internet_route(self.vpc)
        self.public_subnets = self._public_subnets(self.vpc, zones, self.public_route_table)
        self.nat_gateways = self._nat_gateways(self.public_subnets, self.internet_gateway)
        self.private_subnets, self.private_route_tables = self._private_subnets(self.vpc, zones, self.nat_gateways)
        self.dynamodb_endpoint = (
            self._dynamodb_endpoint(self.vpc, self.private_route_tables) if config.enable_dynamodb_endpoint else None
        )
        self.vpc_id = self.vpc.id
        self.vpc_cidr = self.vpc.cidr_block
        self.public_subnet_ids = tuple(s.id for s in self.public_subnets)
        self.private_subnet_ids = tuple(s.id for s in self.private_subnets)
        self.private_route_table_ids = tuple(rt.id for rt in self.private_route_tables)
        self.nat_gateway_ids = tuple(nat.id for nat in self.nat_gateways)

    def _tags(self, suffix: str, **extra: str) -> dict[str, str]:
        return {**self.config.tags, "Name": f"{self.name}-{suffix}", **extra}

    def _zones(self) -> list[str]:
        """The configured zone names, or the first ``az_count`` the region reports."""
        if self.config.availability_zones:
            return list(self.config.availability_zones)
        lookup = DataAwsAvailabilityZones(self, "zones", state="available")
        skip_check(lookup, "CKV_AWS_394", "only the first az_count zone names are used; availability_zones pins them by name")
        return [Fn.element(lookup.names, i) for i in range(self.config.az_count)]

    def _vpc(self) -> Vpc:
        config = self.config
        vpc = Vpc(self, "vpc", cidr_block=config.cidr, enable_dns_support=True, enable_dns_hostnames=True, tags=self._tags("vpc"))
        # Adopt the VPC's default security group and remove its rules: nothing may use it by accident.
        DefaultSecurityGroup(self, "default-security-group", vpc_id=vpc.id, tags=self._tags("default-deny"))
        return vpc

    def _flow_logs(self, vpc: Vpc) -> tuple[FlowLog, CloudwatchLogGroup, IamRole]:
        """All of the VPC's traffic into a log group of its own, written with a role of its own."""
        tags = self._tags("flow-logs")
        group = _logs.log_group(
            self,
            "flow-logs",
            name=_names.LOG_GROUP.fit(f"/vpc/{self.name}/flow-logs"),
            retention_days=self.config.flow_log_retention_days,
            tags=tags,
        )
        role = service_role(
            self,
            "flow-logs",
            name=_names.IAM_ROLE.fit(f"{self.name}-flow-logs"),
            service="vpc-flow-logs.amazonaws.com",
            tags=tags,
            policy_name="write-flow-logs",
            statements=[_iam.log_write_statement(group.arn, "logs:DescribeLogStreams")],
        )
        flow_log = FlowLog(
            self,
            "flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
            tags=tags,
        )
        return flow_log, group, role

    def _internet_route(self, vpc: Vpc) -> tuple[InternetGateway, RouteTable]:
        """The internet gateway, and the public route table whose default route goes through it."""
        igw = InternetGateway(self, "igw", vpc_id=vpc.id, tags=self._tags("igw"))
        route_table = RouteTable(self, "public", vpc_id=vpc.id, tags=self._tags("public"))
        Route(self, "public-default", route_table_id=route_table.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
        return igw, route_table

    def _public_subnets(self, vpc: Vpc, zones: list[str], route_table: RouteTable) -> tuple[Subnet, ...]:
        cidrs, _ = self.config.subnet_cidrs()
        subnets = []
        for i, zone in enumerate(zones):
            subnet = Subnet(
                self,
                f"public-{i}",
                vpc_id=vpc.id,
                cidr_block=cidrs[i],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=self._tags(f"public-{i}", tier="public"),
            )
            RouteTableAssociation(self, f"public-{i}-rt", subnet_id=subnet.id, route_table_id=route_table.id)
            subnets.append(subnet)
        return tuple(subnets)

    def _nat_gateways(self, public_subnets: tuple[Subnet, ...], igw: InternetGateway) -> tuple[NatGateway, ...]:
        """``nat_gateway_count`` NAT gateways, each with its elastic IP, in the first public subnets."""
        gateways = []
        for i in range(self.config.nat_gateway_count):
            eip = Eip(self, f"nat-{i}-ip", domain="vpc", tags=self._tags(f"nat-{i}"))
            gateways.append(
                NatGateway(
                    self,
                    f"nat-{i}",
                    allocation_id=eip.id,
                    subnet_id=public_subnets[i].id,
                    tags=self._tags(f"nat-{i}"),
                    depends_on=[igw],
                )
            )
        return tuple(gateways)

    def _private_subnets(
        self, vpc: Vpc, zones: list[str], nat_gateways: tuple[NatGateway, ...]
    ) -> tuple[tuple[Subnet, ...], tuple[RouteTable, ...]]:
        """One private subnet per zone with a route table of its own, routed round-robin to the NAT gateways."""
        _, cidrs = self.config.subnet_cidrs()
        subnets, route_tables = [], []
        for i, zone in enumerate(zones):
            subnet = Subnet(
                self,
                f"private-{i}",
                vpc_id=vpc.id,
                cidr_block=cidrs[i],
                availability_zone=zone,
                tags=self._tags(f"private-{i}", tier="private"),
            )
            route_table = RouteTable(self, f"private-{i}-rt-table", vpc_id=vpc.id, tags=self._tags(f"private-{i}"))
            RouteTableAssociation(self, f"private-{i}-rt", subnet_id=subnet.id, route_table_id=route_table.id)
            if nat_gateways:
                Route(
                    self,
                    f"private-{i}-default",
                    route_table_id=route_table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat_gateways[i % len(nat_gateways)].id,
                )
            subnets.append(subnet)
            route_tables.append(route_table)
        return tuple(subnets), tuple(route_tables)

    def _dynamodb_endpoint(self, vpc: Vpc, route_tables: tuple[RouteTable, ...]) -> VpcEndpoint:
        region = DataAwsRegion(self, "region")
        return VpcEndpoint(
            self,
            "dynamodb",
            vpc_id=vpc.id,
            vpc_endpoint_type="Gateway",
            service_name=f"com.amazonaws.{region.name}.dynamodb",
            route_table_ids=[rt.id for rt in route_tables],
            tags=self._tags("dynamodb"),
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
