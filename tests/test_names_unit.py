"""AWS naming rules (cdktf_fargate._names): names the library derives obey them at every boundary,
names the user sets that AWS would reject are refused in the config, and default names never collide."""

from __future__ import annotations

import json
import re

import pytest

from cdktf_fargate import (
    AutoscalingConfig,
    ConfigError,
    ContainerRepository,
    ContainerRepositoryConfig,
    Network,
    NetworkConfig,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
    Pipeline,
    PipelineConfig,
    PrivateBucketConfig,
    StaticSite,
    StaticSiteConfig,
    TableConfig,
    _names,
)
from tests.library_inputs import BUILDSPEC, WEB_DIR

pytestmark = pytest.mark.unit

RULES = {rule.kind: rule for rule in _names.RULES}


def synth(build) -> dict:
    """Build constructs into one test stack with ``build(stack)``; the stack's resources."""
    from cdktf import TerraformStack, Testing

    stack = TerraformStack(Testing.app(), "Team-Stack")
    build(stack)
    return json.loads(Testing.synth(stack))["resource"]


def service(stack, id="service", **settings):
    network = Network(stack, f"{id}-network")
    repository = ContainerRepository(stack, f"{id}-repository")
    return NetworkLoadBalancedFargateService(
        stack, id, config=NetworkLoadBalancedFargateServiceConfig(**settings), network=network, repository=repository
    )


# ------------------------------------------------------------------------------------------------ the rules


@pytest.mark.parametrize("rule", _names.RULES, ids=lambda r: r.kind)
@pytest.mark.parametrize(
    "text",
    [
        "a",
        "Payments_API",
        "payments api",
        "-leading-and-trailing-",
        "x" * 300,
        "sg-internal-aws:xn--name",
        "aws/logs",
        "name.git",
        "UPPER.case..dots",
        "ünïcödé-näme",
        "a" * 31 + "-",
        "internal-lb",
        "...",
        "_",
    ],
)
def test_fit_always_gives_a_valid_name(rule, text):
    name = rule.fit(text)
    assert rule.problem(name) is None, (name, rule.problem(name))


@pytest.mark.parametrize("rule", _names.RULES, ids=lambda r: r.kind)
def test_fit_keeps_a_valid_name_and_tells_different_texts_apart(rule):
    valid = "abc123" if rule.min_length <= 6 else "abc1234567"
    assert rule.fit(valid) == valid
    long_a, long_b = "a" * (rule.max_length + 100) + "x", "a" * (rule.max_length + 100) + "y"
    assert rule.fit(long_a) != rule.fit(long_b)
    assert len(rule.fit(long_a)) == rule.max_length


@pytest.mark.parametrize("rule", _names.RULES, ids=lambda r: r.kind)
def test_a_name_of_exactly_max_length_is_kept_and_one_more_is_shortened(rule):
    at_limit = "a" * rule.max_length
    assert rule.fit(at_limit) == at_limit
    over = "a" * (rule.max_length + 1)
    assert len(rule.fit(over)) <= rule.max_length and rule.fit(over) != over


def test_the_issue_cases():
    # service_name="payments_api": load balancer and target group names may not hold '_'.
    assert _names.LOAD_BALANCER.fit("payments_api-nlb") == "payments-api-nlb-" + _names.stable_hash("payments_api-nlb")
    assert "_" not in _names.TARGET_GROUP.fit("payments_api-tg")
    # A 31-character service name: f"{name}-nlb"[:32] used to end in '-'.
    name = _names.LOAD_BALANCER.fit("s" * 31 + "-nlb")
    assert len(name) <= 32 and not name.endswith("-")
    # A 64-character pipeline name: roles and rules stay within 64.
    pipeline = "p" * 64
    for rule, suffix in ((_names.IAM_ROLE, "-pipeline"), (_names.EVENT_RULE, "-on-push"), (_names.IAM_ROLE, "-trigger")):
        assert len(rule.fit(pipeline + suffix)) <= 64
    # Reserved prefixes never survive derivation.
    assert not _names.SECURITY_GROUP.fit("sg-api-tasks").startswith("sg-")
    assert not _names.LOAD_BALANCER.fit("internal-api-nlb").lower().startswith("internal-")
    assert not _names.LOG_GROUP.fit("aws/ecs/x").startswith("aws/")


