"""The local/aws switch."""

from __future__ import annotations

import pytest

from cdktf_fargate import ConfigError, Environment, Target
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
    assert environment.target is Target.LOCAL
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


def test_the_local_endpoints_are_the_ones_the_devkit_serves():
    from cdktf_devkit.localaws import PROVIDER_ENDPOINT_SERVICES
    from cdktf_fargate.environment import LOCAL_SERVICES

    assert sorted(LOCAL_SERVICES) == sorted(PROVIDER_ENDPOINT_SERVICES)
