"""The service parts, each given or created: what a pattern builds when it is handed a part, and the
combinations it refuses before anything is built."""

from __future__ import annotations

import json

import pytest

from cdktf_fargate import (
    ApplicationLoadBalancedFargateService,
    ApplicationLoadBalancedFargateServiceConfig,
    AutoscalingConfig,
    CapacityProvider,
    CapacityProviderStrategy,
    Cluster,
    ClusterConfig,
    ConfigError,
    ContainerHealthCheck,
    ContainerRepository,
    CpuArchitecture,
    ExistingLoadBalancer,
    FargateService,
    FargateServiceConfig,
    FargateTaskDefinition,
    Network,
    NetworkLoadBalancedFargateService,
    SidecarContainer,
    TaskDefinitionConfig,
)
from tests.synth_json import decode

pytestmark = pytest.mark.unit

ROLE_ARN = "arn:aws:iam::123456789012:role/platform/shared-task"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0123456789abcdef"
LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0123456789abcdef/fedcba9876543210"
SPOT = (CapacityProviderStrategy(CapacityProvider.FARGATE_SPOT),)


@pytest.fixture
def stack():
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    stack.network = Network(stack, "network")
    stack.repository = ContainerRepository(stack, "repository")
    return stack


def synth(stack) -> dict:
    from cdktf import Testing

    return json.loads(Testing.synth(stack))


def of_type(document: dict, kind: str) -> list[dict]:
    return list(document["resource"].get(kind, {}).values())


def test_a_worker_has_no_load_balancer_grace_period_or_ingress(stack):
    FargateService(
        stack, "worker", network=stack.network, repository=stack.repository, config=FargateServiceConfig(container_port=None)
    )
    document = synth(stack)
    (service,) = of_type(document, "aws_ecs_service")
    assert "load_balancer" not in service and "health_check_grace_period_seconds" not in service
    assert of_type(document, "aws_vpc_security_group_ingress_rule") == []
    (container,) = decode(of_type(document, "aws_ecs_task_definition")[0]["container_definitions"])
    assert "portMappings" not in container


def test_options_reach_the_task_definition(stack):
    config = FargateServiceConfig(
        cpu_architecture=CpuArchitecture.ARM64,
        ephemeral_storage_gib=50,
        read_only_root_filesystem=True,
        scratch_path="/scratch",
        health_check=ContainerHealthCheck(command=("CMD-SHELL", "curl -f localhost:8080/health")),
        sidecars=(SidecarContainer(name="proxy", image="public.ecr.aws/envoy:v1.31", port=9901, memory_reservation_mib=64),),
    )
    FargateService(stack, "service", network=stack.network, repository=stack.repository, config=config)
    (task,) = of_type(synth(stack), "aws_ecs_task_definition")
    assert task["runtime_platform"] == {"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}
    assert task["ephemeral_storage"] == {"size_in_gib": 50} and task["volume"] == [{"name": "scratch"}]
    main, proxy = decode(task["container_definitions"])
    assert main["readonlyRootFilesystem"] is True
    assert main["mountPoints"] == [{"sourceVolume": "scratch", "containerPath": "/scratch", "readOnly": False}]
    assert main["healthCheck"]["command"] == ["CMD-SHELL", "curl -f localhost:8080/health"]
    assert (proxy["name"], proxy["essential"], proxy["memoryReservation"]) == ("proxy", False, 64)
    assert proxy["logConfiguration"]["options"]["awslogs-stream-prefix"] == "proxy"


def test_spot_on_a_cluster_it_creates_adds_the_capacity_providers(stack):
    FargateService(
        stack,
        "service",
        network=stack.network,
        repository=stack.repository,
        config=FargateServiceConfig(capacity_provider_strategy=SPOT),
    )
    document = synth(stack)
    (providers,) = of_type(document, "aws_ecs_cluster_capacity_providers")
    assert providers["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    (service,) = of_type(document, "aws_ecs_service")
    assert "launch_type" not in service and service["capacity_provider_strategy"][0]["capacity_provider"] == "FARGATE_SPOT"
    assert any("aws_ecs_cluster_capacity_providers" in d for d in service["depends_on"])


def test_spot_on_a_given_cluster_without_its_providers_is_refused(stack):
    cluster = Cluster(stack, "cluster")
    with pytest.raises(ConfigError, match="enable_fargate_capacity_providers=True"):
        FargateService(
            stack,
            "service",
            network=stack.network,
            repository=stack.repository,
            cluster=cluster,
            config=FargateServiceConfig(capacity_provider_strategy=SPOT),
        )


def test_given_roles_log_group_and_security_groups_are_used_and_not_created(stack):
    from cdktf_cdktf_provider_aws.data_aws_cloudwatch_log_group import DataAwsCloudwatchLogGroup

    log_group = DataAwsCloudwatchLogGroup(stack, "shared-logs", name="/platform/shared")
    service = NetworkLoadBalancedFargateService(
        stack,
        "service",
        network=stack.network,
        repository=stack.repository,
        task_role=ROLE_ARN,
        execution_role=ROLE_ARN,
        log_group=log_group,
        security_groups=["sg-0123456789abcdef0"],
    )
    service.add_task_policy("read", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}])
    document = synth(stack)
    created = of_type(document, "aws_iam_role") + of_type(document, "aws_cloudwatch_log_group")
    assert [r["name"] for r in created if "flow-logs" not in r["name"]] == []  # the network's own stay
    assert [g for g in of_type(document, "aws_security_group") if "tasks" in g["name"]] == []
    (task,) = of_type(document, "aws_ecs_task_definition")
    assert (task["task_role_arn"], task["execution_role_arn"]) == (ROLE_ARN, ROLE_ARN)
    (policy,) = [p for p in of_type(document, "aws_iam_role_policy") if p["name"] == "read"]
    assert policy["role"] == "shared-task"
    (rule,) = of_type(document, "aws_vpc_security_group_ingress_rule")
    assert rule["security_group_id"] == "sg-0123456789abcdef0"


