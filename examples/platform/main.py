#!/usr/bin/env python
"""A second consumer of the construct library: a platform team's two services in one cluster, in the
shared VPC another team owns.

Nothing here is TodoList's. The VPC and its subnets are found by lookup (tags ``Name=shared-vpc`` and
``tier=public|private``), the certificate by its domain: those are Terraform values the library
accepts as they are. The ``payments`` service creates the cluster and serves TLS only; ``ledger``
joins the same cluster. Names the example does not set derive from the construct path.

    python main.py [OUTDIR]     # synthesizes for PLATFORM_ENV (default: local; local needs cdktf-devkit installed too)
"""

from __future__ import annotations

import sys

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
from cdktf_cdktf_provider_aws.data_aws_acm_certificate import DataAwsAcmCertificate
from cdktf_cdktf_provider_aws.data_aws_subnets import DataAwsSubnets
from cdktf_cdktf_provider_aws.data_aws_vpc import DataAwsVpc

STACK = "Platform-Services"
ENV_PREFIX = "PLATFORM_"
SHARED_VPC_TAG = "shared-vpc"
CERTIFICATE_DOMAIN = "payments.example.com"
TAGS = {"team": "platform", "cost-center": "4711"}


def shared_network(stack: TerraformStack) -> ExistingNetwork:
    """The shared VPC and its subnets, found by their tags."""
    vpc = DataAwsVpc(stack, "shared-vpc", tags={"Name": SHARED_VPC_TAG})

    def subnets(tier: str) -> list[str]:
        return DataAwsSubnets(
            stack,
            f"{tier}-subnets",
            filter=[
                {"name": "vpc-id", "values": [vpc.id]},
                {"name": "tag:tier", "values": [tier]},
            ],
        ).ids

    return ExistingNetwork(
        vpc_id=vpc.id, vpc_cidr=vpc.cidr_block, public_subnet_ids=subnets("public"), private_subnet_ids=subnets("private")
    )


def build_app(outdir: str | None = None, environment: Environment | None = None) -> App:
    environment = environment if environment is not None else Environment.from_env(prefix=ENV_PREFIX)
    app = App(outdir=outdir) if outdir else App()
    stack = TerraformStack(app, STACK)
    environment.apply(stack, STACK)
    network = shared_network(stack)
    certificate = DataAwsAcmCertificate(stack, "certificate", domain=CERTIFICATE_DOMAIN, statuses=["ISSUED"])
    local = environment.is_local

    payments = NetworkLoadBalancedFargateService(
        stack,
        "payments",
        network=network,
        repository=ContainerRepository(
            stack,
            "payments-repository",
            config=ContainerRepositoryConfig(name="platform/payments", force_delete=local, tags=TAGS),
        ),
        config=NetworkLoadBalancedFargateServiceConfig(
            service_name="payments_api",
            cluster_name="platform",
            container_name="payments",
            container_port=9000,
            enable_tls=True,
            tls_only=True,
            tls_certificate_arn=certificate.arn,
            health_check_protocol="HTTP",
            health_check_path="/healthz",
            deletion_protection=not local,
            tags=TAGS,
        ),
    )
    ledger = NetworkLoadBalancedFargateService(
        stack,
        "ledger",
        network=network,
        cluster=payments,
        repository=ContainerRepository(
            stack, "ledger-repository", config=ContainerRepositoryConfig(force_delete=local, tags=TAGS)
        ),
        config=NetworkLoadBalancedFargateServiceConfig(
            container_name="ledger", internet_facing=False, deletion_protection=not local, tags=TAGS
        ),
    )
    # An escape hatch: the library exposes the resources, so the team can tune what it does not offer.
    ledger.target_group.add_override("slow_start", 30)

    TerraformOutput(
        stack, "payments_url", value=f"https://{payments.load_balancer_dns_name}/", description="Payments API (TLS only)"
    )
    TerraformOutput(stack, "ledger_address", value=ledger.load_balancer_dns_name, description="Ledger (internal load balancer)")
    TerraformOutput(stack, "cluster_name", value=payments.cluster_name, description="The cluster both services run in")
    return app


if __name__ == "__main__":
    build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
