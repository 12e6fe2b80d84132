"""Names that more than one part of the system must agree on. Change them here only.

The construct library knows none of them: main.py passes each to it, so the deployed resources keep
these names.
"""

import json

CONTAINER_NAME = "TodoList-Service"
"""The service's container: the task definition, the pipeline's imagedefinitions.json and the buildspec use it."""

CONTAINER_PORT = 8080
"""Port the Flask service listens on inside the container."""

REPOSITORY_NAME = "todolist/service"
"""ECR repository of the service image."""

CLUSTER_NAME = "TodoList-Cluster"
"""ECS cluster of the service."""

TABLE_NAME = "TodoList-Todos"
"""DynamoDB table of the todos."""

TABLE_NAME_VARIABLE = "TODO_TABLE_NAME"
"""Environment variable that hands the table name to the service container."""

TABLE_ITEM_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan")
"""The item actions the service's DynamoDB store uses; its task role gets exactly these on the table."""

SERVICE_NAME = "TodoList-Service"
"""ECS service; also the base of its task family, log group, roles, security group and load balancer names."""

TABLE_ITEM_ACTIONS_POLICY = "todos-table"
"""Name of the task role's inline policy on the table."""

PIPELINE_NAME = "TodoList-Pipeline"
"""CodePipeline; also the base of its build project, roles, rule, log group and artifact bucket names."""

SOURCE_REPOSITORY_NAME = "TodoList-BackendRepository"
"""CodeCommit repository the pipeline builds from."""

SOURCE_REPOSITORY_DESCRIPTION = "TodoList backend: app/ and pipeline/buildspec.yml"

NETWORK_NAME = "todolist"
"""Prefix of the network's Name tags and flow log names."""

SITE_NAME = "todolist-site"
"""Prefix of the website's bucket, origin access control and headers policy names."""

API_PATH_PATTERN = "/todos*"
"""Paths CloudFront forwards to the API: every route of the service's todos blueprint."""

ENV_PREFIX = "TODOLIST_"
"""Prefix of the environment variables that choose where the app deploys (TODOLIST_ENV, ...)."""

CONFIG_GLOBAL = "TODOLIST_CONFIG"
"""Global the page's generated config.js sets and web/app.js reads."""


def config_js(api_base_url: str) -> str:
    """The page's generated config.js; ``""`` means the API is on the page's own origin."""
    return f"window.{CONFIG_GLOBAL} = {json.dumps({'apiBaseUrl': api_base_url})};\n"
