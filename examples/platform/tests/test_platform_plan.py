"""Two services in the shared VPC, planned by real Terraform against the plugin's local AWS: the lookups
resolve to what the other team created, one cluster serves both, and the payments API is TLS only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.plan

STACK = "Platform-Services"


@pytest.fixture(scope="module")
def plan(terraform, shared_vpc):
    return terraform.plan(STACK)


def test_first_plan_only_creates_and_creates_no_network(plan):
    assert plan.changes and set(plan.changes.values()) == {("create",)}
    assert plan.resources("aws_vpc") == [] and plan.resources("aws_subnet") == []


def test_both_services_run_in_the_looked_up_private_subnets(plan, shared_vpc):
    services = plan.resources("aws_ecs_service")
    assert len(services) == 2
    for service in services:
        (configuration,) = service["network_configuration"]
        assert sorted(configuration["subnets"]) == sorted(shared_vpc["subnets"]["private"])


def test_one_cluster_serves_both_services(plan):
    (cluster,) = plan.resources("aws_ecs_cluster")
    assert cluster["name"] == "platform"


def test_payments_listens_on_tls_only_with_the_looked_up_certificate(plan, shared_vpc):
    listeners = [listener for listener in plan.resources("aws_lb_listener") if listener.get("certificate_arn")]
    (tls,) = listeners
    assert (tls["port"], tls["protocol"], tls["certificate_arn"]) == (443, "TLS", shared_vpc["certificate_arn"])
    ports = sorted(listener["port"] for listener in plan.resources("aws_lb_listener"))
    assert 443 in ports and ports.count(80) == 1  # the plaintext listener is ledger's, on its internal load balancer
