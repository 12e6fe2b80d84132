"""Patches for gaps in moto that the AWS provider (5.100.0) trips over.

Applied only inside the local AWS server process (``localaws.serve``), never in-process for tests
or users. Each patch says what real AWS does, what moto does, and what failed without it; each has
a test in tests/test_compat.py that fails without the patch.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

_applied = False


def apply() -> None:
    """Install every patch once."""
    global _applied
    if _applied:
        return
    _codecommit_timestamps_as_epoch()
    _codecommit_tagging()
    _codebuild_codepipeline_locations()
    _codebuild_delete_by_arn()
    _ecs_service_settings()
    _codepipeline_timestamps_as_epoch()
    _cloudfront_cache_policy_without_forwarded_values()
    _cloudfront_origin_access_control()
    _cloudfront_default_certificate_without_ssl_method()
    _s3_delete_marker_dispose()
    _cloudfront_response_headers_policies()
    _application_autoscaling_tagging()
    _codedeploy_delete_and_update()
    _security_group_rule_descriptions()
    _ec2_client_token_idempotency()
    _applied = True


def _codecommit_timestamps_as_epoch() -> None:
    """CodeCommit CreateRepository/GetRepository: AWS returns creationDate and lastModifiedDate as
    epoch seconds (JSON protocol timestamps); moto returns ISO strings, and the provider's Go SDK
    fails with "deserialization failed" on aws_codecommit_repository."""
    from moto.codecommit import models

    original_init = models.CodeCommit.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        now = time.time()
        self.repository_metadata["creationDate"] = now
        self.repository_metadata["lastModifiedDate"] = now

    models.CodeCommit.__init__ = __init__


def _codecommit_tagging() -> None:
    """CodeCommit TagResource/UntagResource/ListTagsForResource: moto does not implement them
    (HTTP 500), and the provider retries for minutes on every tagged aws_codecommit_repository.
    Tags are kept per repository ARN; CreateRepository's ``tags`` are stored too."""
    from moto.codecommit import models, responses

    def tags_of(backend: Any) -> dict[str, dict[str, str]]:
        if not hasattr(backend, "_compat_tags"):
            backend._compat_tags = {}
        return backend._compat_tags

    def arn_exists(backend: Any, arn: str) -> bool:
        return any(repo.repository_metadata["Arn"] == arn for repo in backend.repositories.values())

    def not_found(arn: str) -> tuple[int, dict[str, str], str]:
        body = {"__type": "RepositoryDoesNotExistException", "message": f"Repository for {arn} does not exist"}
        return 400, {"status": "400"}, json.dumps(body)

    def tag_resource(self: Any) -> Any:
        arn = self._get_param("resourceArn")
        backend = self.codecommit_backend
        if not arn_exists(backend, arn):
            return not_found(arn)
        tags_of(backend).setdefault(arn, {}).update(self._get_param("tags") or {})
        return "{}"

    def untag_resource(self: Any) -> Any:
        arn = self._get_param("resourceArn")
        backend = self.codecommit_backend
        if not arn_exists(backend, arn):
            return not_found(arn)
        current = tags_of(backend).setdefault(arn, {})
        for key in self._get_param("tagKeys") or []:
            current.pop(key, None)
        return "{}"

    def list_tags_for_resource(self: Any) -> Any:
        arn = self._get_param("resourceArn")
        backend = self.codecommit_backend
        if not arn_exists(backend, arn):
            return not_found(arn)
        return json.dumps({"tags": tags_of(backend).get(arn, {})})

    original_create: Callable[..., str] = responses.CodeCommitResponse.create_repository

    def create_repository(self: Any) -> str:
        result = original_create(self)
        tags = self._get_param("tags")
        if tags:
            arn = json.loads(result)["repositoryMetadata"]["Arn"]
            tags_of(self.codecommit_backend).setdefault(arn, {}).update(tags)
        return result

    original_delete: Callable[..., str] = models.CodeCommitBackend.delete_repository

    def delete_repository(self: Any, repository_name: str) -> Any:
        repo = self.repositories.get(repository_name)
        if repo is not None:
            tags_of(self).pop(repo.repository_metadata["Arn"], None)
        return original_delete(self, repository_name)

    responses.CodeCommitResponse.tag_resource = tag_resource
    responses.CodeCommitResponse.untag_resource = untag_resource
    responses.CodeCommitResponse.list_tags_for_resource = list_tags_for_resource
    responses.CodeCommitResponse.create_repository = create_repository
    models.CodeCommitBackend.delete_repository = delete_repository


