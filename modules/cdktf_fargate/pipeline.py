"""Pipeline: every push to the source repository builds the image and rolls it out to the service.

Source (CodeCommit by default, or GitHub through a CodeStar connection) -> CodeBuild (tests,
docker build and push, the deploy action's input files) -> optional manual approval -> ECS deploy, or
CodeDeploy blue/green for a ``BLUE_GREEN`` service.
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
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from . import _checks, _iam, _logs, _names
from ._arns import Arns
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
            self._check_codecommit()
        else:
            self._check_github()
        _checks.matches("branch", self.branch, r"[A-Za-z0-9._/-]{1,255}", "must be a git branch name")
        self._check_build()
        _checks.boolean("manual_approval", self.manual_approval)
        _checks.boolean("force_destroy_artifacts", self.force_destroy_artifacts)
        object.__setattr__(self, "tags", _names.check_tags("tags", self.tags))

    def _check_codecommit(self) -> None:
        if self.repository_name is not None:
            _names.CODECOMMIT_REPOSITORY.check("repository_name", self.repository_name)
        if self.repository_description is not None:
            _checks.matches(
                "repository_description",
                self.repository_description,
                r"[^<>]{0,1000}",
                "must be at most 1000 characters, without '<' or '>'",
            )

    def _check_github(self) -> None:
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

    def _check_build(self) -> None:
        """The CodeBuild image, compute type, timeout and log retention."""
        _checks.matches("build_image", self.build_image, r"\S{3,256}", "must be a CodeBuild image name")
        if self.compute_type not in COMPUTE_TYPES:
            raise ConfigError("compute_type", self.compute_type, f"must be one of {', '.join(COMPUTE_TYPES)}")
        _checks.int_in_range("build_timeout_minutes", self.build_timeout_minutes, 5, 480)
        _checks.log_retention_days("log_retention_days", self.log_retention_days)


def _check_buildspec(buildspec: Any) -> None:
    if not isinstance(buildspec, str):
        raise ConfigError("buildspec", buildspec, f"must be the buildspec's text, got {_checks.type_name(buildspec)}")
    if "\n" not in buildspec.strip() and buildspec.strip().endswith((".yml", ".yaml")):
        # A file name is not a secret: show it, and say what to pass instead.
        raise ConfigError("buildspec", buildspec, "must be the buildspec's contents, not its path: pass Path(...).read_text()")
    if "version:" not in buildspec or not any(name in buildspec for name in ("imagedefinitions.json", "imageDetail.json")):
        # The text is not shown: a buildspec can hold credentials.
        raise ConfigError(
            "buildspec",
            None,
            "must be a CodeBuild buildspec (text with 'version:') that writes imagedefinitions.json (or imageDetail.json, blue/green)",
            secret=True,
        )


class Pipeline(Construct):
    """Source -> build -> optional approval -> deploy of one service's image.

    A rolling service is deployed by CodePipeline's ECS action (the build writes ``imagedefinitions.json``);
    a ``BLUE_GREEN`` service by the ``CodeDeployToECS`` action (the build writes ``imageDetail.json``,
    ``taskdef.json`` and ``appspec.yaml``: docs/BLUE_GREEN.md).

    Attributes: ``pipeline_name``, ``pipeline_arn``, ``artifact_bucket_name``, ``build_project_name``,
    ``clone_url_http`` and ``clone_url_ssh`` (CodeCommit only, else None), ``deploys_with_code_deploy``; the
    resources ``pipeline``, ``build_project``, ``build_role``, ``pipeline_role``, ``build_log_group``,
    ``artifacts``, ``source_repository``, ``push_rule``, ``trigger_role``.
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
    deploys_with_code_deploy: bool
    """True when the service is released blue/green by CodeDeploy (the deploy action is ``CodeDeployToECS``)."""

    def __init__(
        self, scope: Construct, id: str, *, config: PipelineConfig, service: ServiceRef, repository: RepositoryRef
    ) -> None:
        if not isinstance(config, PipelineConfig):
            raise ConfigError("config", config, "must be a PipelineConfig")
        release = _Release.of(service)
        _check_build_outputs(config.buildspec, release)
        super().__init__(scope, id)
        self.config = config
        self._name = config.name if config.name is not None else _names.CODEPIPELINE.unique(self)
        self._tags = dict(config.tags) or None
        self._arns = Arns(self)
        self.deploys_with_code_deploy = release.code_deploy
        self.artifacts = self._artifact_bucket()
        self.build_log_group = self._build_log_group()
        source = self._source()
        self.source_repository = source.repository
        self.clone_url_http = source.repository.clone_url_http if source.repository else None
        self.clone_url_ssh = source.repository.clone_url_ssh if source.repository else None
        self.build_role = self._build_role(repository, release, self.artifacts, self.build_log_group)
        self.build_project = self._build_project(repository, service, release, self.build_role, self.build_log_group)
        self.pipeline_role = self._pipeline_role(source.statements, service, release, self.artifacts, self.build_project)
        stages = _stages(source.action, self.build_project, self.config.manual_approval, _deploy_action(service, release))
        self.pipeline = self._pipeline(stages, self.pipeline_role, self.artifacts)
        self.push_rule, self.trigger_role = (
            self._push_trigger(source.repository, self.pipeline) if source.repository else (None, None)
        )
        self.pipeline_name = self.pipeline.name
        self.pipeline_arn = self.pipeline.arn
        self.artifact_bucket_name = self.artifacts.name
        self.build_project_name = self.build_project.name

    def _derived(self, rule: _names.NameRule, suffix: str, text: str | None = None) -> str:
        return rule.derive(self, text if text is not None else f"{self._name}-{suffix}", suffix)

    def _artifact_bucket(self) -> PrivateBucket:
        name = self._name
        prefix = name if is_unresolved(name) else f"{name.lower()}-artifacts"
        return PrivateBucket(
            self,
            "artifacts",
            config=PrivateBucketConfig(
                name_prefix=self._derived(_names.S3_BUCKET_PREFIX, "artifacts", prefix),
                force_destroy=self.config.force_destroy_artifacts,
                tags=self.config.tags,
            ),
        )

    def _build_log_group(self) -> CloudwatchLogGroup:
        return _logs.log_group(
            self,
            "build-logs",
            name=self._derived(_names.LOG_GROUP, "build-logs", f"/codebuild/{self._name}"),
            retention_days=self.config.log_retention_days,
            tags=self._tags,
        )

    def _source(self) -> _Source:
        """The source action, and what the pipeline role needs for it (GitHub or a CodeCommit repository it creates)."""
        config = self.config
        if config.source is SourceKind.GITHUB:
            configuration = {
                "ConnectionArn": config.github_connection_arn,
                "FullRepositoryId": config.github_repository,
                "BranchName": config.branch,
            }
            statement = {
                "Effect": "Allow",
                "Action": "codestar-connections:UseConnection",
                "Resource": config.github_connection_arn,
            }
            return _Source(_source_action("CodeStarSourceConnection", configuration), [statement], None)
        repository = self._codecommit_repository()
        configuration = {
            "RepositoryName": repository.repository_name,
            "BranchName": config.branch,
            "PollForSourceChanges": "false",
        }
        statement = {"Effect": "Allow", "Action": list(CODECOMMIT_SOURCE_ACTIONS), "Resource": repository.arn}
        return _Source(_source_action("CodeCommit", configuration), [statement], repository)

    def _codecommit_repository(self) -> CodecommitRepository:
        config = self.config
        repository = CodecommitRepository(
            self,
            "source",
            repository_name=config.repository_name
            if config.repository_name is not None
            else _names.CODECOMMIT_REPOSITORY.unique(self, "source"),
            description=config.repository_description
            if config.repository_description is not None
            else f"Source of the {self._name} pipeline",
            tags=self._tags,
        )
        skip_check(
            repository,
            "CKV2_AWS_37",
            "pushes to the branch deploy through the pipeline, not through pull requests; manual_approval gates releases",
        )
        return repository

    def _build_role(
        self, repository: RepositoryRef, release: _Release, artifacts: PrivateBucket, log_group: CloudwatchLogGroup
    ) -> IamRole:
        statements = [
            _iam.ecr_login_statement(),
            _iam.ecr_pull_statement(repository.arn, push=True),
            _iam.log_write_statement(log_group.arn),
            _artifact_objects_statement(artifacts),
        ]
        if release.code_deploy:  # the build reads the live task definition to write taskdef.json
            statements.append({"Effect": "Allow", "Action": "ecs:DescribeTaskDefinition", "Resource": "*"})
        return service_role(
            self,
            "build",
            name=self._derived(_names.IAM_ROLE, "build"),
            service="codebuild.amazonaws.com",
            tags=self._tags,
            policy_name="build",
            statements=statements,
        )

    def _build_project(
        self,
        repository: RepositoryRef,
        service: ServiceRef,
        release: _Release,
        role: IamRole,
        log_group: CloudwatchLogGroup,
    ) -> CodebuildProject:
        config = self.config
        project = CodebuildProject(
            self,
            "build",
            name=self._derived(_names.CODEBUILD_PROJECT, "Build"),
            service_role=role.arn,
            build_timeout=config.build_timeout_minutes,
            source={"type": "CODEPIPELINE", "buildspec": literal(config.buildspec)},
            artifacts={"type": "CODEPIPELINE"},
            environment=CodebuildProjectEnvironment(
                type="LINUX_CONTAINER",
                image=config.build_image,
                compute_type=config.compute_type,
                privileged_mode=True,
                environment_variable=[
                    CodebuildProjectEnvironmentEnvironmentVariable(name=n, value=v)
                    for n, v in self._build_variables(repository, service, release)
                ],
            ),
            logs_config={"cloudwatch_logs": {"group_name": log_group.name, "status": "ENABLED"}},
            tags=self._tags,
        )
        skip_check(project, "CKV_AWS_147", AWS_MANAGED_KEYS)
        skip_check(project, "CKV_AWS_316", "docker build needs privileged mode; the build role can push to one repository only")
        return project

    def _build_variables(self, repository: RepositoryRef, service: ServiceRef, release: _Release) -> list[tuple[str, str]]:
        """What the buildspec reads: where to push, which container; for blue/green the task family and port too."""
        variables = [
            ("AWS_ACCOUNT_ID", self._arns.account),
            ("AWS_DEFAULT_REGION", self._arns.region),
            ("REPOSITORY_URI", repository.url),
            ("CONTAINER_NAME", service.container_name),
        ]
        if release.code_deploy:
            variables += [
                ("TASK_DEFINITION_FAMILY", service.task_definition_family),
                ("CONTAINER_PORT", str(release.container_port)),
            ]
        return variables

    def _pipeline_role(
        self,
        source_statements: list[dict[str, Any]],
        service: ServiceRef,
        release: _Release,
        artifacts: PrivateBucket,
        project: CodebuildProject,
    ) -> IamRole:
        statements = [
            _artifact_objects_statement(artifacts),
            {"Effect": "Allow", "Action": ["s3:GetBucketVersioning", "s3:GetBucketLocation"], "Resource": artifacts.arn},
            *source_statements,
            {"Effect": "Allow", "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"], "Resource": project.arn},
            *(self._code_deploy_statements(release) if release.code_deploy else self._ecs_deploy_statements(service)),
            _iam.pass_role_statement([service.task_role_arn, service.execution_role_arn], "ecs-tasks.amazonaws.com"),
        ]
        return service_role(
            self,
            "pipeline",
            name=self._derived(_names.IAM_ROLE, "pipeline"),
            service="codepipeline.amazonaws.com",
            tags=self._tags,
            policy_name="pipeline",
            statements=statements,
        )

    def _ecs_deploy_statements(self, service: ServiceRef) -> list[dict[str, Any]]:
        task_definitions = self._arns.of("ecs", f"task-definition/{service.task_definition_family}:*")
        return [
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
        ]

    def _code_deploy_statements(self, release: _Release) -> list[dict[str, Any]]:
        application, group = release.application_name, release.deployment_group_name
        return [
            {
                "Effect": "Allow",
                "Action": ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
                "Resource": self._arns.of("codedeploy", f"deploymentgroup:{application}/{group}"),
            },
            {
                "Effect": "Allow",
                "Action": [
                    "codedeploy:GetApplication",
                    "codedeploy:GetApplicationRevision",
                    "codedeploy:RegisterApplicationRevision",
                ],
                "Resource": self._arns.of("codedeploy", f"application:{application}"),
            },
            {
                "Effect": "Allow",
                "Action": "codedeploy:GetDeploymentConfig",
                "Resource": self._arns.of("codedeploy", "deploymentconfig:*"),
            },
            # RegisterTaskDefinition supports no resource-level permissions.
            {"Effect": "Allow", "Action": "ecs:RegisterTaskDefinition", "Resource": "*"},
        ]

    def _pipeline(self, stages: list[CodepipelineStage], role: IamRole, artifacts: PrivateBucket) -> Codepipeline:
        pipeline = Codepipeline(
            self,
            "pipeline",
            name=self._name,
            role_arn=role.arn,
            pipeline_type="V2",
            artifact_store=[CodepipelineArtifactStore(location=artifacts.name, type="S3")],
            stage=stages,
            tags=self._tags,
        )
        skip_check(pipeline, "CKV_AWS_219", AWS_MANAGED_KEYS)
        return pipeline

    def _push_trigger(self, repository: CodecommitRepository, pipeline: Codepipeline) -> tuple[CloudwatchEventRule, IamRole]:
        """Start the pipeline on every push to the branch (EventBridge, instead of polling)."""
        pattern = {
            "source": ["aws.codecommit"],
            "detail-type": ["CodeCommit Repository State Change"],
            "resources": [repository.arn],
            "detail": {
                "event": ["referenceCreated", "referenceUpdated"],
                "referenceType": ["branch"],
                "referenceName": [self.config.branch],
            },
        }
        rule = CloudwatchEventRule(
            self, "on-push", name=self._derived(_names.EVENT_RULE, "on-push"), tags=self._tags, event_pattern=jsonencode(pattern)
        )
        role = service_role(
            self,
            "trigger",
            name=self._derived(_names.IAM_ROLE, "trigger"),
            service="events.amazonaws.com",
            tags=self._tags,
            policy_name="start-pipeline",
            statements=[{"Effect": "Allow", "Action": "codepipeline:StartPipelineExecution", "Resource": pipeline.arn}],
        )
        CloudwatchEventTarget(self, "on-push-target", rule=rule.name, arn=pipeline.arn, role_arn=role.arn)
        return rule, role


