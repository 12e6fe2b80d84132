"""Terraform values welcome: data-source lookups and cross-stack references in every field that takes
an id or ARN. Configs check their type and skip their format; the stacks synthesize with the
references in place. (tests/test_tokens_plan.py validates and plans the same app against the local AWS.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdktf_fargate import (
    ConfigError,
    ContainerRepository,
    Environment,
    ExistingCluster,
    ExistingNetwork,
    Network,
    NetworkConfig,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
    Pipeline,
    PipelineConfig,
    StaticSite,
    StaticSiteConfig,
    Table,
    TableConfig,
)
from tests.library_inputs import BUILDSPEC, WEB_DIR
from tests.synth_json import decode

pytestmark = pytest.mark.unit

SHARED, TEAM = "Tokens-Shared", "Tokens-Team"
LOOKUPS = {
    "vpc_tag": "shared-vpc",
    "certificate_domain": "api.example.com",
    "parameter": "/team/db-password",
    "secret": "team/api-key",
    "cluster": "shared-cluster",
    "connection": "team-github",
}


def build_app(environment: Environment, outdir: str, *, with_connection: bool = True):
    """Two stacks: Tokens-Shared builds a network, repository, service and table; Tokens-Team builds
    two services, a pipeline and a site from lookups and from Tokens-Shared's attributes."""
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.data_aws_acm_certificate import DataAwsAcmCertificate
    from cdktf_cdktf_provider_aws.data_aws_codestarconnections_connection import DataAwsCodestarconnectionsConnection
    from cdktf_cdktf_provider_aws.data_aws_ecs_cluster import DataAwsEcsCluster
    from cdktf_cdktf_provider_aws.data_aws_secretsmanager_secret import DataAwsSecretsmanagerSecret
    from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
    from cdktf_cdktf_provider_aws.data_aws_subnets import DataAwsSubnets
    from cdktf_cdktf_provider_aws.data_aws_vpc import DataAwsVpc
    from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter

    app = App(outdir=outdir)
    shared = TerraformStack(app, SHARED)
    environment.apply(shared, SHARED)
    network = Network(shared, "network", config=NetworkConfig(az_count=2, nat_gateway_count=0, enable_flow_logs=False))
    repository = ContainerRepository(shared, "repository")
    first = NetworkLoadBalancedFargateService(
        shared,
        "first",
        network=network,
        repository=repository,
        config=NetworkLoadBalancedFargateServiceConfig(deletion_protection=False),
    )
    table = Table(shared, "table", config=TableConfig(deletion_protection=False))
    token = SsmParameter(shared, "token", name="/shared/token", type="SecureString", value="not-a-real-secret")

    team = TerraformStack(app, TEAM)
    environment.apply(team, TEAM)
    vpc = DataAwsVpc(team, "vpc", tags={"Name": LOOKUPS["vpc_tag"]})
    public = DataAwsSubnets(
        team, "public", filter=[{"name": "vpc-id", "values": [vpc.id]}, {"name": "tag:tier", "values": ["public"]}]
    )
    private = DataAwsSubnets(
        team, "private", filter=[{"name": "vpc-id", "values": [vpc.id]}, {"name": "tag:tier", "values": ["private"]}]
    )
    certificate = DataAwsAcmCertificate(team, "certificate", domain=LOOKUPS["certificate_domain"])
    parameter = DataAwsSsmParameter(team, "db-password", name=LOOKUPS["parameter"])
    secret = DataAwsSecretsmanagerSecret(team, "api-key", name=LOOKUPS["secret"])
    cluster = DataAwsEcsCluster(team, "cluster", cluster_name=LOOKUPS["cluster"])

    looked_up = NetworkLoadBalancedFargateService(
        team,
        "looked-up",
        repository=repository,
        network=ExistingNetwork(
            vpc_id=vpc.id, vpc_cidr=vpc.cidr_block, public_subnet_ids=public.ids, private_subnet_ids=private.ids
        ),
        cluster=ExistingCluster(cluster_name=cluster.cluster_name, cluster_arn=cluster.arn),
        config=NetworkLoadBalancedFargateServiceConfig(
            enable_tls=True,
            tls_only=True,
            tls_certificate_arn=certificate.arn,
            deletion_protection=False,
            secrets={"DB_PASSWORD": parameter.arn, "API_KEY": secret.arn},
        ),
    )
    looked_up.add_task_policy("table", [table.item_statement(["dynamodb:GetItem"])])
    across = NetworkLoadBalancedFargateService(
        team,
        "across",
        repository=repository,
        cluster=first,
        network=ExistingNetwork(
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            public_subnet_ids=network.public_subnet_ids,
            private_subnet_ids=network.private_subnet_ids,
        ),
        config=NetworkLoadBalancedFargateServiceConfig(deletion_protection=False, secrets={"TOKEN": token.arn}),
    )
    if with_connection:
        connection = DataAwsCodestarconnectionsConnection(team, "connection", name=LOOKUPS["connection"])
        Pipeline(
            team,
            "pipeline",
            service=across,
            repository=repository,
            config=PipelineConfig(
                buildspec=BUILDSPEC.read_text(),
                source="GITHUB",
                github_repository="team/service",
                github_connection_arn=connection.arn,
                force_destroy_artifacts=True,
            ),
        )
    StaticSite(
        team,
        "site",
        config=StaticSiteConfig(site_dir=str(WEB_DIR), force_destroy=True),
        api_domain_name=first.load_balancer_dns_name,
    )
    return app


