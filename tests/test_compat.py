"""Each compatibility patch: the gap exists in plain moto, and the local AWS closes it.

The plain-moto half tells us when an upstream release fixes a gap, so the patch can go.
"""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from cdktf_devkit.localaws import LocalAws, LocalAwsSettings
from tests.conftest import boto3_client

pytestmark = pytest.mark.plan

PIPELINE_PROJECT = {
    "source": {"type": "CODEPIPELINE"},
    "artifacts": {"type": "CODEPIPELINE"},
    "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"},
    "serviceRole": "arn:aws:iam::123456789012:role/build",
}


@pytest.fixture(scope="module")
def plain_moto(output_dir):
    server = LocalAws.start_on_free_port(output_dir / "plain-moto.log", compat_layer=False)
    yield LocalAwsSettings(port=server.port)
    server.stop()


@pytest.fixture(params=["plain", "patched"])
def variant(request, plain_moto, local_aws):
    return request.param, plain_moto if request.param == "plain" else local_aws


def raw_body(client, operation, **params):
    """The JSON body the server sent, before botocore parses it."""
    captured = {}
    client.meta.events.register(
        f"after-call.*.{operation}", lambda http_response, **_: captured.update(body=http_response.content)
    )
    getattr(client, _snake(operation))(**params)
    return json.loads(captured["body"])


def _snake(name):
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def test_codecommit_timestamps_are_epoch_numbers(variant, request):
    kind, environment = variant
    client = boto3_client(environment, "codecommit")
    body = raw_body(client, "CreateRepository", repositoryName=f"ts-{kind}")
    is_number = isinstance(body["repositoryMetadata"]["creationDate"], (int, float))
    assert is_number == (kind == "patched")


def test_codecommit_tags_round_trip(variant):
    kind, environment = variant
    client = boto3_client(environment, "codecommit")
    arn = client.create_repository(repositoryName=f"tags-{kind}", tags={"a": "1"})["repositoryMetadata"]["Arn"]
    if kind == "plain":
        with pytest.raises(ClientError):
            client.tag_resource(resourceArn=arn, tags={"b": "2"})
        return
    client.tag_resource(resourceArn=arn, tags={"b": "2"})
    client.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}


def test_codecommit_tagging_an_unknown_repository_is_a_clear_error(local_aws):
    client = local_aws.client("codecommit")
    with pytest.raises(ClientError, match="RepositoryDoesNotExistException"):
        client.list_tags_for_resource(resourceArn="arn:aws:codecommit:us-east-1:123456789012:nope")


def test_application_autoscaling_tags_round_trip(variant):
    kind, environment = variant
    client = boto3_client(environment, "application-autoscaling")
    arn = client.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId=f"table/tags-{kind}",
        ScalableDimension="dynamodb:table:ReadCapacityUnits",
        MinCapacity=1,
        MaxCapacity=2,
        Tags={"a": "1"},
    )["ScalableTargetARN"]
    if kind == "plain":
        with pytest.raises(ClientError):
            client.list_tags_for_resource(ResourceARN=arn)
        return
    client.tag_resource(ResourceARN=arn, Tags={"b": "2"})
    client.untag_resource(ResourceARN=arn, TagKeys=["a"])
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"b": "2"}
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.list_tags_for_resource(ResourceARN=arn.rsplit("/", 1)[0] + "/unknown")


def test_codebuild_pipeline_project_needs_no_locations(variant):
    kind, environment = variant
    client = boto3_client(environment, "codebuild")
    if kind == "plain":
        with pytest.raises(ClientError, match="location is required"):
            client.create_project(name=f"build-{kind}", **PIPELINE_PROJECT)
        return
    project = client.create_project(name=f"build-{kind}", **PIPELINE_PROJECT)["project"]
    assert project["source"]["type"] == "CODEPIPELINE"
    assert client.batch_get_projects(names=[f"build-{kind}"])["projects"][0]["name"] == f"build-{kind}"


