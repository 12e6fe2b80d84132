#!/usr/bin/env python
"""A platform team's app: two web services behind one shared Application Load Balancer, and a queue worker.

- one cluster, with the Fargate and Fargate Spot capacity providers, runs all three;
- ``catalog`` creates the load balancer and answers ``/catalog*``;
- ``orders`` shares it: its own target group and listener rule for ``/orders*`` on the same listener;
- ``worker`` has no load balancer: it consumes the ``orders`` SQS queue on Fargate Spot (one on-demand
  task as a base) on ARM64, with a read-only root filesystem, and scales on memory.

    python main.py [OUTDIR]     # synthesizes for MARKETPLACE_ENV (default: local; local needs cdktf-devkit installed too)
"""

from __future__ import annotations

import sys

# cdktf_fargate first: imported before cdktf and the provider bindings, it lets the jsii kernel
# load while Python imports, and synth load only the provider types in use.
from cdktf_fargate import (
    ApplicationLoadBalancedFargateService,
    ApplicationLoadBalancedFargateServiceConfig,
    AutoscalingConfig,
    CapacityProvider,
    CapacityProviderStrategy,
    Cluster,
    ClusterConfig,
    ContainerHealthCheck,
    ContainerRepository,
    ContainerRepositoryConfig,
    CpuArchitecture,
    Environment,
    FargateService,
    FargateServiceConfig,
    Network,
    NetworkConfig,
)

# isort: split
from cdktf import App, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue

STACK = "Marketplace"
ENV_PREFIX = "MARKETPLACE_"
TAGS = {"team": "marketplace"}
QUEUE_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]


def web_config(name: str, priority: int, local: bool) -> ApplicationLoadBalancedFargateServiceConfig:
    return ApplicationLoadBalancedFargateServiceConfig(
        service_name=f"marketplace-{name}",
        container_name=name,
        health_check_path=f"/{name}/health",
        path_patterns=(f"/{name}*",),
        priority=priority,
        deletion_protection=not local,
        autoscaling=AutoscalingConfig(max_capacity=6, cpu_percent=60, requests_per_target=500),
        tags=TAGS,
    )


def worker_config(queue_url: str) -> FargateServiceConfig:
    return FargateServiceConfig(
        service_name="marketplace-worker",
        container_name="worker",
        container_port=None,
        command=("python", "-m", "worker"),
        cpu=512,
        memory_mib=1024,
        cpu_architecture=CpuArchitecture.ARM64,
        read_only_root_filesystem=True,
        health_check=ContainerHealthCheck(command=("CMD", "python", "-m", "worker", "--check")),
        environment={"QUEUE_URL": queue_url},
        capacity_provider_strategy=(
            CapacityProviderStrategy(CapacityProvider.FARGATE, base=1, weight=0),
            CapacityProviderStrategy(CapacityProvider.FARGATE_SPOT, weight=1),
        ),
        autoscaling=AutoscalingConfig(max_capacity=10, cpu_percent=None, memory_percent=70),
        tags=TAGS,
    )


def build_app(outdir: str | None = None, environment: Environment | None = None) -> App:
    environment = environment if environment is not None else Environment.from_env(prefix=ENV_PREFIX)
    local = environment.is_local
    app = App(outdir=outdir) if outdir else App()
    stack = TerraformStack(app, STACK)
    environment.apply(stack, STACK)
    network = Network(stack, "network", config=NetworkConfig(cidr="10.70.0.0/16", name="marketplace", tags=TAGS))

    def repository(name: str) -> ContainerRepository:
        config = ContainerRepositoryConfig(name=f"marketplace/{name}", force_delete=local, tags=TAGS)
        return ContainerRepository(stack, f"{name}-repository", config=config)

    cluster = Cluster(
        stack, "cluster", config=ClusterConfig(cluster_name="marketplace", enable_fargate_capacity_providers=True, tags=TAGS)
    )
    catalog = ApplicationLoadBalancedFargateService(
        stack,
        "catalog",
        network=network,
        repository=repository("catalog"),
        cluster=cluster,
        config=web_config("catalog", 10, local),
    )
    orders = ApplicationLoadBalancedFargateService(
        stack,
        "orders",
        network=network,
        repository=repository("orders"),
        cluster=cluster,
        load_balancer=catalog.load_balancer,
        config=web_config("orders", 20, local),
    )
    queue = SqsQueue(stack, "orders-queue", name="marketplace-orders", sqs_managed_sse_enabled=True, tags=TAGS)
    worker = FargateService(
        stack, "worker", network=network, repository=repository("worker"), cluster=cluster, config=worker_config(queue.url)
    )
    worker.add_task_policy("consume-orders", [{"Effect": "Allow", "Action": QUEUE_ACTIONS, "Resource": queue.arn}])
    orders.add_task_policy("send-orders", [{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": queue.arn}])

    TerraformOutput(stack, "url", value=f"http://{catalog.load_balancer_dns_name}/", description="The shared load balancer")
    TerraformOutput(stack, "cluster_name", value=cluster.cluster_name, description="The cluster all three services run in")
    TerraformOutput(stack, "queue_url", value=queue.url, description="The queue the worker consumes")
    return app


if __name__ == "__main__":
    build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