@pytest.fixture(scope="module")
def stacks(tmp_path_factory) -> dict[str, dict]:
    outdir = tmp_path_factory.mktemp("tokens")
    build_app(Environment(), str(outdir)).synth()
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(Path(outdir, "stacks").glob("*/cdk.tf.json"))}


def resources(stacks, kind, stack=TEAM) -> dict[str, dict]:
    return {k: v for k, v in stacks[stack].get("resource", {}).get(kind, {}).items()}


def by_prefix(items: dict, prefix: str) -> dict:
    (item,) = [v for k, v in items.items() if k.startswith(prefix)]
    return item


def test_a_looked_up_network_reaches_the_service_and_load_balancer(stacks):
    service = by_prefix(resources(stacks, "aws_ecs_service"), "looked-up")
    assert service["network_configuration"]["subnets"] == "${data.aws_subnets.private.ids}"
    assert by_prefix(resources(stacks, "aws_lb"), "looked-up")["subnets"] == "${data.aws_subnets.public.ids}"
    assert by_prefix(resources(stacks, "aws_security_group"), "looked-up")["vpc_id"] == "${data.aws_vpc.vpc.id}"
    ingress = by_prefix(resources(stacks, "aws_vpc_security_group_ingress_rule"), "looked-up")
    assert ingress["cidr_ipv4"] == "${data.aws_vpc.vpc.cidr_block}"


def test_a_looked_up_certificate_serves_a_tls_only_service(stacks):
    (listener,) = [l for k, l in resources(stacks, "aws_lb_listener").items() if k.startswith("looked-up")]
    assert (listener["protocol"], listener["port"], listener["certificate_arn"]) == (
        "TLS",
        443,
        "${data.aws_acm_certificate.certificate.arn}",
    )


def test_looked_up_secrets_are_injected_and_readable_by_exactly_the_execution_role(stacks):
    task = by_prefix(resources(stacks, "aws_ecs_task_definition"), "looked-up")
    (container,) = decode(task["container_definitions"])
    assert container["secrets"] == [
        {"name": "API_KEY", "valueFrom": "${data.aws_secretsmanager_secret.api-key.arn}"},
        {"name": "DB_PASSWORD", "valueFrom": "${data.aws_ssm_parameter.db-password.arn}"},
    ]
    policies = resources(stacks, "aws_iam_role_policy")
    execution = decode(by_prefix(policies, "looked-up_service_task-definition_execution-policy")["policy"])
    (statement,) = [s for s in execution["Statement"] if "ssm:GetParameters" in s["Action"]]
    assert sorted(statement["Resource"]) == [
        "${data.aws_secretsmanager_secret.api-key.arn}",
        "${data.aws_ssm_parameter.db-password.arn}",
    ]


