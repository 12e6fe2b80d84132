"""Pipeline: every push to the source repository builds the image and rolls it out to the service.

Source (CodeCommit by default, or GitHub through a CodeStar connection) -> CodeBuild (tests,
docker build and push, imagedefinitions.json) -> optional manual approval -> ECS deploy.
Every role is scoped to the resources of this pipeline; see the statements below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.codebuild_project import (
    CodebuildProject,
    CodebuildProjectEnvironment,
    CodebuildProjectEnvironmentEnvironmentVariable,
)
from cdktf_cdktf_provider_aws.codecommit_repository import CodecommitRepository
from cdktf_cdktf_provider_aws.codepipeline import (
    Codepipeline,
    CodepipelineArtifactStore,
    CodepipelineStage,
    CodepipelineStageAction,
)
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from . import _checks, _names
from ._iam import service_role
from ._terraform import AWS_MANAGED_KEYS, jsonencode, literal, skip_check
from ._tokens import is_unresolved
from .errors import ConfigError
from .private_bucket import PrivateBucket, PrivateBucketConfig
from .refs import RepositoryRef, ServiceRef

COMPUTE_TYPES = ("BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE")
_CONNECTION_ARN_PATTERN = r"arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/[A-Za-z0-9-]+"


class SourceKind(str, Enum):
    CODECOMMIT = "CODECOMMIT"
    GITHUB = "GITHUB"


@dataclass(frozen=True)
class PipelineConfig:
    """Settings of :class:`Pipeline`."""

    buildspec: str
    """Contents of the buildspec (``pipeline/buildspec.yml``). Required."""
    name: str | None = None
    """Pipeline name (1-100 letters, digits, '.', '@', '_', '-'); also the base of the build project, roles,
    rule, log group and artifact bucket names, each fitted to its AWS rule. Default: derived from the
    construct path (``<stack>-<id>-<hash>``)."""
    source: SourceKind = SourceKind.CODECOMMIT
    """``CODECOMMIT`` (default) or ``GITHUB`` (through ``github_connection_arn``)."""
    repository_name: str | None = None
    """CodeCommit repository to create (``CODECOMMIT``): 1-100 letters, digits, '.', '_', '-', not ending
    in ``.git``. Default: derived from the construct path (``<stack>-<id>-source-<hash>``)."""
    repository_description: str | None = None
    """Description of the CodeCommit repository. Default ``Source of the <name> pipeline``."""
    github_repository: str = ""
    """``owner/name`` of the GitHub repository (``GITHUB``). Default none."""
    github_connection_arn: str = ""
    """CodeStar connection ARN, or a token (``GITHUB``). Default none."""
    branch: str = "main"
    """Branch whose pushes trigger the pipeline. Default ``main``."""
    build_image: str = "aws/codebuild/standard:7.0"
    """CodeBuild image. Default ``aws/codebuild/standard:7.0`` (Ubuntu 22.04)."""
    compute_type: str = "BUILD_GENERAL1_SMALL"
    """CodeBuild compute type: SMALL, MEDIUM or LARGE. Default ``BUILD_GENERAL1_SMALL``."""
    build_timeout_minutes: int = 30
    """Build timeout, 5 to 480 minutes. Default 30."""
    log_retention_days: int = 365
    """Retention of the build log group, one of CloudWatch's values. Default 365."""
    manual_approval: bool = False
    """Add a manual approval stage before deploy. Default False."""
    force_destroy_artifacts: bool = False
    """Let destroy delete the artifact bucket with its objects. Default False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags. Default none."""

    def __post_init__(self) -> None:
        _check_buildspec(self.buildspec)
        if self.name is not None:
            _names.CODEPIPELINE.check("name", self.name)
        object.__setattr__(self, "source", _checks.one_of("source", self.source, SourceKind))
        if self.source is SourceKind.CODECOMMIT:
            if self.repository_name is not None:
                _names.CODECOMMIT_REPOSITORY.check("repository_name", self.repository_name)
            if self.repository_description is not None:
                _checks.matches(
                    "repository_description",
                    self.repository_description,
                    r"[^<>]{0,1000}",
                    "must be at most 1000 characters, without '<' or '>'",
                )
        else:
            _checks.matches(
                "github_repository",
                self.github_repository,
                r"[A-Za-z0-9-]+/[A-Za-z0-9_.-]+",
                "must be 'owner/name' when source is GITHUB",
            )
            _checks.matches(
                "github_connection_arn",
                self.github_connection_arn,
                _CONNECTION_ARN_PATTERN,
                "must be a CodeStar connection ARN when source is GITHUB",
            )
        _checks.matches("branch", self.branch, r"[A-Za-z0-9._/-]{1,255}", "must be a git branch name")
        _checks.matches("build_image", self.build_image, r"\S{3,256}", "must be a CodeBuild image name")
        if self.compute_type not in COMPUTE_TYPES:
            raise ConfigError("compute_type", self.compute_type, f"must be one of {', '.join(COMPUTE_TYPES)}")
        _checks.int_in_range("build_timeout_minutes", self.build_timeout_minutes, 5, 480)
        _checks.log_retention_days("log_retention_days", self.log_retention_days)
        _checks.boolean("manual_approval", self.manual_approval)
        _checks.boolean("force_destroy_artifacts", self.force_destroy_artifacts)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))


