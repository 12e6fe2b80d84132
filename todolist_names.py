"""Names that more than one part of the system must agree on. Change them here only."""

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
