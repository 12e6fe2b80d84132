"""The local/aws switch, and the one model of a deployment target the library and the devkit share."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cdktf_devkit.errors import PrerequisiteError
from cdktf_devkit.localaws import LocalAwsSettings
from cdktf_devkit.project import AwsAccount, Project, Target, target_of
from cdktf_fargate import ConfigError, Environment, EnvironmentKind
from cdktf_fargate.environment import DEFAULT_PREFIX, REQUIRED_TERRAFORM
from main import NETWORK_STACK
from todolist_names import ENV_PREFIX

pytestmark = pytest.mark.unit


def synthesize(environment, outdir):
    import json

    from main import build_app

    build_app(environment, outdir=str(outdir)).synth()

    class Synth:
        stacks = {p.parent.name: json.loads(p.read_text()) for p in sorted((outdir / "stacks").glob("*/cdk.tf.json"))}

        @staticmethod
        def stack_dir(name):
            return outdir / "stacks" / name

    return Synth


def test_local_is_the_default():
    environment = Environment.from_env({})
    assert environment.kind is EnvironmentKind.LOCAL
    assert environment.endpoint == "http://127.0.0.1:5050"


def test_the_library_default_prefix_is_neutral():
    environment = Environment.from_env({"CDKTF_FARGATE_LOCAL_AWS_PORT": "6060", "TODOLIST_LOCAL_AWS_PORT": "7070"})
    assert DEFAULT_PREFIX == "CDKTF_FARGATE_" and environment.local_port == 6060
    assert environment.state_bucket == "cdktf-fargate-tfstate-local"


def test_an_app_reads_its_own_variables_and_gets_its_own_local_state_bucket():
    environment = Environment.from_env({"MYAPP_LOCAL_AWS_PORT": "6060", "CDKTF_FARGATE_LOCAL_AWS_PORT": "7070"}, prefix="MYAPP_")
    assert (environment.local_port, environment.state_bucket, environment.variable("ENV")) == (
        6060,
        "myapp-tfstate-local",
        "MYAPP_ENV",
    )


def test_the_todolist_app_keeps_its_variables_and_state_bucket():
    environment = Environment.from_env({"TODOLIST_LOCAL_AWS_PORT": "6060"}, prefix=ENV_PREFIX)
    assert (environment.local_port, environment.state_bucket) == (6060, "todolist-tfstate-local")


def test_a_bad_prefix_is_refused():
    with pytest.raises(ConfigError, match="prefix: got 'myapp'; must be uppercase"):
        Environment.from_env({}, prefix="myapp")


def test_every_stack_requires_terraform_1_10(synth):
    assert REQUIRED_TERRAFORM == ">= 1.10"
    for stack in synth.stacks.values():
        assert stack["terraform"]["required_version"] == ">= 1.10"
        assert stack["terraform"]["backend"]["s3"]["use_lockfile"] is True


def test_aws_synth_contains_no_loopback_address(tmp_path):
    environment = Environment.from_env(
        {"TODOLIST_ENV": "aws", "TODOLIST_STATE_BUCKET": "acme-tfstate", "TODOLIST_REGION": "eu-west-1"}, prefix=ENV_PREFIX
    )
    synth = synthesize(environment, tmp_path / "out")
    for name, stack in synth.stacks.items():
        text = (synth.stack_dir(name) / "cdk.tf.json").read_text()
        assert "127.0.0.1" not in text and "localhost" not in text
        assert "endpoints" not in stack["provider"]["aws"][0]
        assert stack["terraform"]["backend"]["s3"]["bucket"] == "acme-tfstate"
    assert synth.stacks[NETWORK_STACK]["provider"]["aws"][0]["region"] == "eu-west-1"


def test_aws_without_a_state_bucket_says_how_to_get_one():
    with pytest.raises(ConfigError, match="TODOLIST_STATE_BUCKET: got None; is required when TODOLIST_ENV=aws"):
        Environment.from_env({"TODOLIST_ENV": "aws"}, prefix=ENV_PREFIX)


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"TODOLIST_ENV": "staging"}, "TODOLIST_ENV"),
        ({"TODOLIST_REGION": "mars-1"}, "TODOLIST_REGION"),
        ({"TODOLIST_LOCAL_AWS_PORT": "http"}, "TODOLIST_LOCAL_AWS_PORT"),
        ({"TODOLIST_LOCAL_AWS_PORT": "80"}, "TODOLIST_LOCAL_AWS_PORT"),
        ({"TODOLIST_STATE_BUCKET": "Bad_Bucket"}, "TODOLIST_STATE_BUCKET"),
        ({"TODOLIST_STATE_BUCKET": "192.168.1.10"}, "TODOLIST_STATE_BUCKET"),
        ({"TODOLIST_STATE_BUCKET": "state..bucket"}, "TODOLIST_STATE_BUCKET"),
        ({"TODOLIST_STATE_BUCKET": "sthree-state"}, "TODOLIST_STATE_BUCKET"),
    ],
)
def test_bad_environment_variables_are_named(variables, field):
    with pytest.raises(ConfigError) as caught:
        Environment.from_env(variables, prefix=ENV_PREFIX)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got ")


def test_an_environment_built_directly_gets_the_state_bucket_of_its_prefix():
    assert Environment(variable_prefix="MYAPP_").state_bucket == "myapp-tfstate-local"
    assert Environment().state_bucket == "cdktf-fargate-tfstate-local"


def test_a_local_stack_gets_the_devkits_provider_and_backend_settings(synth, environment):
    """The local AWS's settings are written once, in the devkit: the library's local stacks carry them as they are."""
    local = environment.local_aws()
    assert local == LocalAwsSettings(
        port=environment.local_port, region=environment.region, state_bucket=environment.state_bucket
    )
    for name, stack in synth.stacks.items():
        assert stack["provider"]["aws"] == [local.provider_settings()]
        assert stack["terraform"]["backend"]["s3"] == {
            **local.backend_settings(f"{name}/terraform.tfstate"),
            "use_lockfile": True,
        }


def test_the_environment_is_the_devkits_target():
    local = Environment.from_env({"MYAPP_LOCAL_AWS_PORT": "6060"}, prefix="MYAPP_")
    aws = Environment.from_env({"MYAPP_ENV": "aws", "MYAPP_STATE_BUCKET": "myapp-tfstate"}, prefix="MYAPP_")
    assert isinstance(local, Target) and isinstance(aws, Target)
    assert local.local_aws() == LocalAwsSettings(port=6060, state_bucket="myapp-tfstate-local")
    assert local.endpoint == "http://127.0.0.1:6060"
    assert (aws.local_aws(), aws.endpoint) == (None, None)
    assert isinstance(LocalAwsSettings(port=6060), Target) and isinstance(AwsAccount(state_bucket="b"), Target)


def test_local_without_the_devkit_says_what_to_install(monkeypatch):
    for module in ("cdktf_devkit", "cdktf_devkit.localaws"):
        monkeypatch.setitem(sys.modules, module, None)
    environment = Environment.from_env({}, prefix="MYAPP_")
    with pytest.raises(
        ConfigError, match="MYAPP_ENV: got 'local'; needs cdktf-devkit, .* or set MYAPP_ENV=aws and MYAPP_STATE_BUCKET"
    ):
        environment.local_aws()
    assert Environment.from_env({"MYAPP_ENV": "aws", "MYAPP_STATE_BUCKET": "myapp-tfstate"}, prefix="MYAPP_").local_aws() is None


def test_importing_the_local_aws_settings_costs_a_synth_nothing_but_the_standard_library():
    code = "import sys, cdktf_devkit.localaws; print(sorted({'psutil', 'urllib.request', 'boto3', 'moto'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_devkit_takes_a_target_from_the_project_and_says_when_a_hook_returns_something_else():
    assert target_of(Project()) == LocalAwsSettings(port=5050, state_bucket="tfstate-local")
    assert isinstance(target_of(Project(target=lambda: Environment.from_env({}, prefix="MYAPP_"))), Environment)
    with pytest.raises(PrerequisiteError, match="returned a dict, not a cdktf_devkit.project.Target"):
        target_of(Project(target=lambda: {"region": "us-east-1"}))
