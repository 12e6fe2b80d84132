"""Service and repository options, and the mistakes their configs reject."""

from __future__ import annotations

import json

import pytest

from cdktf_fargate import (
    AutoscalingConfig,
    ConfigError,
    ContainerRepository,
    ContainerRepositoryConfig,
    HealthCheckProtocol,
    Network,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
)
from tests.synth_json import decode

pytestmark = pytest.mark.unit

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/todolist/db-password"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:todolist/api-key-AbCdEf"


def synth_service(config: NetworkLoadBalancedFargateServiceConfig, grant=None) -> dict:
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    service = NetworkLoadBalancedFargateService(
        stack,
        "service",
        config=config,
        network=Network(stack, "network"),
        repository=ContainerRepository(stack, "repository"),
    )
    if grant:
        service.add_task_policy(*grant)
    return json.loads(Testing.synth(stack))["resource"]


def only(resources, kind):
    (item,) = resources[kind].values()
    return item


def test_tls_listener_uses_the_certificate_and_a_tls13_policy():
    resources = synth_service(NetworkLoadBalancedFargateServiceConfig(enable_tls=True, tls_certificate_arn=CERTIFICATE))
    tls = [l for l in resources["aws_lb_listener"].values() if l["protocol"] == "TLS"]
    assert [(l["port"], l["certificate_arn"], l["ssl_policy"]) for l in tls] == [
        (443, CERTIFICATE, "ELBSecurityPolicy-TLS13-1-2-2021-06")
    ]


def test_http_health_check_on_a_path():
    config = NetworkLoadBalancedFargateServiceConfig(health_check_protocol="HTTP", health_check_path="/health")
    assert config.health_check_protocol is HealthCheckProtocol.HTTP
    health = only(synth_service(config), "aws_lb_target_group")["health_check"]
    assert (health["protocol"], health["path"]) == ("HTTP", "/health")


def test_autoscaling_tracks_cpu_and_lets_it_own_desired_count():
    resources = synth_service(
        NetworkLoadBalancedFargateServiceConfig(autoscaling=AutoscalingConfig(min_capacity=2, max_capacity=6, cpu_percent=60))
    )
    target = only(resources, "aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (2, 6)
    policy = only(resources, "aws_appautoscaling_policy")["target_tracking_scaling_policy_configuration"]
    assert policy["target_value"] == 60
    assert policy["predefined_metric_specification"]["predefined_metric_type"] == "ECSServiceAverageCPUUtilization"
    assert only(resources, "aws_ecs_service")["lifecycle"]["ignore_changes"] == ["desired_count"]


def test_autoscaling_is_off_by_default():
    assert "aws_appautoscaling_target" not in synth_service(NetworkLoadBalancedFargateServiceConfig())


def test_pipeline_managed_rollouts_ignore_task_definition_changes():
    service = only(synth_service(NetworkLoadBalancedFargateServiceConfig(ignore_task_definition_changes=True)), "aws_ecs_service")
    assert service["lifecycle"]["ignore_changes"] == ["task_definition"]


def test_internal_load_balancer_sits_in_private_subnets():
    nlb = only(synth_service(NetworkLoadBalancedFargateServiceConfig(internet_facing=False)), "aws_lb")
    assert nlb["internal"] is True and all("private" in s for s in nlb["subnets"])


def test_secrets_are_injected_and_the_execution_role_reads_exactly_them():
    config = NetworkLoadBalancedFargateServiceConfig(
        environment={"STORE": "file"}, secrets={"DB_PASSWORD": SSM_ARN, "API_KEY": SECRET_ARN}
    )
    resources = synth_service(config)
    (container,) = decode(only(resources, "aws_ecs_task_definition")["container_definitions"])
    assert container["environment"] == [{"name": "STORE", "value": "file"}]
    assert container["secrets"] == [{"name": "API_KEY", "valueFrom": SECRET_ARN}, {"name": "DB_PASSWORD", "valueFrom": SSM_ARN}]
    (execution,) = [
        decode(p["policy"]) for p in resources["aws_iam_role_policy"].values() if p["name"] == "pull-image-write-logs"
    ]
    by_action = {s["Action"]: s["Resource"] for s in execution["Statement"] if isinstance(s["Action"], str)}
    assert by_action["ssm:GetParameters"] == [SSM_ARN]
    assert by_action["secretsmanager:GetSecretValue"] == [SECRET_ARN]


def test_callers_grant_the_task_role_exactly_what_the_application_needs():
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/todos",
    }
    resources = synth_service(NetworkLoadBalancedFargateServiceConfig(), grant=("todos-table", [statement]))
    (policy,) = [p for p in resources["aws_iam_role_policy"].values() if p["name"] == "todos-table"]
    assert "task-role" in policy["role"]
    assert decode(policy["policy"])["Statement"] == [statement]