def test_a_given_task_definition_is_shared(stack):
    task = FargateTaskDefinition(stack, "task", repository=stack.repository, config=TaskDefinitionConfig(container_name="app"))
    FargateService(stack, "a", network=stack.network, task_definition=task)
    FargateService(stack, "b", network=stack.network, task_definition=task)
    document = synth(stack)
    assert len(of_type(document, "aws_ecs_task_definition")) == 1 and len(of_type(document, "aws_ecs_service")) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"task_definition": "family:1"}, "task_definition"),
        ({"task_role": "not-an-arn"}, "task_role"),
        ({"log_group": "/just/a/name"}, "log_group"),
        ({"security_groups": []}, "security_groups"),
        ({"cluster": "my-cluster"}, "cluster"),
    ],
)
def test_a_part_of_the_wrong_kind_is_refused(stack, kwargs, field):
    with pytest.raises(ConfigError) as caught:
        FargateService(stack, "service", network=stack.network, repository=stack.repository, **kwargs)
    assert caught.value.field == field


def test_a_task_definition_and_its_roles_are_not_both_given(stack):
    task = FargateTaskDefinition(stack, "task", repository=stack.repository)
    with pytest.raises(ConfigError) as caught:
        FargateService(stack, "service", network=stack.network, task_definition=task, task_role=ROLE_ARN)
    assert caught.value.field == "task_role"


def test_two_services_share_one_application_load_balancer(stack):
    first = ApplicationLoadBalancedFargateService(
        stack,
        "first",
        network=stack.network,
        repository=stack.repository,
        config=ApplicationLoadBalancedFargateServiceConfig(
            path_patterns=("/a*",), priority=1, autoscaling=AutoscalingConfig(requests_per_target=100)
        ),
    )
    ApplicationLoadBalancedFargateService(
        stack,
        "second",
        network=stack.network,
        repository=stack.repository,
        cluster=first,
        listener=first.load_balancer.listener,
        config=ApplicationLoadBalancedFargateServiceConfig(host_headers=("b.example.com",), priority=2),
    )
    document = synth(stack)
    assert len(of_type(document, "aws_lb")) == 1 and len(of_type(document, "aws_lb_target_group")) == 2
    assert len(of_type(document, "aws_ecs_cluster")) == 1
    rules = sorted(of_type(document, "aws_lb_listener_rule"), key=lambda r: r["priority"])
    assert [r["condition"][0] for r in rules] == [
        {"path_pattern": {"values": ["/a*"]}},
        {"host_header": {"values": ["b.example.com"]}},
    ]
    ingress = [r for r in of_type(document, "aws_vpc_security_group_ingress_rule") if "referenced_security_group_id" in r]
    assert len(ingress) == 2 and len({r["referenced_security_group_id"] for r in ingress}) == 1
    (requests,) = [p for p in of_type(document, "aws_appautoscaling_policy") if "requests" in p["name"]]
    spec = requests["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"]
    assert spec["predefined_metric_type"] == "ALBRequestCountPerTarget" and "arn_suffix" in spec["resource_label"]


