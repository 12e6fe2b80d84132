"""`make up` end to end: its own local AWS, every stack deployed with the cdktf CLI, the service
running on loopback against the table; then a diff of every stack, destroy, and `make down`.

This module drives ``python -m cdktf_devkit`` (what the Makefile runs) on free ports, so it
never touches a local AWS or service the user started.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from cdktf_devkit import toolchain
from cdktf_devkit.ports import free_port
from cdktf_devkit.project import terraform_env
from main import CICD_STACK, ECR_STACK, ECS_STACK, NETWORK_STACK, WEBSITE_STACK
from tests.conftest import ROOT, boto3_client
from todolist_devkit import LocalService, environment
from todolist_names import CLUSTER_NAME, CONTAINER_NAME, ENV_PREFIX, REPOSITORY_NAME, TABLE_NAME

pytestmark = pytest.mark.e2e

STACKS = (NETWORK_STACK, ECR_STACK, ECS_STACK, CICD_STACK, WEBSITE_STACK)


def environment_of(variables):
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, variables):
        return environment()


class Up:
    def __init__(self, tmp_path):
        self.synth_dir = tmp_path / "cdktf.out"
        variables = {
            f"{ENV_PREFIX}ENV": "local",
            f"{ENV_PREFIX}LOCAL_AWS_PORT": str(free_port()),
            f"{ENV_PREFIX}SERVICE_PORT": str(free_port()),
        }
        self.environment = environment_of(variables)
        # The devkit gives Terraform the target's variables itself; plain terraform here needs them added.
        self.env = {**toolchain.load(ROOT).env(), **variables, "CDKTF_DEVKIT_OUT": str(self.synth_dir)}
        self.terraform_env = {**self.env, **terraform_env(self.environment)}
        self.service_port = self.environment.service_port

    def devkit(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "cdktf_devkit", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1500,
        )
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-5000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    @property
    def outputs(self) -> dict:
        return json.loads((ROOT / "build" / f"outputs-local-{self.environment.local_port}.json").read_text())

    def client(self, service: str):
        return boto3_client(self.environment, service)


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    state = Up(tmp_path_factory.mktemp("up"))
    state.log = state.devkit("up")
    yield state
    state.devkit("down")


def our_vpcs(up):
    return up.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["todolist-vpc"]}])["Vpcs"]


def test_up_reports_progress_per_stack_and_the_outputs(up):
    assert "local AWS started" in up.log and f"state bucket {up.environment.state_bucket} created" in up.log
    for stack in STACKS:
        assert f"] {stack}: deploying" in up.log and f"==> {stack}: deployed in " in up.log
        assert "Apply complete!" in (ROOT / "build" / "logs" / f"{stack}-apply.log").read_text()
    assert "==> [1/5] TodoList-" in up.log and "==> [5/5] TodoList-" in up.log
    synthesized = [json.loads((up.synth_dir / "stacks" / stack / "cdk.tf.json").read_text()) for stack in STACKS]
    resources = sum(len(of_type) for stack in synthesized for of_type in stack["resource"].values())
    assert "==> deployed 5 stacks in " in up.log and f"({resources} added, 0 changed, 0 destroyed)" in up.log
    assert "LoadBalancerDNS = " in up.log and "page_url = " in up.log and "service running: http://127.0.0.1:" in up.log


def test_up_prints_what_matters_and_leaves_terraforms_output_in_the_logs(up):
    lines = up.log.splitlines()
    assert len(lines) <= 80, up.log
    assert not [line for line in lines if "Creation complete" in line or "terraform init" in line or "\x1b[" in line]


def test_network_outputs_describe_the_deployed_vpc(up):
    outputs = up.outputs[NETWORK_STACK]
    (vpc,) = our_vpcs(up)
    assert (outputs["vpc_id"], outputs["vpc_cidr"]) == (vpc["VpcId"], "10.0.0.0/16")
    subnets = up.client("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(outputs["public_subnet_ids"] + outputs["private_subnet_ids"]) == sorted(s["SubnetId"] for s in subnets)


def test_repository_is_deployed_with_scan_on_push(up):
    (repository,) = up.client("ecr").describe_repositories(repositoryNames=[REPOSITORY_NAME])["repositories"]
    assert up.outputs[ECR_STACK]["repository_url"] == repository["repositoryUri"]
    assert repository["imageScanningConfiguration"]["scanOnPush"] is True


def test_service_runs_behind_the_load_balancer_named_in_the_outputs(up):
    outputs = up.outputs[ECS_STACK]
    (nlb,) = up.client("elbv2").describe_load_balancers()["LoadBalancers"]
    assert outputs["LoadBalancerDNS"] == nlb["DNSName"] and nlb["Type"] == "network"
    ecs = up.client("ecs")
    (service,) = ecs.describe_services(cluster=CLUSTER_NAME, services=[outputs["service_name"]])["services"]
    assert service["loadBalancers"][0]["containerName"] == CONTAINER_NAME
    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert task["containerDefinitions"][0]["image"] == f"{up.outputs[ECR_STACK]['repository_url']}:latest"


def test_table_is_deployed_and_seeded(up):
    assert up.outputs[ECS_STACK]["table_name"] == TABLE_NAME
    items = up.client("dynamodb").scan(TableName=TABLE_NAME)["Items"]
    assert {int(i["id"]["N"]) for i in items} >= {1, 2, 3}


def test_local_service_serves_the_todos_from_the_table(up):
    with urllib.request.urlopen(f"http://127.0.0.1:{up.service_port}/todos", timeout=5) as response:
        todos = json.loads(response.read())
    assert [t["id"] for t in todos] == [1, 2, 3]


def test_pipeline_is_deployed_with_both_clone_urls(up):
    outputs = up.outputs[CICD_STACK]
    assert outputs["clone_url_http"].startswith("https://") and outputs["clone_url_ssh"].startswith("ssh://")
    pipeline = up.client("codepipeline").get_pipeline(name=outputs["pipeline_name"])["pipeline"]
    assert [s["name"] for s in pipeline["stages"]] == ["Source", "Build", "Deploy"]
    (project,) = up.client("codebuild").batch_get_projects(
        names=[pipeline["stages"][1]["actions"][0]["configuration"]["ProjectName"]]
    )["projects"]
    variables = {v["name"]: v["value"] for v in project["environment"]["environmentVariables"]}
    assert variables["CONTAINER_NAME"] == CONTAINER_NAME
    assert variables["REPOSITORY_URI"] == up.outputs[ECR_STACK]["repository_url"]


def test_website_bucket_is_private_and_read_only_by_its_distribution(up):
    outputs = up.outputs[WEBSITE_STACK]
    s3 = up.client("s3")
    block = s3.get_public_access_block(Bucket=outputs["bucket_name"])["PublicAccessBlockConfiguration"]
    assert all(block.values())
    (statement,) = json.loads(s3.get_bucket_policy(Bucket=outputs["bucket_name"])["Policy"])["Statement"]
    distribution = up.client("cloudfront").get_distribution(Id=outputs["distribution_id"])["Distribution"]
    assert statement["Condition"]["StringEquals"]["AWS:SourceArn"] == distribution["ARN"]
    assert outputs["site_url"] == f"https://{distribution['DomainName']}/"


def test_website_files_have_their_content_types_and_the_service_address(up):
    bucket = up.outputs[WEBSITE_STACK]["bucket_name"]
    s3 = up.client("s3")
    types = {
        key: s3.head_object(Bucket=bucket, Key=key)["ContentType"] for key in ("index.html", "app.js", "style.css", "config.js")
    }
    assert types["index.html"].startswith("text/html") and types["style.css"].startswith("text/css")
    assert types["app.js"].startswith("text/javascript") and types["config.js"].startswith("text/javascript")
    config = s3.get_object(Bucket=bucket, Key="config.js")["Body"].read().decode()
    assert f'"apiBaseUrl": "http://127.0.0.1:{up.service_port}"' in config


def test_state_of_every_stack_is_in_the_state_bucket(up):
    keys = {o["Key"] for o in up.client("s3").list_objects_v2(Bucket=up.environment.state_bucket)["Contents"]}
    assert {f"{stack}/terraform.tfstate" for stack in STACKS} <= keys


def test_second_diff_shows_no_changes_in_any_stack(up):
    log = up.devkit("diff")
    assert log.count(": planned in ") == len(STACKS) and log.count("(no changes)") == len(STACKS), log[-3000:]
    assert "==> planned 5 stacks in " in log and "(0 to add, 0 to change, 0 to destroy)" in log


def test_plain_terraform_of_every_stack_plans_no_changes_against_the_deployed_state(up, tmp_path):
    """The exit path, end to end: the HCL that `make hcl` writes manages the same resources."""
    from cdktf_devkit import hcl

    tools = toolchain.load(ROOT)

    def init_and_plan(stack_dir):
        for command in (["init", "-input=false", "-no-color"], ["plan", "-detailed-exitcode", "-input=false", "-no-color"]):
            result = subprocess.run(
                [tools.terraform, *command], cwd=stack_dir, env=up.terraform_env, capture_output=True, text=True, timeout=600
            )
            if result.returncode != 0:
                return f"{stack_dir.name}: terraform {command[0]} exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
        return None

    with ThreadPoolExecutor() as pool:  # the stacks are independent here: plan them at once
        failures = [f for f in pool.map(init_and_plan, [p.parent for p in hcl.write_stacks(tools, up.synth_dir, tmp_path)]) if f]
    assert failures == []


def test_a_pipeline_deploy_is_not_undone_by_terraform(up):
    """Do what the ECS deploy action does (new task definition revision, service update), then diff."""
    ecs = up.client("ecs")
    outputs = up.outputs[ECS_STACK]
    (service,) = ecs.describe_services(cluster=CLUSTER_NAME, services=[outputs["service_name"]])["services"]
    current = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    container = {**current["containerDefinitions"][0], "image": f"{up.outputs[ECR_STACK]['repository_url']}:0123456789ab"}
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory")
    revision = ecs.register_task_definition(containerDefinitions=[container], **{k: current[k] for k in keep})["taskDefinition"]
    ecs.update_service(cluster=CLUSTER_NAME, service=outputs["service_name"], taskDefinition=revision["taskDefinitionArn"])

    log = up.devkit("diff", ECS_STACK)
    assert f"{ECS_STACK}: planned in " in log and "(no changes)" in log, log[-3000:]
    (service,) = ecs.describe_services(cluster=CLUSTER_NAME, services=[outputs["service_name"]])["services"]
    assert service["taskDefinition"] == revision["taskDefinitionArn"]


# --- README, "Using the cdktf CLI directly": the block as written, against these stacks ------------
# (tests/test_readme_commands.py reads the block from README.md and runs it; it replaces the earlier
# list/output test here. It runs after the pipeline deploy above, so the deploy of TodoList-ECS must
# also leave that rollout alone.)


def test_readme_cdktf_cli_block_works_as_written(up, tmp_path):
    """Every line in one shell, after what `make check` runs, in a copy of the project (so no user's
    cdktf.out or build/ is touched), aimed at this module's local AWS by the TODOLIST_* variables."""
    import shlex

    from tests.test_readme_commands import run_cli_block

    variables = {
        f"{ENV_PREFIX}ENV": "local",
        f"{ENV_PREFIX}LOCAL_AWS_PORT": str(up.environment.local_port),
        f"{ENV_PREFIX}SERVICE_PORT": str(up.service_port),
    }
    outcomes = run_cli_block(tmp_path, variables)
    assert {command: output[-3000:] for command, (status, output) in outcomes.items() if status != 0} == {}
    output_of = {shlex.split(command)[1]: output for command, (_, output) in outcomes.items() if command.startswith("cdktf ")}
    assert all(stack in output_of["list"] for stack in STACKS), output_of["list"]
    assert "No changes." in output_of["diff"], output_of["diff"][-3000:]
    deployed = output_of["deploy"]
    assert "No changes." in deployed or "0 added, 0 changed, 0 destroyed" in deployed, deployed[-3000:]
    assert up.outputs[ECS_STACK]["LoadBalancerDNS"] in output_of["output"], output_of["output"][-3000:]


