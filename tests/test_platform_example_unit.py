"""examples/platform: the second consumer synthesizes and shows the new shape: a shared VPC found by
lookup, two services in one cluster, one of them TLS-only, and nothing of TodoList."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from cdktf_fargate import Environment

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "platform" / "main.py"


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> dict:
    spec = importlib.util.spec_from_file_location("platform_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outdir = tmp_path_factory.mktemp("platform")
    module.build_app(str(outdir), Environment.from_env({}, prefix=module.ENV_PREFIX)).synth()
    return json.loads((outdir / "stacks" / module.STACK / "cdk.tf.json").read_text())


def test_the_vpc_and_certificate_are_looked_up(stack):
    assert set(stack["data"]) >= {"aws_vpc", "aws_subnets", "aws_acm_certificate"}
    assert "aws_vpc" not in stack["resource"]
    for service in stack["resource"]["aws_ecs_service"].values():
        assert service["network_configuration"]["subnets"] == "${data.aws_subnets.private-subnets.ids}"


def test_two_services_run_in_one_cluster(stack):
    (cluster,) = stack["resource"]["aws_ecs_cluster"].values()
    assert cluster["name"] == "platform"
    clusters = {s["cluster"] for s in stack["resource"]["aws_ecs_service"].values()}
    assert len(stack["resource"]["aws_ecs_service"]) == 2 and len(clusters) == 1


def test_payments_is_tls_only(stack):
    listeners = {k: (v["protocol"], v["port"]) for k, v in stack["resource"]["aws_lb_listener"].items()}
    assert sorted(v for k, v in listeners.items() if k.startswith("payments")) == [("TLS", 443)]
    assert sorted(v for k, v in listeners.items() if k.startswith("ledger")) == [("TCP", 80)]


def test_names_obey_aws_rules_and_know_no_todolist(stack):
    from cdktf_fargate import _names

    for lb in stack["resource"]["aws_lb"].values():
        assert _names.LOAD_BALANCER.is_valid(lb["name"])
    for role in stack["resource"]["aws_iam_role"].values():
        assert _names.IAM_ROLE.is_valid(role["name"])
    assert "todo" not in json.dumps(stack).lower()
    assert stack["terraform"]["required_version"] == ">= 1.10"