def test_a_single_service_owns_its_listener_and_https_redirects(stack):
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
    ApplicationLoadBalancedFargateService(
        stack,
        "web",
        network=stack.network,
        repository=stack.repository,
        config=ApplicationLoadBalancedFargateServiceConfig(certificate_arn=certificate),
    )
    listeners = {l["protocol"]: l for l in of_type(synth(stack), "aws_lb_listener")}
    assert listeners["HTTPS"]["default_action"][0]["type"] == "forward" and listeners["HTTPS"]["certificate_arn"] == certificate
    redirect = listeners["HTTP"]["default_action"][0]
    assert redirect["type"] == "redirect" and redirect["redirect"]["protocol"] == "HTTPS"


def test_sharing_an_existing_load_balancer_by_its_listener(stack):
    existing = ExistingLoadBalancer(
        arn=LB_ARN, dns_name="shared.example.com", listener_arn=LISTENER_ARN, security_group_id="sg-0abc"
    )
    service = ApplicationLoadBalancedFargateService(
        stack,
        "web",
        network=stack.network,
        repository=stack.repository,
        load_balancer=existing,
        config=ApplicationLoadBalancedFargateServiceConfig(path_patterns=("/web*",), priority=5),
    )
    document = synth(stack)
    assert of_type(document, "aws_lb") == [] and service.load_balancer_dns_name == "shared.example.com"
    (rule,) = of_type(document, "aws_lb_listener_rule")
    assert rule["listener_arn"] == LISTENER_ARN


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (ApplicationLoadBalancedFargateServiceConfig(), "path_patterns"),
        (
            ApplicationLoadBalancedFargateServiceConfig(
                path_patterns=("/a*",), priority=1, certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/x"
            ),
            "certificate_arn",
        ),
        (
            ApplicationLoadBalancedFargateServiceConfig(
                path_patterns=("/a*",), priority=1, autoscaling=AutoscalingConfig(requests_per_target=10)
            ),
            "load_balancer.arn_suffix",
        ),
    ],
)
def test_sharing_a_load_balancer_refuses_what_cannot_work(stack, config, field):
    existing = ExistingLoadBalancer(arn=LB_ARN, dns_name="shared.example.com", listener_arn=LISTENER_ARN)
    with pytest.raises(ConfigError) as caught:
        ApplicationLoadBalancedFargateService(
            stack, "web", network=stack.network, repository=stack.repository, load_balancer=existing, config=config
        )
    assert caught.value.field == field


def test_a_network_load_balancer_is_shared_by_listener_port(stack):
    first = NetworkLoadBalancedFargateService(stack, "first", network=stack.network, repository=stack.repository)
    from cdktf_fargate import NetworkLoadBalancedFargateServiceConfig

    NetworkLoadBalancedFargateService(
        stack,
        "second",
        network=stack.network,
        repository=stack.repository,
        load_balancer=first.load_balancer,
        config=NetworkLoadBalancedFargateServiceConfig(listener_port=8081),
    )
    document = synth(stack)
    assert len(of_type(document, "aws_lb")) == 1
    assert sorted(l["port"] for l in of_type(document, "aws_lb_listener")) == [80, 8081]


def test_cluster_config_is_checked():
    with pytest.raises(ConfigError) as caught:
        ClusterConfig(cluster_name="has space")
    assert caught.value.field == "cluster_name"
