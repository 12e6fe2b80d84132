"""What only the TodoList app needs from the devkit, handed to it as a ``Project``
(``[tool.cdktf-devkit] project`` in pyproject.toml names it):

- its deployment target: the ``cdktf_fargate.Environment`` the ``TODOLIST_*`` variables describe;
- after ``make up``: seed its table and run its service on loopback against the local AWS;
- before ``make down``: stop that service;
- the two synths the policy scan covers (local and aws).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from cdktf_devkit import pidfile
from cdktf_devkit.deploy import process_report
from cdktf_devkit.errors import PrerequisiteError
from cdktf_devkit.localaws import LOCAL_CREDENTIALS
from cdktf_devkit.ports import port_is_free
from cdktf_devkit.project import Outputs, Project, Target
from cdktf_fargate.environment import LOCAL_HOST, Environment
from cdktf_fargate.errors import ConfigError
from todolist_names import ENV_PREFIX, TABLE_NAME_VARIABLE

ROOT = Path(__file__).resolve().parent
TABLE_OUTPUT = "table_name"
"""The output of the ECS stack that names the todos table (main.py's EcsStack)."""
START_TIMEOUT_S = 30.0


def environment() -> Environment:
    """The environment the ``TODOLIST_*`` variables describe: the devkit's target too."""
    return Environment.from_env(prefix=ENV_PREFIX)


class LocalService:
    """The TodoList service as ``make up`` runs it: gunicorn on 127.0.0.1 against the local AWS table."""

    def __init__(self, root: Path, environment: Environment) -> None:
        self.app_dir = root / "app"
        self.environment = environment
        self.port = port = environment.service_port
        self.pid_file = root / "build" / f"service-{port}.pid"
        self.log_file = root / "build" / f"service-{port}.log"
        self.process: subprocess.Popen | None = None
        """The gunicorn this object started, kept so that stopping it also reaps it."""

    @property
    def url(self) -> str:
        return self.environment.service_url

    def env(self, table_name: str) -> dict[str, str]:
        access_key, secret_key = LOCAL_CREDENTIALS
        return {
            **os.environ,
            TABLE_NAME_VARIABLE: table_name,
            "TODO_AWS_REGION": self.environment.region,
            "TODO_DYNAMODB_ENDPOINT": self.environment.endpoint or "",
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "TODO_BIND": f"{LOCAL_HOST}:{self.port}",
        }

    def seed(self, table_name: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "todo_service.seed"],
            cwd=self.app_dir,
            env=self.env(table_name),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise PrerequisiteError(f"seeding {table_name} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout.strip()

    def start(self, table_name: str) -> None:
        """(Re)start gunicorn exactly as the container runs it, bound to loopback."""
        self.stop()
        if not port_is_free(self.port):
            raise PrerequisiteError(
                f"port {self.port} on {LOCAL_HOST} is in use by another program: stop it or set TODOLIST_SERVICE_PORT"
            )
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                [str(gunicorn), "--config", "gunicorn.conf.py"],
                cwd=self.app_dir,
                env=self.env(table_name),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.process = process
        pidfile.record(self.pid_file, process.pid)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise PrerequisiteError(f"the service exited during start (code {process.returncode}); see {self.log_file}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise PrerequisiteError(f"the service did not become healthy within {START_TIMEOUT_S:.0f} s; see {self.log_file}")

    def stop(self) -> pidfile.Check:
        """Stop the service if its pid file still names it; the result says what was found."""
        check = pidfile.stop(self.pid_file)
        if self.process is not None:
            self.process.wait(timeout=30)  # stopped by its pid file just now, or exited on its own
            self.process = None
        return check


def after_up(target: Target, outputs: Outputs) -> Iterator[str]:
    """Seed the table the ECS stack made and run the service against it (local AWS only)."""
    from main import ECS_STACK

    table_name = outputs.get(ECS_STACK, {}).get(TABLE_OUTPUT)
    if target.local_aws() is None or table_name is None:
        return
    service = LocalService(ROOT, environment())
    yield service.seed(table_name)
    service.start(table_name)
    yield f"service running: {service.url}/todos (log: {service.log_file})"


def before_down(target: Target) -> Iterator[str]:
    service = LocalService(ROOT, environment())
    yield process_report(f"service on {service.url}", service.stop(), service.pid_file)


project = Project(
    target=environment,
    after_up=after_up,
    before_down=before_down,
    # The aws synth needs a state bucket name; nothing is deployed.
    scan_environments={
        "local": {"TODOLIST_ENV": "local"},
        "aws": {"TODOLIST_ENV": "aws", "TODOLIST_STATE_BUCKET": "todolist-tfstate-scan"},
    },
    user_errors=(ConfigError,),
)