def _codebuild_codepipeline_locations() -> None:
    """CodeBuild CreateProject/UpdateProject: AWS accepts source and artifacts of type CODEPIPELINE
    with no ``location`` (the pipeline supplies them); moto rejects them with "Project source
    location is required", so a pipeline's build project cannot be created."""
    from moto.codebuild import responses

    original_source: Callable[[dict[str, Any]], None] = responses._validate_required_params_source
    original_artifacts: Callable[[dict[str, Any]], None] = responses._validate_required_params_artifacts

    def validate_source(source: dict[str, Any]) -> None:
        if source.get("type") == "CODEPIPELINE" and not source.get("location"):
            return
        original_source(source)

    def validate_artifacts(artifacts: dict[str, Any]) -> None:
        if artifacts.get("type") == "CODEPIPELINE" and not artifacts.get("location"):
            return
        original_artifacts(artifacts)

    responses._validate_required_params_source = validate_source
    responses._validate_required_params_artifacts = validate_artifacts


def _codebuild_delete_by_arn() -> None:
    """CodeBuild DeleteProject: AWS takes the project's name or ARN (the provider sends the ARN); moto
    looks the ARN up as a name, finds nothing and answers success, so a destroyed stack left its build
    project behind and the next apply failed with "Project already exists"."""
    from moto.codebuild.models import CodeBuildBackend

    original: Callable[[Any, str], None] = CodeBuildBackend.delete_project

    def delete_project(self: Any, project_name: str) -> None:
        if project_name.startswith("arn:") and ":project/" in project_name:
            project_name = project_name.split(":project/", 1)[1]
        original(self, project_name)

    CodeBuildBackend.delete_project = delete_project


# CreateService settings moto accepts but does not keep; real AWS returns each in DescribeServices.
ECS_SERVICE_SETTINGS = (
    "healthCheckGracePeriodSeconds",
    "availabilityZoneRebalancing",
    "enableExecuteCommand",
    "enableECSManagedTags",
    "deploymentConfiguration",
    "capacityProviderStrategy",
)


def _ecs_service_settings() -> None:
    """ECS CreateService: moto drops healthCheckGracePeriodSeconds, availabilityZoneRebalancing,
    enableExecuteCommand, enableECSManagedTags, deploymentConfiguration and capacityProviderStrategy, so
    DescribeServices omits them and the provider plans an in-place update of aws_ecs_service after every
    apply (for a capacity provider strategy, moto also reports launch type EC2, and the provider replaces
    the service). The values sent are kept on the service (UpdateService already stores what it is sent);
    a service with a strategy has no launch type, as in AWS."""
    from moto.core.utils import camelcase_to_underscores
    from moto.ecs import responses

    original: Callable[..., Any] = responses.EC2ContainerServiceResponse.create_service

    def create_service(self: Any) -> Any:
        result = original(self)
        service = result.result["service"]
        for name in ECS_SERVICE_SETTINGS:
            value = self._get_param(name)
            if value is not None:
                setattr(service, camelcase_to_underscores(name), value)
        if self._get_param("capacityProviderStrategy") and not self._get_param("launchType"):
            service.launch_type = None
        return result

    responses.EC2ContainerServiceResponse.create_service = create_service


def _codepipeline_timestamps_as_epoch() -> None:
    """CodePipeline GetPipeline/ListPipelines: AWS returns metadata.created and metadata.updated as
    epoch seconds; moto returns ISO strings, and the provider fails reading aws_codepipeline with
    "expected Timestamp to be a JSON Number, got string instead"."""
    from moto.codepipeline import models

    def metadata(self: Any) -> dict[str, Any]:
        return {"pipelineArn": self._arn, "created": self._created.timestamp(), "updated": self._updated.timestamp()}

    models.CodePipeline.metadata = property(metadata)