@pytest.fixture(scope="module")
def browser(output_dir, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,800",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def page_state(browser, state):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda d: d.find_element("tag name", "body").get_attribute("data-state") == state)


def shown_todos(browser):
    """(text, checked) of every listed todo, read in one step so a re-render cannot interleave."""
    script = "return [...document.querySelectorAll('#todos li')].map(li => [li.querySelector('.text').textContent, li.querySelector('input').checked]);"
    return [tuple(item) for item in browser.execute_script(script)]


def test_page_in_a_browser_lists_the_seed_todos(up, browser, output_dir):
    browser.get(up.outputs[WEBSITE_STACK]["page_url"])
    page_state(browser, "loaded")
    assert shown_todos(browser)[:3] == [
        ("프로젝트 계획 수립하기", False),
        ("디자인 시안 검토하기", True),
        ("API 문서 작성하기", False),
    ]
    browser.save_screenshot(str(output_dir / "website-seed.png"))


def test_page_adds_a_todo_that_is_still_there_after_a_reload(up, browser, output_dir):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element("id", "new-text").send_keys("브라우저에서 추가하기")
    browser.find_element("css selector", "#add-form button").click()
    WebDriverWait(browser, 20).until(lambda d: ("브라우저에서 추가하기", False) in shown_todos(d))
    browser.refresh()
    page_state(browser, "loaded")
    assert ("브라우저에서 추가하기", False) in shown_todos(browser)
    browser.save_screenshot(str(output_dir / "website-added.png"))


def test_page_says_so_when_the_service_cannot_be_reached(up, browser, output_dir):
    from cdktf_devkit.pidfile import Status

    stopped = LocalService(ROOT, up.environment).stop()
    assert stopped.status is Status.OURS, stopped
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{up.service_port}/todos", timeout=5)
    browser.refresh()
    page_state(browser, "error")
    message = browser.find_element("id", "error")
    assert message.is_displayed() and "Cannot reach the TodoList API" in message.text
    assert shown_todos(browser) == []
    browser.save_screenshot(str(output_dir / "website-service-down.png"))


def test_destroy_leaves_nothing_behind(up):
    up.devkit("destroy")
    assert our_vpcs(up) == []
    assert up.client("ecr").describe_repositories()["repositories"] == []
    assert up.client("elbv2").describe_load_balancers()["LoadBalancers"] == []
    assert up.client("dynamodb").list_tables()["TableNames"] == []
    assert up.client("cloudfront").list_distributions()["DistributionList"].get("Items", []) == []
    assert up.client("codepipeline").list_pipelines()["pipelines"] == []
    assert up.client("codebuild").list_projects()["projects"] == []
    with pytest.raises(up.client("codecommit").exceptions.RepositoryDoesNotExistException):
        up.client("codecommit").get_repository(repositoryName="TodoList-BackendRepository")