CODECOMMIT_SOURCE_ACTIONS = (
    "codecommit:GetBranch",
    "codecommit:GetCommit",
    "codecommit:UploadArchive",
    "codecommit:GetUploadArchiveStatus",
    "codecommit:CancelUploadArchive",
)
ROLLING_OUTPUTS = ("imagedefinitions.json",)
BLUE_GREEN_OUTPUTS = ("imageDetail.json", "taskdef.json", "appspec.yaml")
"""What the build writes for a ``BLUE_GREEN`` service (docs/BLUE_GREEN.md): the image, and the task
definition and AppSpec templates with the ``<IMAGE1_NAME>`` and ``<TASK_DEFINITION>`` placeholders."""


@dataclass(frozen=True)
class _Release:
    """How the service is released, as far as the pipeline is concerned."""

    code_deploy: bool
    application_name: str | None = None
    deployment_group_name: str | None = None
    container_port: int | None = None

    @classmethod
    def of(cls, service: ServiceRef) -> _Release:
        application = getattr(service, "code_deploy_application_name", None)
        if application is None:
            return cls(False)
        group = getattr(service, "code_deploy_deployment_group_name", None)
        return cls(True, application, group, getattr(service, "task_definition", None) and service.task_definition.container_port)

    @property
    def outputs(self) -> tuple[str, ...]:
        return BLUE_GREEN_OUTPUTS if self.code_deploy else ROLLING_OUTPUTS