def _cloudfront_cache_policy_without_forwarded_values() -> None:
    """CloudFront Create/GetDistribution: a cache behavior that names a CachePolicyId has no
    ForwardedValues in AWS's answer; moto adds a default one, so the provider plans to remove
    ``forwarded_values`` from aws_cloudfront_distribution after every apply."""
    from moto.cloudfront import models

    original: Callable[..., None] = models.DefaultCacheBehaviour.__init__

    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        if config.get("CachePolicyId") and "ForwardedValues" not in config:
            del self.forwarded_values

    models.DefaultCacheBehaviour.__init__ = __init__


def _cloudfront_origin_access_control() -> None:
    """CloudFront origins: AWS keeps and returns each origin's OriginAccessControlId; moto drops it,
    so the provider plans to replace every origin of a distribution that reads S3 through OAC."""
    from moto.cloudfront import models

    original: Callable[..., None] = models.Origin.__init__

    def __init__(self: Any, origin: dict[str, Any]) -> None:
        original(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""

    models.Origin.__init__ = __init__


def _cloudfront_default_certificate_without_ssl_method() -> None:
    """CloudFront viewer certificate: with the default CloudFront certificate AWS returns no
    SSLSupportMethod; moto invents "sni-only", so the provider plans to remove it after every apply."""
    from moto.cloudfront import models

    original: Callable[..., None] = models.ViewerCertificate.__init__

    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        if not config.get("SSLSupportMethod") and not config.get("ACMCertificateArn") and not config.get("IAMCertificateId"):
            del self.ssl_support_method

    models.ViewerCertificate.__init__ = __init__


def _s3_delete_marker_dispose() -> None:
    """S3 DeleteObject in a versioned bucket: when the last version of a key goes and a delete
    marker is among its versions, moto calls ``dispose()`` on the marker, which has none, and answers
    500. ``force_destroy`` of a versioned bucket that held objects then retries for minutes."""
    from moto.s3 import models

    if not hasattr(models.FakeDeleteMarker, "dispose"):
        models.FakeDeleteMarker.dispose = lambda self, garbage=False: None


def _cloudfront_response_headers_policies() -> None:
    """CloudFront response headers policies: AWS has Create/Get/GetConfig/Update/Delete; moto has
    none of them (404), so aws_cloudfront_response_headers_policy cannot be created. This keeps each
    policy's config as sent, with an id and an ETag, per account."""
    from moto.cloudfront import responses, urls
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.core.responses import ActionResult, EmptyResult
    from moto.moto_api._internal import mock_random

    base = "{0}/2020-05-31/response-headers-policy"
    for path in (f"{base}$", f"{base}/(?P<Id>[^/]+)$", f"{base}/(?P<Id>[^/]+)/config$"):
        urls.url_paths[path] = responses.CloudFrontResponse.dispatch
    policies: dict[tuple[str, str], dict[str, Any]] = {}  # (account, id) -> {"config", "etag", "modified"}

    def find(self: Any) -> tuple[tuple[str, str], dict[str, Any]]:
        key = (self.current_account, self._get_param("Id"))
        if key not in policies:
            raise CloudFrontException("NoSuchResponseHeadersPolicy", "The response headers policy does not exist.")
        return key, policies[key]

    def answer(key: tuple[str, str], policy: dict[str, Any]) -> dict[str, Any]:
        return {"Id": key[1], "LastModifiedTime": policy["modified"], "ResponseHeadersPolicyConfig": policy["config"]}

    def store(key: tuple[str, str], config: dict[str, Any]) -> dict[str, Any]:
        policies[key] = {"config": config, "etag": mock_random.get_random_hex(13).upper(), "modified": time.time()}
        return policies[key]

    def create(self: Any) -> Any:
        config = self._get_param("ResponseHeadersPolicyConfig", {})
        if any(
            p["config"].get("Name") == config.get("Name")
            for (account, _), p in policies.items()
            if account == self.current_account
        ):
            raise CloudFrontException(
                "ResponseHeadersPolicyAlreadyExists", f"A response headers policy named {config.get('Name')} already exists."
            )
        key = (self.current_account, str(mock_random.uuid4()))
        policy = store(key, config)
        return ActionResult(
            {
                "ResponseHeadersPolicy": answer(key, policy),
                "ETag": policy["etag"],
                "Location": f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{key[1]}",
            }
        )

    def get(self: Any) -> Any:
        key, policy = find(self)
        return ActionResult({"ResponseHeadersPolicy": answer(key, policy), "ETag": policy["etag"]})

    def get_config(self: Any) -> Any:
        _, policy = find(self)
        return ActionResult({"ResponseHeadersPolicyConfig": policy["config"], "ETag": policy["etag"]})

    def update(self: Any) -> Any:
        key, _ = find(self)
        policy = store(key, self._get_param("ResponseHeadersPolicyConfig", {}))
        return ActionResult({"ResponseHeadersPolicy": answer(key, policy), "ETag": policy["etag"]})

    def delete(self: Any) -> Any:
        key, _ = find(self)
        del policies[key]
        return EmptyResult()

    responses.CloudFrontResponse.create_response_headers_policy = create
    responses.CloudFrontResponse.get_response_headers_policy = get
    responses.CloudFrontResponse.get_response_headers_policy_config = get_config
    responses.CloudFrontResponse.update_response_headers_policy = update
    responses.CloudFrontResponse.delete_response_headers_policy = delete


def _application_autoscaling_tagging() -> None:
    """Application Auto Scaling TagResource/UntagResource/ListTagsForResource: moto does not implement
    them (HTTP 500), and the provider retries for minutes on every aws_appautoscaling_target, tagged or
    not (it reads the tags back). Tags are kept per scalable target ARN; RegisterScalableTarget's ``Tags``
    are stored too."""
    from moto.applicationautoscaling import responses

    def tags_of(backend: Any) -> dict[str, dict[str, str]]:
        if not hasattr(backend, "_compat_tags"):
            backend._compat_tags = {}
        return backend._compat_tags

    def find(self: Any) -> tuple[str, dict[str, str] | None]:
        arn = self._get_param("ResourceARN")
        backend = self.applicationautoscaling_backend
        targets = [t for by_dimension in backend.targets.values() for t in by_dimension.values()]
        if not any(t.arn == arn for t in targets):
            return arn, None
        return arn, tags_of(backend).setdefault(arn, {})

    def not_found(arn: str) -> tuple[int, dict[str, str], str]:
        body = {"__type": "ResourceNotFoundException", "Message": f"No scalable target found for {arn}"}
        return 400, {"status": "400"}, json.dumps(body)

    def tag_resource(self: Any) -> Any:
        arn, tags = find(self)
        if tags is None:
            return not_found(arn)
        tags.update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: Any) -> Any:
        arn, tags = find(self)
        if tags is None:
            return not_found(arn)
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self: Any) -> Any:
        arn, tags = find(self)
        return not_found(arn) if tags is None else json.dumps({"Tags": tags})

    original_register: Callable[..., str] = responses.ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self: Any) -> str:
        result = original_register(self)
        arn = json.loads(result).get("ScalableTargetARN")
        if arn and self._get_param("Tags"):
            tags_of(self.applicationautoscaling_backend).setdefault(arn, {}).update(self._get_param("Tags"))
        return result

    responses.ApplicationAutoScalingResponse.tag_resource = tag_resource
    responses.ApplicationAutoScalingResponse.untag_resource = untag_resource
    responses.ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
    responses.ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target