@pytest.mark.parametrize(
    ("rule", "value", "problem"),
    [
        (_names.LOAD_BALANCER, "a" * 33, "is 33 characters long"),
        (_names.LOAD_BALANCER, "api-", "ends with '-'"),
        (_names.LOAD_BALANCER, "internal-api", "starts with the reserved 'internal-'"),
        (_names.TARGET_GROUP, "api_tg", "holds '_'"),
        (_names.IAM_ROLE, "r" * 65, "is 65 characters long"),
        (_names.EVENT_RULE, "rule:x", "holds ':'"),
        (_names.CODECOMMIT_REPOSITORY, "service.git", "ends with the reserved '.git'"),
        (_names.TAG_KEY, "aws:team", "starts with the reserved 'aws:'"),
        (_names.TAG_KEY, "AWS:team", "starts with the reserved 'aws:'"),
        (_names.S3_BUCKET, "my..bucket", "holds '..'"),
        (_names.S3_BUCKET, "xn--bucket", "starts with the reserved 'xn--'"),
        (_names.S3_BUCKET, "bucket-s3alias", "ends with the reserved '-s3alias'"),
        (_names.SECURITY_GROUP, "sg-tasks", "starts with the reserved 'sg-'"),
        (_names.LOG_GROUP, "aws/ecs", "starts with the reserved 'aws/'"),
        (_names.ECR_REPOSITORY, "team//service", "does not have the required form"),
        (_names.DYNAMODB_TABLE, "ab", "is 2 characters long"),
    ],
)
def test_rules_at_their_boundaries(rule, value, problem):
    assert rule.problem(value) == problem
    if problem.endswith("characters long") and len(value) > rule.max_length:
        assert rule.problem(value[:-1]) is None  # one character less is allowed


@pytest.mark.parametrize("rule", [r for r in _names.RULES if r.min_length > 1], ids=lambda r: r.kind)
def test_minimum_lengths(rule):
    assert rule.problem("a" * (rule.min_length - 1)) == f"is {rule.min_length - 1} characters long"
    assert rule.problem("a" * rule.min_length) is None


def test_unique_names_come_from_the_path_and_are_stable():
    from cdktf import TerraformStack, Testing
    from constructs import Construct

    stack = TerraformStack(Testing.app(), "Orders-Service")
    a, b = Construct(stack, "api"), Construct(stack, "worker")
    name = _names.ECS_SERVICE.unique(a)
    assert name == "Orders-Service-api-" + _names.stable_hash("Orders-Service/api")
    assert _names.ECS_SERVICE.unique(a) == name and _names.ECS_SERVICE.unique(b) != name
    assert _names.ECR_REPOSITORY.unique(a) == name.lower()
    assert _names.ECS_CLUSTER.unique(a, "cluster").startswith("Orders-Service-api-cluster-")


# ------------------------------------------------------------------------------------------- derived names


def test_a_service_named_with_underscores_gets_valid_load_balancer_names():
    resources = synth(lambda stack: service(stack, service_name="payments_api"))
    (nlb,) = resources["aws_lb"].values()
    (tg,) = resources["aws_lb_target_group"].values()
    assert _names.LOAD_BALANCER.is_valid(nlb["name"]) and _names.TARGET_GROUP.is_valid(tg["name"])
    (service_resource,) = resources["aws_ecs_service"].values()
    assert service_resource["name"] == "payments_api"


def test_a_31_character_service_name_and_a_long_one():
    for name in ("s" * 31, "Very-Long-Service-Name-" + "x" * 200):
        resources = synth(lambda stack, name=name: service(stack, service_name=name))
        (nlb,) = resources["aws_lb"].values()
        assert _names.LOAD_BALANCER.is_valid(nlb["name"]), nlb["name"]
        for role in resources["aws_iam_role"].values():
            assert _names.IAM_ROLE.is_valid(role["name"]), role["name"]
        (log_group,) = [g for g in resources["aws_cloudwatch_log_group"].values() if g["name"].startswith("/ecs/")]
        assert _names.LOG_GROUP.is_valid(log_group["name"])


def pipeline(stack, id="pipeline", **settings):
    svc = service(stack, f"{id}-service")
    return Pipeline(
        stack,
        id,
        config=PipelineConfig(buildspec=BUILDSPEC.read_text(), **settings),
        service=svc,
        repository=ContainerRepository(stack, f"{id}-repo"),
    )


def test_a_pipeline_name_near_its_limit_and_one_with_underscores_build_valid_names():
    for name in ("P" * 64, "P" * 100, "payments_pipeline"):
        resources = synth(lambda stack, name=name: pipeline(stack, name=name))
        for role in resources["aws_iam_role"].values():
            assert _names.IAM_ROLE.is_valid(role["name"]), role["name"]
        (rule,) = resources["aws_cloudwatch_event_rule"].values()
        assert _names.EVENT_RULE.is_valid(rule["name"])
        buckets = [b["bucket_prefix"] for b in resources["aws_s3_bucket"].values()]
        assert all(_names.S3_BUCKET_PREFIX.is_valid(p[:-1]) for p in buckets)
        (project,) = resources["aws_codebuild_project"].values()
        assert _names.CODEBUILD_PROJECT.is_valid(project["name"])


# ------------------------------------------------------------------------------- names the user sets