@dataclass(frozen=True)
class _Source:
    action: CodepipelineStageAction
    statements: list[dict[str, Any]]
    """What the pipeline role needs to run the source action."""
    repository: CodecommitRepository | None
    """The CodeCommit repository whose pushes start the pipeline, or None (GitHub starts it itself)."""


def _check_build_outputs(buildspec: str, release: _Release) -> None:
    missing = [name for name in release.outputs if name not in buildspec]
    if missing:
        strategy = "a BLUE_GREEN service (CodeDeployToECS)" if release.code_deploy else "a rolling service (ECS deploy)"
        # The text is not shown: a buildspec can hold credentials.
        raise ConfigError(
            "buildspec",
            None,
            f"must write {', '.join(release.outputs)} for {strategy}; it does not mention {', '.join(missing)} (docs/BLUE_GREEN.md)",
            secret=True,
        )


def _source_action(provider: str, configuration: dict[str, str]) -> CodepipelineStageAction:
    return CodepipelineStageAction(
        name="Source",
        category="Source",
        owner="AWS",
        provider=provider,
        version="1",
        output_artifacts=["source"],
        configuration=configuration,
    )


def _artifact_objects_statement(artifacts: PrivateBucket) -> dict[str, Any]:
    """Both the build and the pipeline read and write the artifacts."""
    actions = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    return {"Effect": "Allow", "Action": actions, "Resource": f"{artifacts.arn}/*"}