def test_ecs_exec_adds_only_the_ssmmessages_channel_actions():
    resources = synth_service(NetworkLoadBalancedFargateServiceConfig(enable_execute_command=True))
    assert only(resources, "aws_ecs_service")["enable_execute_command"] is True
    (policy,) = [decode(p["policy"]) for p in resources["aws_iam_role_policy"].values() if p["name"] == "ecs-exec"]
    assert all(a.startswith("ssmmessages:") for a in policy["Statement"][0]["Action"])


@pytest.mark.parametrize(
    ("settings", "field", "hint"),
    [
        ({"cpu": 256, "memory_mib": 4096}, "memory_mib", "with cpu=256 Fargate allows 512 to 2048"),
        ({"cpu": 300}, "cpu", "256, 512, 1024"),
        ({"container_port": 0}, "container_port", "between 1 and 65535"),
        ({"deletion_protection": "no"}, "deletion_protection", "True or False"),
        ({"container_port": 70000}, "container_port", "between 1 and 65535"),
        ({"desired_count": -1}, "desired_count", "at least 0"),
        ({"min_healthy_percent": 150}, "min_healthy_percent", "between 0 and 100"),
        ({"max_healthy_percent": 90}, "max_healthy_percent", "between 100 and 200"),
        ({"enable_tls": True}, "tls_certificate_arn", "is required when enable_tls"),
        ({"enable_tls": True, "tls_certificate_arn": "not-an-arn"}, "tls_certificate_arn", "ACM certificate ARN"),
        ({"enable_tls": True, "tls_certificate_arn": CERTIFICATE, "listener_port": 443}, "listener_port", "must differ"),
        ({"log_retention_days": 10}, "log_retention_days", "CloudWatch's values"),
        ({"health_check_protocol": "UDP"}, "health_check_protocol", "'TCP', 'HTTP'"),
        ({"health_check_path": "health"}, "health_check_path", "starting with '/'"),
        ({"deregistration_delay_s": 4000}, "deregistration_delay_s", "between 0 and 3600"),
        (
            {"service_name": "todo list"},
            "service_name",
            "holds ' '; ECS service names must be 1-255 characters of letters, digits, '-' and '_'",
        ),
        ({"cluster_name": ""}, "cluster_name", "is 0 characters long; ECS cluster names must be 1-255 characters"),
        ({"image_tag": "latest!"}, "image_tag", "Docker tag"),
        ({"environment": {"1BAD": "x"}}, "environment", "variable names"),
        ({"secrets": {"TOKEN": "plain-text-secret"}}, "secrets['TOKEN']", "SSM parameter ARN"),
        ({"environment": {"TOKEN": "x"}, "secrets": {"TOKEN": SSM_ARN}}, "secrets", "must not repeat"),
    ],
)
def test_bad_service_config_is_rejected(settings, field, hint):
    with pytest.raises(ConfigError) as caught:
        NetworkLoadBalancedFargateServiceConfig(**settings)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got ")
    assert hint in str(caught.value)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"name": "TodoList/Service"}, "name"),
        ({"name": "todolist//service"}, "name"),
        ({"name": "a"}, "name"),
        ({"name": "-todolist"}, "name"),
        ({"tag_mutability": "SOMETIMES"}, "tag_mutability"),
        ({"keep_images": 0}, "keep_images"),
        ({"untagged_expiry_days": 400}, "untagged_expiry_days"),
        ({"force_delete": "yes"}, "force_delete"),
    ],
)
def test_bad_repository_config_is_rejected(settings, field):
    with pytest.raises(ConfigError) as caught:
        ContainerRepositoryConfig(**settings)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got {next(iter(settings.values()))!r}")


