"""Every construct exposes its resources as documented, typed attributes (escape hatches), and keeps
its string attributes: each name in the docstring's ``Attributes:`` is set, and each resource
attribute holds the type its annotation names."""

from __future__ import annotations

import inspect
import re
import typing

import pytest

from cdktf_fargate import (
    AutoscalingConfig,
    ContainerRepository,
    Network,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
    Pipeline,
    PipelineConfig,
    PrivateBucket,
    StaticSite,
    StaticSiteConfig,
    Table,
)
from tests.library_inputs import BUILDSPEC, WEB_DIR

pytestmark = pytest.mark.unit

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"


@pytest.fixture(scope="module")
def built():
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    network = Network(stack, "network")
    repository = ContainerRepository(stack, "repository")
    service = NetworkLoadBalancedFargateService(
        stack,
        "service",
        network=network,
        repository=repository,
        config=NetworkLoadBalancedFargateServiceConfig(
            enable_tls=True, tls_certificate_arn=CERTIFICATE, autoscaling=AutoscalingConfig()
        ),
    )
    pipeline = Pipeline(
        stack, "pipeline", config=PipelineConfig(buildspec=BUILDSPEC.read_text()), service=service, repository=repository
    )
    site = StaticSite(
        stack, "site", config=StaticSiteConfig(site_dir=str(WEB_DIR)), api_domain_name=service.load_balancer_dns_name
    )
    return [network, repository, service, pipeline, site, Table(stack, "table"), PrivateBucket(stack, "bucket")]


def documented(construct: type) -> list[str]:
    match = re.search(r"Attributes:(.*?)(?:\n\n|$)", inspect.getdoc(construct) or "", flags=re.S)
    return re.findall(r"``(\w+)``", match.group(1)) if match else []


def test_every_documented_attribute_is_set_and_annotated(built):
    for construct in built:
        cls = type(construct)
        names = documented(cls)
        assert names, cls.__name__
        hints = typing.get_type_hints(cls)
        for name in names:
            assert hasattr(construct, name), f"{cls.__name__}.{name}"
            assert name in hints, f"{cls.__name__}.{name} has no annotation"


def test_resource_attributes_hold_the_annotated_resource(built):
    from constructs import Construct

    checked = 0
    for construct in built:
        cls = type(construct)
        hints = typing.get_type_hints(cls)
        for name, hint in hints.items():
            value = getattr(construct, name, None)
            if typing.get_origin(hint) in (tuple, dict):  # tuple[Subnet, ...], dict[str, S3Object]
                hint = typing.get_args(hint)[-1 if typing.get_origin(hint) is dict else 0]
                values = list(value.values() if isinstance(value, dict) else value)
            else:
                values = [value] if value is not None else []
            kinds = [k for k in typing.get_args(hint) or (hint,) if isinstance(k, type) and issubclass(k, Construct)]
            for item in values if kinds else []:
                assert isinstance(item, tuple(kinds)), f"{cls.__name__}.{name}"
                checked += 1
    assert checked >= 40


def test_an_escape_hatch_reaches_the_resource(built):
    from cdktf import Testing

    service = built[2]
    service.service.service.add_override("enable_ecs_managed_tags", True)
    service.target_group.add_override("slow_start", 0)
    assert (service.listener.node.id, service.tls_listener.node.id) == ("listener", "tls-listener")
    stack = Testing.synth(service.node.scope)
    assert '"enable_ecs_managed_tags": true' in stack and '"slow_start": 0' in stack