def _stages(
    source_action: CodepipelineStageAction,
    project: CodebuildProject,
    manual_approval: bool,
    deploy_action: CodepipelineStageAction,
) -> list[CodepipelineStage]:
    """Source -> Build -> (Approve) -> Deploy."""
    stages = [CodepipelineStage(name="Source", action=[source_action]), _build_stage(project.name)]
    if manual_approval:
        approve = CodepipelineStageAction(name="Approve", category="Approval", owner="AWS", provider="Manual", version="1")
        stages.append(CodepipelineStage(name="Approve", action=[approve]))
    stages.append(CodepipelineStage(name="Deploy", action=[deploy_action]))
    return stages


def _build_stage(project_name: str) -> CodepipelineStage:
    build = CodepipelineStageAction(
        name="Build",
        category="Build",
        owner="AWS",
        provider="CodeBuild",
        version="1",
        input_artifacts=["source"],
        output_artifacts=["build"],
        configuration={"ProjectName": project_name},
    )
    return CodepipelineStage(name="Build", action=[build])


def _deploy_action(service: ServiceRef, release: _Release) -> CodepipelineStageAction:
    if not release.code_deploy:
        configuration = {
            "ClusterName": service.cluster_name,
            "ServiceName": service.service_name,
            "FileName": "imagedefinitions.json",
        }
        provider = "ECS"
    else:
        configuration = {
            "ApplicationName": release.application_name,
            "DeploymentGroupName": release.deployment_group_name,
            "TaskDefinitionTemplateArtifact": "build",
            "TaskDefinitionTemplatePath": "taskdef.json",
            "AppSpecTemplateArtifact": "build",
            "AppSpecTemplatePath": "appspec.yaml",
            "Image1ArtifactName": "build",
            "Image1ContainerName": "IMAGE1_NAME",
        }
        provider = "CodeDeployToECS"
    return CodepipelineStageAction(
        name="Deploy",
        category="Deploy",
        owner="AWS",
        provider=provider,
        version="1",
        input_artifacts=["build"],
        configuration=configuration,
    )
