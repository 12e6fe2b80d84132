#!/usr/bin/env python
"""A team that releases blue/green: a web service behind an Application Load Balancer, deployed by CodeDeploy.

Every push builds the image (buildspec.yml writes imageDetail.json, taskdef.json and appspec.yaml); CodeDeploy
starts the new tasks in the second target group, serves them on the test listener, shifts 10% of the traffic
for five minutes, then the rest, and rolls back on a failed deployment or when the target groups answer 5xx
or report unhealthy hosts. The old tasks are kept for 15 minutes after a successful release.

    python main.py [OUTDIR]     # synthesizes for RELEASES_ENV (default: local; local needs cdktf-devkit installed too)
"""

from __future__ import annotations

import sys
from pathlib import Path

# cdktf_fargate first: imported before cdktf and the provider bindings, it lets the jsii kernel
# load while Python imports, and synth load only the provider types in use.
from cdktf_fargate import (
    ApplicationLoadBalancedFargateService,
    ApplicationLoadBalancedFargateServiceConfig,
    ContainerRepository,
    ContainerRepositoryConfig,
    DeploymentAlarms,
    DeploymentStrategy,
    Environment,
    Network,
    NetworkConfig,
    Pipeline,
    PipelineConfig,
    TrafficShifting,
)

# isort: split
from cdktf import App, TerraformOutput, TerraformStack

STACK = "Releases"
ENV_PREFIX = "RELEASES_"
BUILDSPEC = Path(__file__).resolve().parent / "buildspec.yml"
TAGS = {"team": "releases"}


def service_config(local: bool) -> ApplicationLoadBalancedFargateServiceConfig:
    return ApplicationLoadBalancedFargateServiceConfig(
        service_name="releases-web",
        cluster_name="releases",
        container_name="web",
        health_check_path="/health",
        deployment_strategy=DeploymentStrategy.BLUE_GREEN,
        traffic_shifting=TrafficShifting.CANARY_10_PERCENT_5_MINUTES,
        test_listener_port=9000,
        termination_wait_minutes=15,
        alarms=DeploymentAlarms(http_5xx_threshold=10, unhealthy_hosts_threshold=1),
        deletion_protection=not local,
        tags=TAGS,
    )


def build_app(outdir: str | None = None, environment: Environment | None = None) -> App:
    environment = environment if environment is not None else Environment.from_env(prefix=ENV_PREFIX)
    local = environment.is_local
    app = App(outdir=outdir) if outdir else App()
    stack = TerraformStack(app, STACK)
    environment.apply(stack, STACK)
    network = Network(stack, "network", config=NetworkConfig(cidr="10.80.0.0/16", name="releases", tags=TAGS))
    repository = ContainerRepository(
        stack, "repository", config=ContainerRepositoryConfig(name="releases/web", force_delete=local, tags=TAGS)
    )
    service = ApplicationLoadBalancedFargateService(
        stack, "web", network=network, repository=repository, config=service_config(local)
    )
    pipeline = Pipeline(
        stack,
        "pipeline",
        service=service,
        repository=repository,
        config=PipelineConfig(
            buildspec=BUILDSPEC.read_text(), name="releases", force_destroy_artifacts=local, manual_approval=True, tags=TAGS
        ),
    )
    TerraformOutput(stack, "url", value=f"http://{service.load_balancer_dns_name}/", description="The service")
    TerraformOutput(stack, "application", value=service.code_deploy_application_name, description="CodeDeploy application")
    TerraformOutput(stack, "deployment_group", value=service.code_deploy_deployment_group_name, description="Deployment group")
    TerraformOutput(stack, "pipeline_name", value=pipeline.pipeline_name, description="The pipeline that releases it")
    return app


if __name__ == "__main__":
    build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
