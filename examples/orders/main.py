#!/usr/bin/env python
"""A consumer of the construct library: another team's service in the network that already exists.

The Orders API has its own name, image repository and port, and reuses the VPC and subnets named
in network.json instead of creating a network. Run it with the library installed
(``pip install git+<this repository>`` or ``pip install <path>``):

    python main.py            # synthesizes into cdktf.out/ for ORDERS_ENV (default: local; local needs cdktf-devkit installed too)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# cdktf_fargate first: imported before cdktf and the provider bindings, it lets the jsii kernel
# load while Python imports, and synth load only the provider types in use.
from cdktf_fargate import (
    ContainerRepository,
    ContainerRepositoryConfig,
    Environment,
    ExistingNetwork,
    NetworkLoadBalancedFargateService,
    NetworkLoadBalancedFargateServiceConfig,
)

# isort: split
from cdktf import App, TerraformOutput, TerraformStack

STACK = "Orders-Service"


def build_app(outdir: str | None = None) -> App:
    network = ExistingNetwork(
        **{
            k: tuple(v) if isinstance(v, list) else v
            for k, v in json.loads((Path(__file__).parent / "network.json").read_text()).items()
        }
    )
    environment = Environment.from_env(prefix="ORDERS_")
    app = App(outdir=outdir) if outdir else App()
    stack = TerraformStack(app, STACK)
    environment.apply(stack, STACK)
    repository = ContainerRepository(
        stack, "repository", config=ContainerRepositoryConfig(name="orders/api", force_delete=environment.is_local)
    )
    service = NetworkLoadBalancedFargateService(
        stack,
        "service",
        network=network,
        repository=repository,
        config=NetworkLoadBalancedFargateServiceConfig(
            service_name="Orders-API",
            cluster_name="Orders",
            container_name="orders-api",
            container_port=9000,
            image_tag="1.4.2",
            cpu=512,
            memory_mib=1024,
            health_check_protocol="HTTP",
            health_check_path="/healthz",
        ),
    )
    TerraformOutput(stack, "url", value=f"http://{service.load_balancer_dns_name}/", description="Orders API")
    return app


if __name__ == "__main__":
    build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