# DeploymentGroup attributes UpdateDeploymentGroup may set, by the request parameter that carries each.
CODEDEPLOY_GROUP_SETTINGS = {
    "deploymentConfigName": "deployment_config_name",
    "serviceRoleArn": "service_role_arn",
    "alarmConfiguration": "alarm_configuration",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ecsServices": "ecs_services",
    "triggerConfigurations": "trigger_configurations",
}


def _codedeploy_delete_and_update() -> None:
    """CodeDeploy DeleteApplication/DeleteDeploymentGroup/UpdateDeploymentGroup: moto does not implement
    them (HTTP 500), so the provider cannot destroy an aws_codedeploy_app or deployment group, nor change
    one in place. Deleting an application deletes its deployment groups and tags, as in AWS.
    GetDeploymentGroup: moto answers an empty alarmConfiguration whatever was set, so a deployment group
    with rollback alarms plans an update after every apply; the stored one is answered."""
    from moto.codedeploy import responses

    original_info: Callable[[Any], dict[str, Any]] = responses._deployment_group_info

    def deployment_group_info(group: Any) -> dict[str, Any]:
        info = original_info(group)
        if isinstance(group.alarm_configuration, dict):
            info["alarmConfiguration"] = group.alarm_configuration
        return info

    responses._deployment_group_info = deployment_group_info

    def not_found(kind: str, name: str) -> tuple[int, dict[str, str], str]:
        body = {"__type": f"{kind}DoesNotExistException", "message": f"The {kind.lower()} {name} does not exist"}
        return 400, {"status": "400"}, json.dumps(body)

    def delete_application(self: Any) -> Any:
        backend = self.codedeploy_backend
        name = self._get_param("applicationName")
        if backend.applications.pop(name, None) is None:
            return "{}"  # AWS answers success for an application that is already gone
        for group in backend.deployment_groups.pop(name, {}):
            backend.tagger.delete_all_tags_for_resource(backend._deployment_group_arn(name, group))
        backend.tagger.delete_all_tags_for_resource(backend._application_arn(name))
        return "{}"

    def delete_deployment_group(self: Any) -> Any:
        backend = self.codedeploy_backend
        name, group = self._get_param("applicationName"), self._get_param("deploymentGroupName")
        if name not in backend.applications:
            return not_found("Application", name)
        backend.deployment_groups.get(name, {}).pop(group, None)
        backend.tagger.delete_all_tags_for_resource(backend._deployment_group_arn(name, group))
        return json.dumps({"hooksNotCleanedUp": []})

    def update_deployment_group(self: Any) -> Any:
        backend = self.codedeploy_backend
        name, current = self._get_param("applicationName"), self._get_param("currentDeploymentGroupName")
        groups = backend.deployment_groups.get(name, {})
        if current not in groups:
            return not_found("DeploymentGroup", current)
        group = groups[current]
        for parameter, attribute in CODEDEPLOY_GROUP_SETTINGS.items():
            value = self._get_param(parameter)
            if value is not None:
                setattr(group, attribute, value)
        new_name = self._get_param("newDeploymentGroupName")
        if new_name and new_name != current:
            group.deployment_group_name = new_name
            groups[new_name] = groups.pop(current)
        return json.dumps({"hooksNotCleanedUp": []})

    responses.CodeDeployResponse.delete_application = delete_application
    responses.CodeDeployResponse.delete_deployment_group = delete_deployment_group
    responses.CodeDeployResponse.update_deployment_group = update_deployment_group