def _check_buildspec(buildspec: Any) -> None:
    if not isinstance(buildspec, str):
        raise ConfigError("buildspec", buildspec, f"must be the buildspec's text, got {_checks.type_name(buildspec)}")
    if "\n" not in buildspec.strip() and buildspec.strip().endswith((".yml", ".yaml")):
        # A file name is not a secret: show it, and say what to pass instead.
        raise ConfigError("buildspec", buildspec, "must be the buildspec's contents, not its path: pass Path(...).read_text()")
    if "version:" not in buildspec or "imagedefinitions.json" not in buildspec:
        # The text is not shown: a buildspec can hold credentials.
        raise ConfigError(
            "buildspec",
            None,
            "must be a CodeBuild buildspec (text with 'version:') that writes imagedefinitions.json",
            secret=True,
        )


class Pipeline(Construct):
    """Attributes: ``pipeline_name``, ``pipeline_arn``, ``artifact_bucket_name``, ``build_project_name``,
    ``clone_url_http`` and ``clone_url_ssh`` (CodeCommit only, else None); the resources ``pipeline``,
    ``build_project``, ``build_role``, ``pipeline_role``, ``build_log_group``, ``artifacts``,
    ``source_repository``, ``push_rule``, ``trigger_role``.
    """

    pipeline_name: str
    """Name of the pipeline."""
    pipeline_arn: str
    """ARN of the pipeline."""
    artifact_bucket_name: str
    """Bucket of the pipeline's artifacts."""
    build_project_name: str
    """Name of the CodeBuild project."""
    clone_url_http: str | None
    """HTTPS clone URL of the CodeCommit repository, or None for GitHub."""
    clone_url_ssh: str | None
    """SSH clone URL of the CodeCommit repository, or None for GitHub."""
    pipeline: Codepipeline
    """The pipeline."""
    build_project: CodebuildProject
    """The CodeBuild project."""
    build_role: IamRole
    """Role of the build."""
    pipeline_role: IamRole
    """Role of the pipeline."""
    build_log_group: CloudwatchLogGroup
    """Log group of the builds."""
    artifacts: PrivateBucket
    """The artifact bucket (its ``bucket`` is the S3 bucket)."""
    source_repository: CodecommitRepository | None
    """The CodeCommit repository, or None for GitHub."""
    push_rule: CloudwatchEventRule | None
    """EventBridge rule that starts the pipeline on a push (CodeCommit), or None."""
    trigger_role: IamRole | None
    """Role that rule starts the pipeline with (CodeCommit), or None."""

    def __init__(
        self, scope: Construct, id: str, *, config: PipelineConfig, service: ServiceRef, repository: RepositoryRef
    ) -> None:
        if not isinstance(config, PipelineConfig):
            raise ConfigError("config", config, "must be a PipelineConfig")
        super().__init__(scope, id)
        self.config = config
        tags = dict(config.tags) or None
        name = config.name if config.name is not None else _names.CODEPIPELINE.unique(self)
        self._name = name

        def derived(rule: _names.NameRule, suffix: str, text: str | None = None) -> str:
            return rule.derive(self, text if text is not None else f"{name}-{suffix}", suffix)

        region = DataAwsRegion(self, "region")
        account = DataAwsCallerIdentity(self, "account")
        partition = DataAwsPartition(self, "partition")

        artifacts = PrivateBucket(
            self,
            "artifacts",
            config=PrivateBucketConfig(
                name_prefix=derived(
                    _names.S3_BUCKET_PREFIX, "artifacts", name if is_unresolved(name) else f"{name.lower()}-artifacts"
                ),
                force_destroy=config.force_destroy_artifacts,
                tags=config.tags,
            ),
        )
        build_logs = CloudwatchLogGroup(
            self,
            "build-logs",
            name=derived(_names.LOG_GROUP, "build-logs", f"/codebuild/{name}"),
            retention_in_days=config.log_retention_days,
            tags=tags,
        )
        skip_check(build_logs, "CKV_AWS_158", AWS_MANAGED_KEYS)

        source_action, source_statements = self._source(config, tags)
        artifact_objects = {  # both the build and the pipeline read and write the artifacts
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            "Resource": f"{artifacts.arn}/*",
        }

        build_role = service_role(
            self,
            "build",
            name=derived(_names.IAM_ROLE, "build"),
            service="codebuild.amazonaws.com",
            tags=tags,
            policy_name="build",
            statements=[
                {
                    "Effect": "Allow",
                    "Action": "ecr:GetAuthorizationToken",
                    "Resource": "*",
                },  # AWS supports no narrower resource
                {
                    "Effect": "Allow",
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload",
                        "ecr:PutImage",
                    ],
                    "Resource": repository.arn,
                },
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"{build_logs.arn}:*",
                },
                artifact_objects,
            ],
        )
        project = CodebuildProject(
            self,
            "build",
            name=derived(_names.CODEBUILD_PROJECT, "Build"),
            service_role=build_role.arn,
            build_timeout=config.build_timeout_minutes,
            source={"type": "CODEPIPELINE", "buildspec": literal(config.buildspec)},
            artifacts={"type": "CODEPIPELINE"},
            environment=CodebuildProjectEnvironment(
                type="LINUX_CONTAINER",
                image=config.build_image,
                compute_type=config.compute_type,
                privileged_mode=True,
                environment_variable=[
                    CodebuildProjectEnvironmentEnvironmentVariable(name=name, value=value)
                    for name, value in (
                        ("AWS_ACCOUNT_ID", account.account_id),
                        ("AWS_DEFAULT_REGION", region.name),
                        ("REPOSITORY_URI", repository.url),
                        ("CONTAINER_NAME", service.container_name),
                    )
                ],
            ),
            logs_config={"cloudwatch_logs": {"group_name": build_logs.name, "status": "ENABLED"}},
            tags=tags,
        )
        skip_check(project, "CKV_AWS_147", AWS_MANAGED_KEYS)
        skip_check(project, "CKV_AWS_316", "docker build needs privileged mode; the build role can push to one repository only")

        task_definitions = (
            f"arn:{partition.partition}:ecs:{region.name}:{account.account_id}:task-definition/{service.task_definition_family}:*"
        )
        pipeline_role = service_role(
            self,
            "pipeline",
            name=derived(_names.IAM_ROLE, "pipeline"),
            service="codepipeline.amazonaws.com",
            tags=tags,
            policy_name="pipeline",
            statements=[
                artifact_objects,
                {"Effect": "Allow", "Action": ["s3:GetBucketVersioning", "s3:GetBucketLocation"], "Resource": artifacts.arn},
                *source_statements,
                {"Effect": "Allow", "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"], "Resource": project.arn},
                {"Effect": "Allow", "Action": ["ecs:DescribeServices", "ecs:UpdateService"], "Resource": service.service_arn},
                {"Effect": "Allow", "Action": "ecs:TagResource", "Resource": task_definitions},
                # The ECS deploy action's remaining calls support no resource-level permissions;
                # the task calls are held to this cluster by condition.
                {"Effect": "Allow", "Action": ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"], "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": ["ecs:DescribeTasks", "ecs:ListTasks"],
                    "Resource": "*",
                    "Condition": {"ArnEquals": {"ecs:cluster": service.cluster_arn}},
                },
                {
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": [service.task_role_arn, service.execution_role_arn],
                    "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                },
            ],
        )

        stages = [
            CodepipelineStage(name="Source", action=[source_action]),
            CodepipelineStage(
                name="Build",
                action=[
                    CodepipelineStageAction(
                        name="Build",
                        category="Build",
                        owner="AWS",
                        provider="CodeBuild",
                        version="1",
                        input_artifacts=["source"],
                        output_artifacts=["build"],
                        configuration={"ProjectName": project.name},
                    )
                ],
            ),
        ]
        if config.manual_approval:
            stages.append(
                CodepipelineStage(
                    name="Approve",
                    action=[
                        CodepipelineStageAction(
                            name="Approve",
                            category="Approval",
                            owner="AWS",
                            provider="Manual",
                            version="1",
                        )
                    ],
                )
            )
        stages.append(
            CodepipelineStage(
                name="Deploy",
                action=[
                    CodepipelineStageAction(
                        name="Deploy",
                        category="Deploy",
                        owner="AWS",
                        provider="ECS",
                        version="1",
                        input_artifacts=["build"],
                        configuration={
                            "ClusterName": service.cluster_name,
                            "ServiceName": service.service_name,
                            "FileName": "imagedefinitions.json",
                        },
                    )
                ],
            )
        )
        pipeline = Codepipeline(
            self,
            "pipeline",
            name=name,
            role_arn=pipeline_role.arn,
            pipeline_type="V2",
            artifact_store=[CodepipelineArtifactStore(location=artifacts.name, type="S3")],
            stage=stages,
            tags=tags,
        )
        skip_check(pipeline, "CKV_AWS_219", AWS_MANAGED_KEYS)
        self.push_rule = self.trigger_role = None
        if config.source is SourceKind.CODECOMMIT:
            self._push_trigger(config, pipeline.arn, tags, derived)

        self.pipeline_name = pipeline.name
        self.pipeline_arn = pipeline.arn
        self.artifact_bucket_name = artifacts.name
        self.build_project_name = project.name
        self.pipeline = pipeline
        self.build_project = project
        self.build_role = build_role
        self.pipeline_role = pipeline_role
        self.build_log_group = build_logs
        self.artifacts = artifacts

    def _source(self, config: PipelineConfig, tags: dict | None) -> tuple[CodepipelineStageAction, list[dict[str, Any]]]:
        if config.source is SourceKind.GITHUB:
            self.clone_url_http = self.clone_url_ssh = None
            self.source_repository = None
            action = CodepipelineStageAction(
                name="Source",
                category="Source",
                owner="AWS",
                provider="CodeStarSourceConnection",
                version="1",
                output_artifacts=["source"],
                configuration={
                    "ConnectionArn": config.github_connection_arn,
                    "FullRepositoryId": config.github_repository,
                    "BranchName": config.branch,
                },
            )
            return action, [
                {"Effect": "Allow", "Action": "codestar-connections:UseConnection", "Resource": config.github_connection_arn}
            ]
        repository = CodecommitRepository(
            self,
            "source",
            repository_name=config.repository_name
            if config.repository_name is not None
            else _names.CODECOMMIT_REPOSITORY.unique(self, "source"),
            description=config.repository_description
            if config.repository_description is not None
            else f"Source of the {self._name} pipeline",
            tags=tags,
        )
        self.source_repository = repository
        skip_check(
            repository,
            "CKV2_AWS_37",
            "pushes to the branch deploy through the pipeline, not through pull requests; manual_approval gates releases",
        )
        self._codecommit_arn = repository.arn
        self.clone_url_http = repository.clone_url_http
        self.clone_url_ssh = repository.clone_url_ssh
        action = CodepipelineStageAction(
            name="Source",
            category="Source",
            owner="AWS",
            provider="CodeCommit",
            version="1",
            output_artifacts=["source"],
            configuration={
                "RepositoryName": repository.repository_name,
                "BranchName": config.branch,
                "PollForSourceChanges": "false",
            },
        )
        return action, [
            {
                "Effect": "Allow",
                "Action": [
                    "codecommit:GetBranch",
                    "codecommit:GetCommit",
                    "codecommit:UploadArchive",
                    "codecommit:GetUploadArchiveStatus",
                    "codecommit:CancelUploadArchive",
                ],
                "Resource": repository.arn,
            }
        ]

    def _push_trigger(self, config: PipelineConfig, pipeline_arn: str, tags: dict | None, derived: Any) -> None:
        """Start the pipeline on every push to the branch (EventBridge, instead of polling)."""
        rule = CloudwatchEventRule(
            self,
            "on-push",
            name=derived(_names.EVENT_RULE, "on-push"),
            tags=tags,
            event_pattern=jsonencode(
                {
                    "source": ["aws.codecommit"],
                    "detail-type": ["CodeCommit Repository State Change"],
                    "resources": [self._codecommit_arn],
                    "detail": {
                        "event": ["referenceCreated", "referenceUpdated"],
                        "referenceType": ["branch"],
                        "referenceName": [config.branch],
                    },
                }
            ),
        )
        role = service_role(
            self,
            "trigger",
            name=derived(_names.IAM_ROLE, "trigger"),
            service="events.amazonaws.com",
            tags=tags,
            policy_name="start-pipeline",
            statements=[
                {"Effect": "Allow", "Action": "codepipeline:StartPipelineExecution", "Resource": pipeline_arn},
            ],
        )
        CloudwatchEventTarget(self, "on-push-target", rule=rule.name, arn=pipeline_arn, role_arn=role.arn)
        self.push_rule, self.trigger_role = rule, role
