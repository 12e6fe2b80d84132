"""The TodoList service run locally by ``make up``: gunicorn on 127.0.0.1 against the local AWS table."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cdktf_fargate.environment import LOCAL_CREDENTIALS, LOCAL_HOST, Environment
from todolist_names import TABLE_NAME_VARIABLE

from . import pidfile
from .errors import PrerequisiteError
from .toolchain import port_is_free

START_TIMEOUT_S = 30.0


class LocalService:
    def __init__(self, root: Path, environment: Environment) -> None:
        self.app_dir = root / "app"
        self.environment = environment
        self.port = port = environment.service_port
        self.pid_file = root / "build" / f"service-{port}.pid"
        self.log_file = root / "build" / f"service-{port}.log"

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
            [sys.executable, "-m", "todo_service.seed"], cwd=self.app_dir, env=self.env(table_name),
            capture_output=True, text=True, timeout=120,
        )
        if result.returncode != 0:
            raise PrerequisiteError(f"seeding {table_name} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout.strip()

    def start(self, table_name: str) -> None:
        """(Re)start gunicorn exactly as the container runs it, bound to loopback."""
        self.stop()
        if not port_is_free(self.port):
            raise PrerequisiteError(f"port {self.port} on {LOCAL_HOST} is in use by another program: stop it or set TODOLIST_SERVICE_PORT")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                [str(gunicorn), "--config", "gunicorn.conf.py"], cwd=self.app_dir, env=self.env(table_name),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
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

    def stop(self) -> bool:
        return pidfile.stop(self.pid_file)