def _security_group_rule_descriptions() -> None:
    """EC2 DescribeSecurityGroupRules: for a rule that admits another security group, AWS returns the
    description given with the group (``UserIdGroupPairs[].Description``); moto reads descriptions from
    IP ranges only and returns none, so every aws_vpc_security_group_ingress_rule with
    ``referenced_security_group_id`` plans an update after each apply."""
    from moto.ec2.models import security_groups

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get("Description")

    security_groups.SecurityGroupRule.description = property(description)


# EC2 creates the AWS provider sends with a ClientToken: (response module, class, method).
EC2_IDEMPOTENT_CREATES = (
    ("route_tables", "RouteTables", "create_route_table"),
    ("nat_gateways", "NatGateways", "create_nat_gateway"),
    ("vpcs", "VPCs", "create_vpc_endpoint"),
    ("flow_logs", "FlowLogs", "create_flow_logs"),
)


def _ec2_client_token_idempotency() -> None:
    """EC2 creates with a ClientToken: AWS answers a repeated request (same token) with what the first
    one created; moto ignores the token and creates again. The AWS SDK repeats a request whose answer it
    did not get (a connection reset on a busy machine), so an apply left a second route table behind that
    Terraform did not know of, and the destroy then waited for minutes on DeleteVpc's DependencyViolation."""
    import importlib

    answered: dict[tuple[str, str, str, str], Any] = {}
    lock = threading.Lock()

    def idempotent(method: str, original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def create(self: Any) -> Any:
            token = self._get_param("ClientToken")
            if not token:
                return original(self)
            key = (self.current_account, self.region, method, token)
            with lock:
                if key not in answered:
                    answered[key] = original(self)
                return answered[key]

        return create

    for module, class_name, method in EC2_IDEMPOTENT_CREATES:
        response_class = getattr(importlib.import_module(f"moto.ec2.responses.{module}"), class_name)
        setattr(response_class, method, idempotent(method, getattr(response_class, method)))
