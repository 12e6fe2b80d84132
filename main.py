#!/usr/bin/env python
"""The TodoList app: one Terraform stack per concern, deployed to the environment TODOLIST_ENV names.

Data flows one way: the configs below -> constructs -> stacks -> app. Values one stack needs from
another are plain attribute references; cdktf turns them into cross-stack remote-state lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

# cdktf_fargate first: imported before cdktf and the provider bindings, it lets the jsii kernel
# load while Python imports, and synth load only the provider types in use.
from cdktf_fargate import (
    ContainerRepository,
    ContainerRepositoryConfig,
    Environment,
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

# isort: split
from cdktf import App, TerraformOutput, TerraformStack
from constructs import Construct

from todolist_names import (
    API_PATH_PATTERN,
    CLUSTER_NAME,
    CONTAINER_NAME,
    CONTAINER_PORT,
    ENV_PREFIX,
    NETWORK_NAME,
    PIPELINE_NAME,
    REPOSITORY_NAME,
    SERVICE_NAME,
    SITE_NAME,
    SOURCE_REPOSITORY_DESCRIPTION,
    SOURCE_REPOSITORY_NAME,
    TABLE_ITEM_ACTIONS,
    TABLE_ITEM_ACTIONS_POLICY,
    TABLE_NAME,
    TABLE_NAME_VARIABLE,
    config_js,
)

NETWORK_STACK = "TodoList-Network"
ECR_STACK = "TodoList-ECR"
ECS_STACK = "TodoList-ECS"
CICD_STACK = "TodoList-CICD"
WEBSITE_STACK = "TodoList-Website"
ROOT = Path(__file__).resolve().parent
BUILDSPEC = ROOT / "pipeline" / "buildspec.yml"
WEB_DIR = ROOT / "web"


def network_config(**settings) -> NetworkConfig:
    return NetworkConfig(name=NETWORK_NAME, cidr="10.0.0.0/16", az_count=2, nat_gateway_count=1, **settings)


def repository_config(**settings) -> ContainerRepositoryConfig:
    return ContainerRepositoryConfig(name=REPOSITORY_NAME, **settings)


def service_config(**settings) -> NetworkLoadBalancedFargateServiceConfig:
    # The pipeline owns image rollouts, so Terraform leaves the service's task definition revision alone.
    return NetworkLoadBalancedFargateServiceConfig(
        service_name=SERVICE_NAME,
        cluster_name=CLUSTER_NAME,
        container_name=CONTAINER_NAME,
        container_port=CONTAINER_PORT,
        ignore_task_definition_changes=True,
        **settings,
    )


def table_config(**settings) -> TableConfig:
    return TableConfig(name=TABLE_NAME, **settings)


def pipeline_config(**settings) -> PipelineConfig:
    return PipelineConfig(
        buildspec=BUILDSPEC.read_text(),
        name=PIPELINE_NAME,
        repository_name=SOURCE_REPOSITORY_NAME,
        repository_description=SOURCE_REPOSITORY_DESCRIPTION,
        **settings,
    )


def website_config(api_base_url: str = "", **settings) -> StaticSiteConfig:
    # In the cloud the page calls the API on its own origin (CloudFront forwards /todos* to the NLB).
    return StaticSiteConfig(
        site_dir=str(WEB_DIR),
        name=SITE_NAME,
        api_path_pattern=API_PATH_PATTERN,
        generated_files={"config.js": config_js(api_base_url)},
        **settings,
    )


@dataclass(frozen=True)
class AppConfig:
    """Everything the TodoList app is configured with, in one place. Every name is the app's (todolist_names)."""

    network: NetworkConfig = field(default_factory=network_config)
    repository: ContainerRepositoryConfig = field(default_factory=repository_config)
    service: NetworkLoadBalancedFargateServiceConfig = field(default_factory=service_config)
    table: TableConfig = field(default_factory=table_config)
    pipeline: PipelineConfig = field(default_factory=pipeline_config)
    website: StaticSiteConfig = field(default_factory=website_config)

    @classmethod
    def for_environment(cls, environment: Environment) -> AppConfig:
        # The local AWS is thrown away with `make down`: let destroy remove a repository that holds
        # images, a table that holds items and the load balancer. A real account keeps the protections.
        local = environment.is_local
        return cls(
            repository=repository_config(force_delete=local),
            service=service_config(deletion_protection=not local),
            table=table_config(deletion_protection=not local),
            pipeline=pipeline_config(force_destroy_artifacts=local),
            # Locally the page is served by the local AWS's S3 and calls the service `make up` runs.
            website=website_config(environment.service_url if local else "", force_destroy=local),
        )


class AppStack(TerraformStack):
    """A stack of this app: its name, and the provider and S3 state of the environment."""

    def __init__(self, scope: Construct, name: str, environment: Environment) -> None:
        super().__init__(scope, name)
        environment.apply(self, name)


def output(stack: TerraformStack, name: str, value, description: str) -> None:
    TerraformOutput(stack, name, value=value, description=description)