def test_service_needs_a_service_config():
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    with pytest.raises(ConfigError, match="must be a NetworkLoadBalancedFargateServiceConfig"):
        NetworkLoadBalancedFargateService(
            stack, "s", config=object(), network=Network(stack, "n"), repository=ContainerRepository(stack, "r")
        )


# ------------------------------------------------------------------------------ TLS only, shared cluster


def test_a_tls_only_service_has_no_plaintext_listener():
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    service = NetworkLoadBalancedFargateService(
        stack,
        "service",
        network=Network(stack, "network"),
        repository=ContainerRepository(stack, "repository"),
        config=NetworkLoadBalancedFargateServiceConfig(
            enable_tls=True, tls_only=True, tls_certificate_arn=CERTIFICATE, tls_port=8443
        ),
    )
    resources = json.loads(Testing.synth(stack))["resource"]
    (listener,) = resources["aws_lb_listener"].values()
    assert (listener["protocol"], listener["port"]) == ("TLS", 8443)
    assert service.listener is None and service.tls_listener is not None
    (dependency,) = only(resources, "aws_ecs_service")["depends_on"]
    assert dependency.startswith("aws_lb_listener.service_tls-listener")


def test_two_services_share_one_cluster():
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    network, repository = Network(stack, "network"), ContainerRepository(stack, "repository")
    first = NetworkLoadBalancedFargateService(stack, "first", network=network, repository=repository)
    second = NetworkLoadBalancedFargateService(stack, "second", network=network, repository=repository, cluster=first)
    resources = json.loads(Testing.synth(stack))["resource"]
    (cluster,) = resources["aws_ecs_cluster"].values()
    services = sorted(resources["aws_ecs_service"].values(), key=lambda s: s["name"])
    (shared,) = {s["cluster"] for s in services}
    assert shared.startswith("${aws_ecs_cluster.first_service_cluster")
    assert second.cluster is None and second.cluster_arn == first.cluster_arn
    assert len({s["name"] for s in services}) == 2 and cluster["name"].startswith("test-first-cluster-")


def test_joining_a_cluster_built_elsewhere():
    from cdktf_fargate import ExistingCluster

    cluster = ExistingCluster(cluster_name="platform", cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/platform")
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    NetworkLoadBalancedFargateService(
        stack,
        "service",
        network=Network(stack, "network"),
        repository=ContainerRepository(stack, "repository"),
        cluster=cluster,
        config=NetworkLoadBalancedFargateServiceConfig(autoscaling=AutoscalingConfig()),
    )
    resources = json.loads(Testing.synth(stack))["resource"]
    assert "aws_ecs_cluster" not in resources
    assert only(resources, "aws_ecs_service")["cluster"] == cluster.cluster_arn
    assert only(resources, "aws_appautoscaling_target")["resource_id"].startswith("service/platform/")


@pytest.mark.parametrize(
    ("make", "field", "hint"),
    [
        (lambda: NetworkLoadBalancedFargateServiceConfig(tls_only=True), "tls_only", "needs enable_tls=True"),
        (
            lambda: NetworkLoadBalancedFargateServiceConfig(enable_tls=True, tls_certificate_arn=CERTIFICATE, tls_port=80),
            "listener_port",
            "must differ from the TLS listener's port tls_port=80",
        ),
        (lambda: NetworkLoadBalancedFargateServiceConfig(tls_port=0), "tls_port", "between 1 and 65535"),
        (
            lambda: __import__("cdktf_fargate").ExistingCluster(cluster_name="platform", cluster_arn="platform"),
            "cluster_arn",
            "ECS cluster ARN",
        ),
        (
            lambda: __import__("cdktf_fargate").ExistingCluster(
                cluster_name="plat form", cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/x"
            ),
            "cluster_name",
            "holds ' '",
        ),
    ],
)
def test_bad_tls_and_cluster_settings_are_rejected(make, field, hint):
    with pytest.raises(ConfigError) as caught:
        make()
    assert caught.value.field == field and hint in str(caught.value)


def test_a_cluster_name_cannot_be_set_when_joining_a_cluster():
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "test")
    network, repository = Network(stack, "network"), ContainerRepository(stack, "repository")
    first = NetworkLoadBalancedFargateService(stack, "first", network=network, repository=repository)
    with pytest.raises(ConfigError, match="cluster_name: got 'other'; must be left unset when the service joins"):
        NetworkLoadBalancedFargateService(
            stack,
            "second",
            network=network,
            repository=repository,
            cluster=first,
            config=NetworkLoadBalancedFargateServiceConfig(cluster_name="other"),
        )
    with pytest.raises(ConfigError) as caught:
        NetworkLoadBalancedFargateService(stack, "third", network=network, repository=repository, cluster="platform")
    assert caught.value.field == "cluster"


