#!/usr/bin/env python
"""The TodoList app: one Terraform stack per concern, deployed to the environment TODOLIST_ENV names."""

from __future__ import annotations

from cdktf import App, TerraformOutput, TerraformStack
from constructs import Construct

from todolist_cdktf import Environment, Network, NetworkConfig

NETWORK_STACK = "TodoList-Network"


class NetworkStack(TerraformStack):
    """TodoList-Network: the VPC every other stack runs in."""

    def __init__(self, scope: Construct, environment: Environment, config: NetworkConfig) -> None:
        super().__init__(scope, NETWORK_STACK)
        environment.apply(self, NETWORK_STACK)
        self.network = Network(self, "network", config=config)
        TerraformOutput(self, "vpc_id", value=self.network.vpc_id, description="VPC id")
        TerraformOutput(self, "vpc_cidr", value=self.network.vpc_cidr, description="VPC CIDR block")
        TerraformOutput(self, "public_subnet_ids", value=list(self.network.public_subnet_ids), description="Public subnet ids, one per zone")
        TerraformOutput(self, "private_subnet_ids", value=list(self.network.private_subnet_ids), description="Private subnet ids, one per zone")


def build_app(environment: Environment | None = None, outdir: str | None = None) -> App:
    """Configure every stack; ``environment`` defaults to the one TODOLIST_* variables describe."""
    environment = environment if environment is not None else Environment.from_env()
    network_config = NetworkConfig(name="todolist", cidr="10.0.0.0/16", az_count=2, nat_gateway_count=1)
    app = App(outdir=outdir) if outdir else App()
    NetworkStack(app, environment, network_config)
    return app


if __name__ == "__main__":
    build_app().synth()