class NetworkStack(AppStack):
    """TodoList-Network: the VPC every other stack runs in."""

    def __init__(self, scope: Construct, environment: Environment, config: NetworkConfig) -> None:
        super().__init__(scope, NETWORK_STACK, environment)
        self.network = Network(self, "network", config=config)
        output(self, "vpc_id", self.network.vpc_id, "VPC id")
        output(self, "vpc_cidr", self.network.vpc_cidr, "VPC CIDR block")
        output(self, "public_subnet_ids", list(self.network.public_subnet_ids), "Public subnet ids, one per zone")
        output(self, "private_subnet_ids", list(self.network.private_subnet_ids), "Private subnet ids, one per zone")


class EcrStack(AppStack):
    """TodoList-ECR: the repository the pipeline pushes the service image to."""

    def __init__(self, scope: Construct, environment: Environment, config: ContainerRepositoryConfig) -> None:
        super().__init__(scope, ECR_STACK, environment)
        self.repository = ContainerRepository(self, "repository", config=config)
        output(self, "repository_name", self.repository.name, "ECR repository name")
        output(self, "repository_url", self.repository.url, "ECR repository URL (docker push target)")
        output(self, "repository_arn", self.repository.arn, "ECR repository ARN")


class EcsStack(AppStack):
    """TodoList-ECS: the Fargate service behind a public Network Load Balancer, and its DynamoDB table."""

    def __init__(
        self,
        scope: Construct,
        environment: Environment,
        config: AppConfig,
        network: Network,
        repository: ContainerRepository,
    ) -> None:
        super().__init__(scope, ECS_STACK, environment)
        self.table = Table(self, "table", config=config.table)
        service_config = replace(config.service, environment={**config.service.environment, TABLE_NAME_VARIABLE: self.table.name})
        self.service = NetworkLoadBalancedFargateService(
            self, "service", config=service_config, network=network, repository=repository
        )
        self.service.add_task_policy(TABLE_ITEM_ACTIONS_POLICY, [self.table.item_statement(TABLE_ITEM_ACTIONS)])
        output(self, "LoadBalancerDNS", self.service.load_balancer_dns_name, "DNS name of the Network Load Balancer")
        output(self, "cluster_name", self.service.cluster_name, "ECS cluster name")
        output(self, "service_name", self.service.service_name, "ECS service name")
        output(self, "task_definition_family", self.service.task_definition_family, "Task definition family")
        output(self, "log_group_name", self.service.log_group_name, "CloudWatch log group of the container")
        output(self, "table_name", self.table.name, "DynamoDB table of the todos")


class CicdStack(AppStack):
    """TodoList-CICD: CodeCommit -> CodeBuild -> ECS deploy of the service."""

    def __init__(
        self,
        scope: Construct,
        environment: Environment,
        config: PipelineConfig,
        service: NetworkLoadBalancedFargateService,
        repository: ContainerRepository,
    ) -> None:
        super().__init__(scope, CICD_STACK, environment)
        self.pipeline = Pipeline(self, "pipeline", config=config, service=service, repository=repository)
        output(self, "pipeline_name", self.pipeline.pipeline_name, "CodePipeline name")
        output(self, "artifact_bucket", self.pipeline.artifact_bucket_name, "S3 bucket of the pipeline's artifacts")
        if self.pipeline.clone_url_http is not None:
            output(self, "clone_url_http", self.pipeline.clone_url_http, "HTTPS clone URL of the backend repository")
            output(self, "clone_url_ssh", self.pipeline.clone_url_ssh, "SSH clone URL of the backend repository")


class WebsiteStack(AppStack):
    """TodoList-Website: the static page on S3 + CloudFront, wired to the service's load balancer."""

    def __init__(
        self, scope: Construct, environment: Environment, config: StaticSiteConfig, service: NetworkLoadBalancedFargateService
    ) -> None:
        super().__init__(scope, WEBSITE_STACK, environment)
        self.site = StaticSite(self, "site", config=config, api_domain_name=service.load_balancer_dns_name)
        # The local AWS has no CloudFront edge: there the page is read from the bucket directly.
        page_url = f"{environment.endpoint}/{self.site.bucket_name}/index.html" if environment.is_local else self.site.url
        output(self, "page_url", page_url, "URL that opens the TodoList page")
        output(self, "site_url", self.site.url, "CloudFront URL of the site")
        output(self, "bucket_name", self.site.bucket_name, "S3 bucket of the site's files")
        output(self, "distribution_id", self.site.distribution_id, "CloudFront distribution id")


def build_app(environment: Environment | None = None, outdir: str | None = None, config: AppConfig | None = None) -> App:
    """Configure every stack; ``environment`` defaults to the one TODOLIST_* variables describe."""
    environment = environment if environment is not None else Environment.from_env(prefix=ENV_PREFIX)
    config = config if config is not None else AppConfig.for_environment(environment)
    app = App(outdir=outdir) if outdir else App()
    network = NetworkStack(app, environment, config.network)
    ecr = EcrStack(app, environment, config.repository)
    ecs = EcsStack(app, environment, config, network.network, ecr.repository)
    CicdStack(app, environment, config.pipeline, ecs.service, ecr.repository)
    WebsiteStack(app, environment, config.website, ecs.service)
    return app


if __name__ == "__main__":
    build_app().synth()
