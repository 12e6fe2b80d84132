"""The construct library installs like any package and another team's app synthesizes with it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """pip install of this repository (a built wheel, not editable) into a directory outside it."""
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT / "packages" / "cdktf-fargate")], check=True, timeout=600)
    return target


def test_install_holds_the_typed_package(installed):
    package = installed / "cdktf_fargate"
    assert (package / "py.typed").is_file() and (package / "fargate_service.py").is_file()
    assert not (package / "fargate_service.py").is_symlink()


def test_example_app_synthesizes_from_the_installed_library(installed, tmp_path):
    workdir = tmp_path / "orders"
    shutil.copytree(ROOT / "examples" / "orders", workdir)
    env = {**os.environ, "PYTHONPATH": str(installed), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    where = subprocess.run([sys.executable, "-c", "import cdktf_fargate; print(cdktf_fargate.__file__)"], cwd=workdir, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(installed))
    subprocess.run([sys.executable, "main.py", str(workdir / "out")], cwd=workdir, env=env, check=True, timeout=600)

    stack = json.loads((workdir / "out" / "stacks" / "Orders-Service" / "cdk.tf.json").read_text())
    (task,) = stack["resource"]["aws_ecs_task_definition"].values()
    (container,) = json.loads(task["container_definitions"])
    assert (container["name"], container["portMappings"][0]["containerPort"]) == ("orders-api", 9000)
    assert container["image"].endswith(":1.4.2")
    (repository,) = stack["resource"]["aws_ecr_repository"].values()
    assert repository["name"] == "orders/api"
    assert "aws_vpc" not in stack["resource"]
    (service,) = stack["resource"]["aws_ecs_service"].values()
    assert service["network_configuration"]["subnets"] == ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102"]
