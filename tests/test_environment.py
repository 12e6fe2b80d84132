"""The local/aws switch."""

from __future__ import annotations

import pytest

from main import NETWORK_STACK
from tests.conftest import synthesize
from cdktf_fargate import ConfigError, Environment, Target

pytestmark = pytest.mark.unit


def test_local_is_the_default():
    environment = Environment.from_env({})
    assert environment.target is Target.LOCAL
    assert environment.endpoint == "http://127.0.0.1:5050"


def test_aws_synth_contains_no_loopback_address(tmp_path):
    environment = Environment.from_env({"TODOLIST_ENV": "aws", "TODOLIST_STATE_BUCKET": "acme-tfstate", "TODOLIST_REGION": "eu-west-1"})
    synth = synthesize(environment, tmp_path / "out")
    for name, stack in synth.stacks.items():
        text = (synth.stack_dir(name) / "cdk.tf.json").read_text()
        assert "127.0.0.1" not in text and "localhost" not in text
        assert "endpoints" not in stack["provider"]["aws"][0]
        assert stack["terraform"]["backend"]["s3"]["bucket"] == "acme-tfstate"
    assert synth.stacks[NETWORK_STACK]["provider"]["aws"][0]["region"] == "eu-west-1"


def test_aws_without_a_state_bucket_says_how_to_get_one():
    with pytest.raises(ConfigError, match="TODOLIST_STATE_BUCKET: got None; is required when TODOLIST_ENV=aws"):
        Environment.from_env({"TODOLIST_ENV": "aws"})


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"TODOLIST_ENV": "staging"}, "TODOLIST_ENV"),
        ({"TODOLIST_REGION": "mars-1"}, "TODOLIST_REGION"),
        ({"TODOLIST_LOCAL_AWS_PORT": "http"}, "TODOLIST_LOCAL_AWS_PORT"),
        ({"TODOLIST_LOCAL_AWS_PORT": "80"}, "TODOLIST_LOCAL_AWS_PORT"),
        ({"TODOLIST_STATE_BUCKET": "Bad_Bucket"}, "TODOLIST_STATE_BUCKET"),
    ],
)
def test_bad_environment_variables_are_named(variables, field):
    with pytest.raises(ConfigError) as caught:
        Environment.from_env(variables)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: got ")