def test_codebuild_project_deleted_by_its_arn_is_gone(variant):
    kind, environment = variant
    client = boto3_client(environment, "codebuild")
    source = {"type": "S3", "location": "sources/build.zip"}
    project = client.create_project(
        name=f"gone-{kind}", **{**PIPELINE_PROJECT, "source": source, "artifacts": {"type": "NO_ARTIFACTS"}}
    )
    client.delete_project(name=project["project"]["arn"])
    assert (f"gone-{kind}" in client.list_projects()["projects"]) == (kind == "plain")


def test_ecs_service_keeps_the_settings_it_was_created_with(variant):
    kind, environment = variant
    ecs = boto3_client(environment, "ecs")
    ecs.create_cluster(clusterName=f"cluster-{kind}")
    ecs.register_task_definition(
        family=f"task-{kind}",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
    )
    ecs.create_service(
        cluster=f"cluster-{kind}",
        serviceName="svc",
        taskDefinition=f"task-{kind}",
        desiredCount=1,
        healthCheckGracePeriodSeconds=60,
        availabilityZoneRebalancing="DISABLED",
        enableExecuteCommand=True,
        deploymentConfiguration={
            "minimumHealthyPercent": 100,
            "maximumPercent": 200,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
    )
    (service,) = ecs.describe_services(cluster=f"cluster-{kind}", services=["svc"])["services"]
    kept = {
        "healthCheckGracePeriodSeconds": service.get("healthCheckGracePeriodSeconds"),
        "availabilityZoneRebalancing": service.get("availabilityZoneRebalancing"),
        "enableExecuteCommand": service.get("enableExecuteCommand"),
        "circuitBreaker": service.get("deploymentConfiguration", {}).get("deploymentCircuitBreaker"),
    }
    if kind == "plain":
        assert kept["healthCheckGracePeriodSeconds"] is None
        return
    assert kept == {
        "healthCheckGracePeriodSeconds": 60,
        "availabilityZoneRebalancing": "DISABLED",
        "enableExecuteCommand": True,
        "circuitBreaker": {"enable": True, "rollback": True},
    }


def test_ecs_service_keeps_its_capacity_provider_strategy(variant):
    kind, environment = variant
    ecs = boto3_client(environment, "ecs")
    ecs.create_cluster(clusterName=f"spot-{kind}", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    ecs.register_task_definition(family=f"spot-{kind}", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 0, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0},
    ]
    ecs.create_service(
        cluster=f"spot-{kind}",
        serviceName="svc",
        taskDefinition=f"spot-{kind}",
        desiredCount=1,
        capacityProviderStrategy=strategy,
    )
    (service,) = ecs.describe_services(cluster=f"spot-{kind}", services=["svc"])["services"]
    if kind == "plain":
        assert service.get("capacityProviderStrategy") is None and service["launchType"] == "EC2"
        return
    assert service["capacityProviderStrategy"] == strategy and "launchType" not in service


def test_codepipeline_timestamps_are_epoch_numbers(variant):
    kind, environment = variant
    iam = boto3_client(environment, "iam")
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    role_arn = iam.create_role(RoleName=f"pipeline-{kind}", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    client = boto3_client(environment, "codepipeline")
    action = {
        "name": "a",
        "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {},
        "outputArtifacts": [{"name": "out"}],
    }
    deploy = {
        "name": "d",
        "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {},
        "inputArtifacts": [{"name": "out"}],
    }
    client.create_pipeline(
        pipeline={
            "name": f"pipeline-{kind}",
            "roleArn": role_arn,
            "artifactStore": {"type": "S3", "location": "bucket"},
            "stages": [{"name": "Source", "actions": [action]}, {"name": "Deploy", "actions": [deploy]}],
        }
    )
    body = raw_body(client, "GetPipeline", name=f"pipeline-{kind}")
    is_number = isinstance(body["metadata"]["created"], (int, float))
    assert is_number == (kind == "patched")


@pytest.fixture
def distribution_config(variant):
    """What aws_cloudfront_distribution sends and then reads back, for the gaps below."""
    kind, environment = variant
    unique = uuid.uuid4().hex[:8]
    client = boto3_client(environment, "cloudfront")
    control = client.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": f"oac-{unique}",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    distribution = client.create_distribution(
        DistributionConfig={
            "CallerReference": unique,
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": "example.s3.amazonaws.com",
                        "OriginAccessControlId": control,
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
            "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
        }
    )["Distribution"]
    config = client.get_distribution(Id=distribution["Id"])["Distribution"]["DistributionConfig"]
    return kind, control, config


def test_cloudfront_behaviors_with_a_cache_policy_have_no_forwarded_values(distribution_config):
    kind, _, config = distribution_config
    assert ("ForwardedValues" in config["DefaultCacheBehavior"]) == (kind == "plain")


def test_cloudfront_origins_keep_their_origin_access_control(distribution_config):
    kind, control, config = distribution_config
    kept = config["Origins"]["Items"][0].get("OriginAccessControlId")
    assert (kept == control) == (kind == "patched")


def test_cloudfront_default_certificate_has_no_ssl_support_method(distribution_config):
    kind, _, config = distribution_config
    assert ("SSLSupportMethod" in config["ViewerCertificate"]) == (kind == "plain")


def test_s3_object_with_a_delete_marker_can_be_deleted_after_versioning_is_suspended(variant):
    """What destroying a versioned site bucket does: objects and markers exist, then the
    aws_s3_bucket_versioning resource goes (versioning suspended), then the objects are deleted."""
    kind, environment = variant
    s3 = boto3_client(environment, "s3")
    bucket = f"versions-{kind}-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<p>one</p>")
    s3.delete_object(Bucket=bucket, Key="index.html")  # leaves a delete marker
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<p>two</p>")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    if kind == "plain":
        with pytest.raises(ClientError):
            s3.delete_object(Bucket=bucket, Key="index.html")
        return
    s3.delete_object(Bucket=bucket, Key="index.html")


