"""The new service options refuse what AWS would refuse, naming the field, the value (or its type) and
what is allowed; the parts refuse combinations that cannot work, before anything is built."""

from __future__ import annotations

import pytest

from cdktf_fargate import (
    ApplicationLoadBalancedFargateServiceConfig,
    AutoscalingConfig,
    CapacityProvider,
    CapacityProviderStrategy,
    ConfigError,
    ContainerHealthCheck,
    FargateServiceConfig,
    NetworkLoadBalancedFargateServiceConfig,
    SidecarContainer,
    TaskDefinitionConfig,
)

pytestmark = pytest.mark.unit

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
SPOT = CapacityProviderStrategy(CapacityProvider.FARGATE_SPOT)


@pytest.mark.parametrize(
    ("make", "field", "hint"),
    [
        (lambda: TaskDefinitionConfig(cpu_architecture="SPARC"), "cpu_architecture", "'X86_64', 'ARM64'"),
        (lambda: TaskDefinitionConfig(ephemeral_storage_gib=20), "ephemeral_storage_gib", "between 21 and 200"),
        (lambda: TaskDefinitionConfig(ephemeral_storage_gib=201), "ephemeral_storage_gib", "between 21 and 200"),
        (lambda: TaskDefinitionConfig(read_only_root_filesystem="yes"), "read_only_root_filesystem", "True or False"),
        (lambda: TaskDefinitionConfig(scratch_path="tmp"), "scratch_path", "absolute path"),
        (lambda: TaskDefinitionConfig(scratch_path="/"), "scratch_path", "must not be '/'"),
        (lambda: TaskDefinitionConfig(health_check="curl"), "health_check", "ContainerHealthCheck"),
        (lambda: TaskDefinitionConfig(sidecars=["proxy"]), "sidecars", "tuple of SidecarContainer"),
        (
            lambda: TaskDefinitionConfig(container_name="web", sidecars=(SidecarContainer(name="web", image="nginx:1"),)),
            "sidecars",
            "names must be unique",
        ),
        (
            lambda: TaskDefinitionConfig(sidecars=(SidecarContainer(name="proxy", image="envoy:1", port=8080),)),
            "sidecars",
            "ports must be unique",
        ),
        (lambda: TaskDefinitionConfig(command="python app.py"), "command", "tuple of strings"),
        (lambda: TaskDefinitionConfig(environment={"PORT": 8080}), "environment['PORT']", "must be a string, got an int"),
        (lambda: SidecarContainer(name="x", image="Not An Image"), "sidecars.image", "image reference"),
        (lambda: SidecarContainer(name="x", image="nginx:1", port=0), "sidecars.port", "between 1 and 65535"),
        (lambda: ContainerHealthCheck(command=("curl", "-f")), "health_check.command", "'CMD' or 'CMD-SHELL'"),
        (lambda: ContainerHealthCheck(command=("CMD", "true"), interval_s=4), "health_check.interval_s", "between 5 and 300"),
        (
            lambda: ContainerHealthCheck(command=("CMD", "true"), timeout_s=30, interval_s=30),
            "health_check.timeout_s",
            "less than",
        ),
        (lambda: ContainerHealthCheck(command=("CMD", "true"), retries=11), "health_check.retries", "between 1 and 10"),
        (lambda: CapacityProviderStrategy("EC2"), "capacity_provider_strategy.capacity_provider", "'FARGATE', 'FARGATE_SPOT'"),
        (
            lambda: CapacityProviderStrategy(CapacityProvider.FARGATE, weight=1001),
            "capacity_provider_strategy.weight",
            "between 0",
        ),
        (lambda: FargateServiceConfig(capacity_provider_strategy=(SPOT, SPOT)), "capacity_provider_strategy", "twice"),
        (
            lambda: FargateServiceConfig(
                capacity_provider_strategy=(
                    CapacityProviderStrategy(CapacityProvider.FARGATE, base=1),
                    CapacityProviderStrategy(CapacityProvider.FARGATE_SPOT, base=1),
                )
            ),
            "capacity_provider_strategy",
            "only one entry may have a base",
        ),
        (
            lambda: FargateServiceConfig(
                capacity_provider_strategy=(CapacityProviderStrategy(CapacityProvider.FARGATE, weight=0),)
            ),
            "capacity_provider_strategy",
            "at least one weight",
        ),
        (lambda: FargateServiceConfig(autoscaling=True), "autoscaling", "AutoscalingConfig"),
        (lambda: AutoscalingConfig(min_capacity=5, max_capacity=2), "autoscaling.max_capacity", "at least min_capacity=5"),
        (lambda: AutoscalingConfig(cpu_percent=95), "autoscaling.cpu_percent", "between 10 and 90"),
        (lambda: AutoscalingConfig(memory_percent=5), "autoscaling.memory_percent", "between 10 and 90"),
        (lambda: AutoscalingConfig(requests_per_target=0), "autoscaling.requests_per_target", "between 1"),
        (lambda: AutoscalingConfig(cpu_percent=None), "autoscaling.cpu_percent", "at least one of"),
        (
            lambda: NetworkLoadBalancedFargateServiceConfig(autoscaling=AutoscalingConfig(requests_per_target=100)),
            "autoscaling.requests_per_target",
            "needs an Application Load Balancer",
        ),
        (
            lambda: NetworkLoadBalancedFargateServiceConfig(tls_certificate_arn=CERTIFICATE),
            "tls_certificate_arn",
            "only with enable_tls=True",
        ),
        (lambda: NetworkLoadBalancedFargateServiceConfig(container_port=None), "container_port", "behind a load balancer"),
        (lambda: ApplicationLoadBalancedFargateServiceConfig(path_patterns=("/a*",)), "priority", "is required"),
        (lambda: ApplicationLoadBalancedFargateServiceConfig(priority=10), "priority", "only with path_patterns"),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(path_patterns=("/a*",), priority=50001),
            "priority",
            "between 1 and 50000",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(path_patterns=("/a b",), priority=1),
            "path_patterns",
            "1-128 characters",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(host_headers=("a_b.example.com",), priority=1),
            "host_headers",
            "host name",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(path_patterns=tuple(f"/{i}*" for i in range(6)), priority=1),
            "path_patterns",
            "at most 5 values",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(certificate_arn="arn:nope"),
            "certificate_arn",
            "ACM certificate ARN",
        ),
        (
            lambda: ApplicationLoadBalancedFargateServiceConfig(certificate_arn=CERTIFICATE, listener_port=443),
            "listener_port",
            "must differ from https_port=443",
        ),
        (lambda: ApplicationLoadBalancedFargateServiceConfig(health_check_matcher="ok"), "health_check_matcher", "codes like"),
    ],
)
def test_a_bad_value_is_refused_with_the_field_and_what_is_allowed(make, field, hint):
    with pytest.raises(ConfigError) as caught:
        make()
    assert caught.value.field == field
    assert hint in str(caught.value)


def test_a_secret_of_the_wrong_type_is_named_by_its_type_only():
    with pytest.raises(ConfigError) as caught:
        TaskDefinitionConfig(secrets={"DB_PASSWORD": 12345})
    message = str(caught.value)
    assert "12345" not in message and "got an int" in message


def test_a_worker_needs_no_port_and_may_start_with_no_task():
    config = FargateServiceConfig(container_port=None, desired_count=0)
    assert (config.container_port, config.desired_count) == (None, 0)
