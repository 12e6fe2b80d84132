"""The local AWS: a moto server on 127.0.0.1 with the compatibility layer (``compat``) applied.

``serve`` runs it in the foreground (``python -m cdktf_devkit serve-local-aws --port N``);
``LocalAws.start`` runs it as a child process and waits until it answers; ``Daemon`` keeps one in
the background across commands with a pid file (``make up`` / ``make down``). ``LocalAwsSettings``
holds everything a stack, a boto3 client or a subprocess needs to use it, as plain values: the one
place the provider and backend settings of the local AWS are written (``cdktf_fargate.Environment``
takes them from here too). Importing this module loads the standard library only (the server's,
pid files' and HTTP modules load when used), so an app's synth can afford it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PrerequisiteError
from .ports import HOST, free_port, port_is_free

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import pidfile

HEALTH_PATH = "/moto-api/"
START_TIMEOUT_S = 60.0
DEFAULT_REGION = "us-east-1"
LOCAL_CREDENTIALS = ("test", "test")  # the local AWS accepts any key; these are not secrets


@dataclass(frozen=True)
class LocalAwsSettings:
    """Where the local AWS listens and how to talk to it: plain values for any cdktf app.

    ``provider_settings()`` are keyword arguments for ``AwsProvider``, ``backend_settings(key)``
    for ``S3Backend``; ``env()`` the variables for a process using an AWS SDK or CLI, Terraform among
    them: the AWS provider finds the local AWS by ``AWS_ENDPOINT_URL`` there. Settings are also a
    deployment target (``cdktf_devkit.project.Target``): the local AWS itself."""

    port: int
    """Port on 127.0.0.1."""
    region: str = DEFAULT_REGION
    """Region of every resource and of the state bucket. Default ``us-east-1``."""
    state_bucket: str = "tfstate-local"
    """S3 bucket for Terraform state; the ``local_aws`` fixture creates it. Default ``tfstate-local``."""

    @property
    def endpoint(self) -> str:
        """URL of the local AWS: ``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.port}"

    @property
    def credentials(self) -> tuple[str, str]:
        """(access key, secret key): any value works against the local AWS."""
        return LOCAL_CREDENTIALS

    def provider_settings(self) -> dict[str, Any]:
        """Keyword arguments for cdktf's ``AwsProvider`` (and its JSON): region, credentials, path-style S3.

        No ``endpoints``: Terraform runs with ``env()``, whose ``AWS_ENDPOINT_URL`` sends every service
        to the local AWS. An ``endpoints`` block, even of one service, costs the AWS provider 5.100.0
        about 4 CPU-seconds in each of its processes that validates or plans (two per plan): without
        it a plan takes 0.38 of the CPU (docs/BENCHMARKS.md, "The AWS provider's endpoints")."""
        access_key, secret_key = self.credentials
        return {
            "region": self.region,
            "access_key": access_key,
            "secret_key": secret_key,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": "true",
            "s3_use_path_style": True,
        }

    def backend_settings(self, key: str) -> dict[str, Any]:
        """Keyword arguments for cdktf's ``S3Backend``: state object ``key`` in ``state_bucket``.

        Add ``stack.add_override("terraform.backend.s3.use_lockfile", True)`` for S3-native locking."""
        access_key, secret_key = self.credentials
        return {
            "bucket": self.state_bucket,
            "key": key,
            "region": self.region,
            "encrypt": True,
            "access_key": access_key,
            "secret_key": secret_key,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
            "skip_requesting_account_id": True,
            "use_path_style": True,
            "endpoints": {"s3": self.endpoint, "sts": self.endpoint, "iam": self.endpoint},
        }

    def env(self) -> dict[str, str]:
        """Variables that point an AWS SDK or CLI in a subprocess at the local AWS: every Terraform
        process of a stack built with ``provider_settings()`` needs them."""
        access_key, secret_key = self.credentials
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    def client(self, service: str, **config: Any) -> Any:
        """A boto3 client of ``service`` on the local AWS, one attempt per call (no retries to wait out)."""
        import boto3
        from botocore.config import Config

        access_key, secret_key = self.credentials
        return boto3.client(
            service,
            region_name=self.region,
            endpoint_url=self.endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
        )

    def local_aws(self) -> LocalAwsSettings:
        """Itself: as a deployment target (``project.Target``), these settings are the local AWS to start."""
        return self


def serve(port: int, compat_layer: bool = True) -> None:
    """Run the server in this process until interrupted. ``compat_layer=False`` serves plain moto,
    which the tests use to check that each gap the layer closes still exists upstream."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from . import compat
    from .retries import ReplayRetries

    app = DomainDispatcherApplication(create_backend_app)
    if compat_layer:
        compat.apply()
        app = ReplayRetries(app)
    server = make_server(HOST, port, app, threaded=True, request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"local AWS listening on http://{HOST}:{port}", flush=True)
    server.serve_forever()


def is_healthy(port: int, timeout_s: float = 2.0) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{HEALTH_PATH}", timeout=timeout_s) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def answers_within(port: int, seconds: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Whether the server on ``port`` answers its health check within ``seconds`` (giving up once
    ``alive`` says its process is gone)."""
    deadline = time.monotonic() + seconds
    while not is_healthy(port):
        if time.monotonic() >= deadline or not alive():
            return False
        time.sleep(0.2)
    return True


@dataclass
class LocalAws:
    """A local AWS server process started by this process."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @classmethod
    def start(cls, port: int, log_path: Path, compat_layer: bool = True) -> LocalAws:
        if not port_is_free(port):
            raise PrerequisiteError(
                f"port {port} on {HOST} is in use by another program: stop it or choose another port for the local AWS"
            )
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "cdktf_devkit", "serve-local-aws", "--port", str(port)]
                + ([] if compat_layer else ["--without-compat"]),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = cls(port=port, process=process)
        server.wait_healthy(log_path)
        return server

    @classmethod
    def start_on_free_port(cls, log_path: Path, compat_layer: bool = True) -> LocalAws:
        return cls.start(free_port(), log_path, compat_layer)

    def wait_healthy(self, log_path: Path) -> None:
        if answers_within(self.port, START_TIMEOUT_S, alive=lambda: self.process is None or self.process.poll() is None):
            return
        if self.process is not None and self.process.poll() is not None:
            raise PrerequisiteError(f"local AWS exited with code {self.process.returncode} during start; see {log_path}")
        self.stop()
        raise PrerequisiteError(f"local AWS did not answer on port {self.port} within {START_TIMEOUT_S:.0f} s; see {log_path}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Daemon:
    """The background local AWS of ``make up``, tracked by a pid file in ``build_dir``."""

    def __init__(self, build_dir: Path, port: int) -> None:
        self.pid_file = build_dir / f"local-aws-{port}.pid"
        self.log_file = build_dir / f"local-aws-{port}.log"
        self.port = port

    def ensure_started(self) -> bool:
        """Start unless our server is already up on this port. Returns True if it started one."""
        from . import pidfile

        if pidfile.running_pid(self.pid_file) is not None:
            if answers_within(self.port, START_TIMEOUT_S):  # a busy machine answers late: never stop it for that
                return False
            self.stop()
        server = LocalAws.start(self.port, self.log_file)
        assert server.process is not None
        pidfile.record(self.pid_file, server.process.pid)
        return True

    def stop(self) -> pidfile.Check:
        """Stop our server if the pid file still names it; the result says what was found."""
        from . import pidfile

        return pidfile.stop(self.pid_file)