def test_cloudfront_response_headers_policies_round_trip(variant):
    kind, environment = variant
    client = boto3_client(environment, "cloudfront")
    config = {
        "Name": f"headers-{kind}-{uuid.uuid4().hex[:8]}",
        "Comment": "security headers",
        "SecurityHeadersConfig": {
            "StrictTransportSecurity": {
                "Override": True,
                "AccessControlMaxAgeSec": 31536000,
                "IncludeSubdomains": True,
                "Preload": True,
            },
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"Override": True, "FrameOption": "DENY"},
        },
    }
    if kind == "plain":
        with pytest.raises(ClientError):
            client.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
        return
    created = client.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
    policy_id = created["ResponseHeadersPolicy"]["Id"]
    assert client.get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"] == config
    with pytest.raises(ClientError, match="ResponseHeadersPolicyAlreadyExists"):
        client.create_response_headers_policy(ResponseHeadersPolicyConfig=config)

    changed = {**config, "Comment": "changed"}
    updated = client.update_response_headers_policy(Id=policy_id, IfMatch=created["ETag"], ResponseHeadersPolicyConfig=changed)
    assert updated["ETag"] != created["ETag"]
    assert client.get_response_headers_policy_config(Id=policy_id)["ResponseHeadersPolicyConfig"]["Comment"] == "changed"

    client.delete_response_headers_policy(Id=policy_id, IfMatch=updated["ETag"])
    with pytest.raises(ClientError, match="NoSuchResponseHeadersPolicy"):
        client.get_response_headers_policy(Id=policy_id)