@pytest.mark.parametrize(
    ("make", "field", "value", "hint"),
    [
        (
            lambda v: NetworkLoadBalancedFargateServiceConfig(service_name=v),
            "service_name",
            "payments api",
            "ECS service names must be",
        ),
        (lambda v: NetworkLoadBalancedFargateServiceConfig(cluster_name=v), "cluster_name", "c" * 256, "is 256 characters long"),
        (lambda v: NetworkLoadBalancedFargateServiceConfig(container_name=v), "container_name", "web:1", "holds ':'"),
        (lambda v: NetworkLoadBalancedFargateServiceConfig(tags={v: "x"}), "tags", "aws:team", "starts with the reserved 'aws:'"),
        (
            lambda v: NetworkLoadBalancedFargateServiceConfig(tags={"team": v}),
            "tags['team']",
            "x" * 257,
            "is 257 characters long",
        ),
        (lambda v: NetworkConfig(tags={v: "x"}), "tags", "aws:cost-center", "not start with 'aws:'"),
        (lambda v: TableConfig(tags={v: "x"}), "tags", "AWS:owner", "reserved 'aws:'"),
        (lambda v: ContainerRepositoryConfig(tags={v: "x"}), "tags", "aws:x", "reserved 'aws:'"),
        (lambda v: PrivateBucketConfig(tags={v: "x"}), "tags", "aws:x", "reserved 'aws:'"),
        (lambda v: StaticSiteConfig(site_dir=str(WEB_DIR), tags={v: "x"}), "tags", "aws:x", "reserved 'aws:'"),
        (lambda v: PipelineConfig(buildspec=BUILDSPEC.read_text(), tags={v: "x"}), "tags", "aws:x", "reserved 'aws:'"),
        (
            lambda v: PipelineConfig(buildspec=BUILDSPEC.read_text(), repository_name=v),
            "repository_name",
            "backend.git",
            "ends with the reserved '.git'",
        ),
        (
            lambda v: PipelineConfig(buildspec=BUILDSPEC.read_text(), name=v),
            "name",
            "payments pipeline",
            "pipeline names must be 1-100",
        ),
        (lambda v: PipelineConfig(buildspec=BUILDSPEC.read_text(), name=v), "name", "p" * 101, "is 101 characters long"),
        (lambda v: ContainerRepositoryConfig(name=v), "name", "Team/Service", "ECR repository names must be"),
        (lambda v: TableConfig(name=v), "name", "t!", "is 2 characters long"),
        (lambda v: PrivateBucketConfig(name_prefix=v), "name_prefix", "xn--bucket", "reserved 'xn--'"),
        (lambda v: StaticSiteConfig(site_dir=str(WEB_DIR), name=v), "name", "site-", "ends with '-'"),
        (lambda v: NetworkConfig(name=v), "name", "n" * 33, "is 33 characters long"),
    ],
)
def test_a_name_aws_would_reject_is_refused_in_the_config(make, field, value, hint):
    with pytest.raises(ConfigError) as caught:
        make(value)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got {value!r}; ")
    assert hint in str(caught.value)


# ------------------------------------------------------------------------------- two of each, one account


def every_name(resources: dict) -> list[tuple[str, str]]:
    """(AWS namespace, name) of every resource name that must be unique in an account and region."""
    keys = {
        "aws_ecs_cluster": "name",
        "aws_ecs_service": "name",
        "aws_ecs_task_definition": "family",
        "aws_lb": "name",
        "aws_lb_target_group": "name",
        "aws_iam_role": "name",
        "aws_cloudwatch_log_group": "name",
        "aws_security_group": "name",
        "aws_cloudwatch_event_rule": "name",
        "aws_codebuild_project": "name",
        "aws_codepipeline": "name",
        "aws_codecommit_repository": "repository_name",
        "aws_ecr_repository": "name",
        "aws_dynamodb_table": "name",
        "aws_s3_bucket": "bucket_prefix",
        "aws_cloudfront_origin_access_control": "name",
        "aws_cloudfront_response_headers_policy": "name",
        "aws_appautoscaling_policy": "name",
    }
    found = []
    for kind, key in keys.items():
        for resource in resources.get(kind, {}).values():
            found.append((kind, resource[key]))
    return found


def test_two_services_pipelines_and_sites_with_default_names_share_no_aws_name():
    from cdktf import TerraformStack, Testing

    from cdktf_fargate import Table

    app = Testing.app()
    resources: dict = {}
    for stack_name in ("Team-A", "Team-B"):
        stack = TerraformStack(app, stack_name)
        for id in ("one", "two"):
            network = Network(stack, f"{id}-network")
            repository = ContainerRepository(stack, f"{id}-repository")
            svc = NetworkLoadBalancedFargateService(
                stack,
                f"{id}-service",
                network=network,
                repository=repository,
                config=NetworkLoadBalancedFargateServiceConfig(autoscaling=AutoscalingConfig()),
            )
            Pipeline(
                stack,
                f"{id}-pipeline",
                config=PipelineConfig(buildspec=BUILDSPEC.read_text()),
                service=svc,
                repository=repository,
            )
            StaticSite(
                stack, f"{id}-site", config=StaticSiteConfig(site_dir=str(WEB_DIR)), api_domain_name=svc.load_balancer_dns_name
            )
            Table(stack, f"{id}-table")
        for kind, items in json.loads(Testing.synth(stack))["resource"].items():
            resources.setdefault(kind, {}).update({f"{stack_name}/{k}": v for k, v in items.items()})
    names = every_name(resources)
    assert len(names) > 60
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert duplicates == []
    for kind, name in names:
        assert "todolist" not in name.lower(), (kind, name)
    assert all(not re.search(r"\$\{", name) for _, name in names)