# ---------------------------------------------------------------------------------- no secret in an error


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"secrets": {"DB_PASSWORD": "hunter2"}}, "secrets['DB_PASSWORD']"),
        ({"secrets": {"DB_PASSWORD": 12345}}, "secrets['DB_PASSWORD']"),
        ({"environment": {"DB_PASSWORD": 12345}}, "environment['DB_PASSWORD']"),
        ({"secrets": ["hunter2"]}, "secrets"),
    ],
)
def test_a_secret_is_never_echoed(settings, field):
    with pytest.raises(ConfigError) as caught:
        NetworkLoadBalancedFargateServiceConfig(**settings)
    message = str(caught.value)
    assert caught.value.field == field and message.startswith(f"{field}: got a value that is not shown")
    assert "hunter2" not in message and "12345" not in message
    assert "hunter2" not in repr(caught.value.value) and caught.value.secret is True


def test_the_secret_message_says_what_shape_is_expected():
    with pytest.raises(ConfigError) as caught:
        NetworkLoadBalancedFargateServiceConfig(secrets={"DB_PASSWORD": "hunter2"})
    assert "must be the ARN of the secret, not the secret: an SSM parameter ARN" in str(caught.value)


def test_a_buildspec_is_never_echoed():
    from cdktf_fargate import PipelineConfig

    with pytest.raises(ConfigError) as caught:
        PipelineConfig(buildspec="password=hunter2")
    assert caught.value.field == "buildspec" and "hunter2" not in str(caught.value)


# ------------------------------------------------------------------------------- task policy statements


@pytest.mark.parametrize(
    ("statements", "field", "hint"),
    [
        ([{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}], "statements[0]['Effect']", "is required"),
        ([{"Effect": "Allow", "Resource": "arn:aws:s3:::b/*"}], "statements[0]['Action']", "is required"),
        ([{"Effect": "Allow", "Action": "s3:GetObject"}], "statements[0]['Resource']", "is required"),
        ([{"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "*"}], "statements[0]['Effect']", "'Allow' or 'Deny'"),
        ([{"Effect": "Allow", "Action": "*", "Resource": "*"}], "statements[0]['Action']", "no '*' wildcards"),
        ([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}], "statements[0]['Action']", "no '*' wildcards"),
        (
            [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:Put*"], "Resource": "*"}],
            "statements[0]['Action']",
            "no '*' wildcards",
        ),
        ([{"Effect": "Allow", "Action": [], "Resource": "*"}], "statements[0]['Action']", "non-empty"),
        (
            [{"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "*"}],
            "statements[0]",
            "allowed: Sid, Effect, Action, Resource, Condition",
        ),
        ([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}], "statements[0]", "allowed"),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, "statements", "non-empty list"),
        ([], "statements", "non-empty list"),
        (["s3:GetObject"], "statements[0]", "must be a dict"),
    ],
)
def test_task_policy_statements_are_checked(statements, field, hint):
    with pytest.raises(ConfigError) as caught:
        synth_service(NetworkLoadBalancedFargateServiceConfig(), grant=("grant", statements))
    assert caught.value.field == field and hint in str(caught.value)


def test_a_task_policy_name_aws_would_reject_is_refused():
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    with pytest.raises(ConfigError, match="name: got 'read bucket'; holds ' '; IAM policy names must be 1-128"):
        synth_service(NetworkLoadBalancedFargateServiceConfig(), grant=("read bucket", [statement]))