def test_codedeploy_deployment_groups_update_and_delete(variant):
    kind, environment = variant
    client = boto3_client(environment, "codedeploy")
    app = f"bluegreen-{kind}"
    client.create_application(applicationName=app, computePlatform="ECS", tags=[{"Key": "a", "Value": "1"}])
    role = "arn:aws:iam::123456789012:role/codedeploy"
    alarms = {"enabled": True, "alarms": [{"name": "5xx"}], "ignorePollAlarmFailure": False}
    client.create_deployment_group(
        applicationName=app, deploymentGroupName="group", serviceRoleArn=role, alarmConfiguration=alarms
    )
    answered = client.get_deployment_group(applicationName=app, deploymentGroupName="group")["deploymentGroupInfo"]
    if kind == "plain":
        assert answered.get("alarmConfiguration", {}) == {}
        with pytest.raises(ClientError):
            client.delete_deployment_group(applicationName=app, deploymentGroupName="group")
        return
    assert answered["alarmConfiguration"] == alarms
    client.update_deployment_group(
        applicationName=app, currentDeploymentGroupName="group", deploymentConfigName="CodeDeployDefault.ECSAllAtOnce"
    )
    group = client.get_deployment_group(applicationName=app, deploymentGroupName="group")["deploymentGroupInfo"]
    assert group["deploymentConfigName"] == "CodeDeployDefault.ECSAllAtOnce"
    client.delete_deployment_group(applicationName=app, deploymentGroupName="group")
    assert client.list_deployment_groups(applicationName=app)["deploymentGroups"] == []
    client.delete_application(applicationName=app)
    with pytest.raises(ClientError, match="ApplicationDoesNotExistException"):
        client.get_application(applicationName=app)


def test_a_rule_admitting_a_security_group_keeps_its_description(variant):
    kind, environment = variant
    ec2 = boto3_client(environment, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    target, source = (
        ec2.create_security_group(GroupName=f"{name}-{kind}", Description=name, VpcId=vpc)["GroupId"] for name in ("a", "b")
    )
    pair = {"GroupId": source, "Description": "From the load balancer"}
    ec2.authorize_security_group_ingress(
        GroupId=target, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [pair]}]
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [target]}])["SecurityGroupRules"]
    (rule,) = [r for r in rules if not r["IsEgress"]]
    assert rule["ReferencedGroupInfo"]["GroupId"] == source
    assert rule.get("Description") == (None if kind == "plain" else "From the load balancer")


def test_an_ec2_create_repeated_with_its_client_token_creates_once(variant):
    kind, environment = variant
    ec2 = boto3_client(environment, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    token = str(uuid.uuid4())
    first, again = (ec2.create_route_table(VpcId=vpc_id, ClientToken=token)["RouteTable"]["RouteTableId"] for _ in range(2))
    other = ec2.create_route_table(VpcId=vpc_id, ClientToken=str(uuid.uuid4()))["RouteTable"]["RouteTableId"]
    tables = {
        t["RouteTableId"] for t in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    }
    assert other not in (first, again) and {first, again, other} <= tables
    assert (first == again) == (kind == "patched")


def test_a_request_the_sdk_repeats_gets_the_first_attempts_answer(variant):
    """An SDK repeats a request whose answer it lost, with the same invocation id: the repeat of a revoke
    that removed the rule must not fail with NotFound, while a new request for the same rule still does."""
    kind, environment = variant
    ec2 = boto3_client(environment, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.91.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName=f"repeated-{kind}", Description="repeated", VpcId=vpc)["GroupId"]
    default_egress = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    invocation, attempts = str(uuid.uuid4()), iter((1, 2))

    def as_one_invocation(request, **_):
        request.headers["amz-sdk-invocation-id"] = invocation
        request.headers["amz-sdk-request"] = f"attempt={next(attempts)}; max=3"

    ec2.meta.events.register("before-send.ec2.RevokeSecurityGroupEgress", as_one_invocation)
    assert ec2.revoke_security_group_egress(GroupId=group, IpPermissions=default_egress)["Return"]
    if kind == "plain":
        with pytest.raises(ClientError, match="InvalidPermission.NotFound"):
            ec2.revoke_security_group_egress(GroupId=group, IpPermissions=default_egress)
    else:
        assert ec2.revoke_security_group_egress(GroupId=group, IpPermissions=default_egress)["Return"]
    ec2.meta.events.unregister("before-send.ec2.RevokeSecurityGroupEgress", as_one_invocation)
    with pytest.raises(ClientError, match="InvalidPermission.NotFound"):
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=default_egress)