def test_a_looked_up_cluster_and_another_stacks_cluster_are_joined(stacks):
    services = resources(stacks, "aws_ecs_service")
    assert by_prefix(services, "looked-up")["cluster"] == "${data.aws_ecs_cluster.cluster.arn}"
    assert "terraform_remote_state" in by_prefix(services, "across")["cluster"]
    assert "aws_ecs_cluster" not in stacks[TEAM].get("resource", {})


def test_cross_stack_references_fill_network_repository_secret_policy_and_site(stacks):
    across = by_prefix(resources(stacks, "aws_ecs_service"), "across")
    assert all("terraform_remote_state" in subnet for subnet in across["network_configuration"]["subnets"])
    (container,) = decode(by_prefix(resources(stacks, "aws_ecs_task_definition"), "across")["container_definitions"])
    assert "terraform_remote_state" in container["image"] and "terraform_remote_state" in container["secrets"][0]["valueFrom"]
    table_policy = decode(
        by_prefix(resources(stacks, "aws_iam_role_policy"), "looked-up_service_task-definition_task-policy-table")["policy"]
    )
    assert "terraform_remote_state" in table_policy["Statement"][0]["Resource"]
    (distribution,) = resources(stacks, "aws_cloudfront_distribution").values()
    (api,) = [o for o in distribution["origin"] if o["origin_id"] == "api"]
    assert "terraform_remote_state" in api["domain_name"]


def test_a_looked_up_connection_feeds_the_pipeline(stacks):
    (pipeline,) = resources(stacks, "aws_codepipeline").values()
    (source,) = pipeline["stage"][0]["action"]
    assert source["configuration"]["ConnectionArn"] == "${data.aws_codestarconnections_connection.connection.arn}"


def test_names_derived_from_the_path_need_no_token(stacks):
    for kind, key in (("aws_lb", "name"), ("aws_lb_target_group", "name"), ("aws_iam_role", "name"), ("aws_ecs_service", "name")):
        for resource in resources(stacks, kind).values():
            assert "${" not in resource[key]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda t: ExistingNetwork(vpc_id=7, vpc_cidr=t, public_subnet_ids=(t,), private_subnet_ids=(t,)), "vpc_id"),
        (lambda t: ExistingNetwork(vpc_id=t, vpc_cidr=t, public_subnet_ids=t, private_subnet_ids=(t,)), "public_subnet_ids"),
        (lambda t: ExistingNetwork(vpc_id=t, vpc_cidr=t, public_subnet_ids=(), private_subnet_ids=(t,)), "public_subnet_ids"),
        (lambda t: ExistingCluster(cluster_name=t, cluster_arn=None), "cluster_arn"),
        (lambda t: NetworkLoadBalancedFargateServiceConfig(enable_tls=True, tls_certificate_arn=["arn"]), "tls_certificate_arn"),
        (lambda t: NetworkLoadBalancedFargateServiceConfig(secrets={"X": 5}), "secrets['X']"),
        (lambda t: NetworkLoadBalancedFargateServiceConfig(service_name=3), "service_name"),
    ],
)
def test_types_are_still_checked_next_to_tokens(make, field):
    from cdktf import TerraformStack, Testing
    from cdktf_cdktf_provider_aws.vpc import Vpc

    token = Vpc(TerraformStack(Testing.app(), "t"), "v", cidr_block="10.0.0.0/16").id
    with pytest.raises(ConfigError) as caught:
        make(token)
    assert caught.value.field == field


def test_names_may_be_tokens_but_numbers_may_not():
    from cdktf import TerraformStack, Testing
    from cdktf_cdktf_provider_aws.vpc import Vpc

    token = Vpc(TerraformStack(Testing.app(), "t"), "v", cidr_block="10.0.0.0/16").id
    # Service and cluster names may be tokens (a name another stack chose); their derived names then come from the path.
    assert NetworkLoadBalancedFargateServiceConfig(service_name=token).service_name == token
    # A size decides what is synthesized (task size, ports): a string token is refused by its type.
    with pytest.raises(ConfigError, match="^cpu: "):
        NetworkLoadBalancedFargateServiceConfig(cpu=token)
    assert (
        ExistingNetwork(
            vpc_id=token, vpc_cidr="10.1.0.0/16", public_subnet_ids=("subnet-0a1b2c3d",), private_subnet_ids=(token,)
        ).vpc_id
        == token
    )
