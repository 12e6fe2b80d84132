"""The local AWS: a moto server on 127.0.0.1 with the compatibility layer applied.

``serve`` runs it in the foreground (``python -m cdktf_devkit serve-local-aws --port N``);
``start``/``stop`` run it in the background with a pid file and a health wait, which is what
``make up`` and ``make down`` use. Tests use ``LocalAws.start_on_free_port``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import pidfile
from .errors import PrerequisiteError
from .toolchain import free_port, port_is_free

HOST = "127.0.0.1"
HEALTH_PATH = "/moto-api/"
START_TIMEOUT_S = 60.0


def serve(port: int, compat_layer: bool = True) -> None:
    """Run the server in this process until interrupted. ``compat_layer=False`` serves plain moto,
    which the tests use to check that each gap the layer closes still exists upstream."""
    from moto.server import DomainDispatcherApplication, create_backend_app
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from . import compat

    if compat_layer:
        compat.apply()
    server = make_server(HOST, port, DomainDispatcherApplication(create_backend_app), threaded=True, request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"local AWS listening on http://{HOST}:{port}", flush=True)
    server.serve_forever()


def is_healthy(port: int, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{HEALTH_PATH}", timeout=timeout_s) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class LocalAws:
    """A running local AWS server process."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @classmethod
    def start(cls, port: int, log_path: Path, compat_layer: bool = True) -> "LocalAws":
        if not port_is_free(port):
            raise PrerequisiteError(f"port {port} on {HOST} is in use by another program: stop it or set TODOLIST_LOCAL_AWS_PORT to a free port")
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "cdktf_devkit", "serve-local-aws", "--port", str(port)]
                + ([] if compat_layer else ["--without-compat"]),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        server = cls(port=port, process=process)
        server.wait_healthy(log_path)
        return server

    @classmethod
    def start_on_free_port(cls, log_path: Path, compat_layer: bool = True) -> "LocalAws":
        return cls.start(free_port(), log_path, compat_layer)

    def wait_healthy(self, log_path: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise PrerequisiteError(f"local AWS exited with code {self.process.returncode} during start; see {log_path}")
            if is_healthy(self.port):
                return
            time.sleep(0.2)
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
    """The background local AWS of ``make up``, tracked by a pid file under build/."""

    def __init__(self, build_dir: Path, port: int) -> None:
        self.pid_file = build_dir / f"local-aws-{port}.pid"
        self.log_file = build_dir / f"local-aws-{port}.log"
        self.port = port

    def ensure_started(self) -> bool:
        """Start unless our server is already up on this port. Returns True if it started one."""
        if pidfile.running_pid(self.pid_file) is not None:
            if is_healthy(self.port):
                return False
            self.stop()
        server = LocalAws.start(self.port, self.log_file)
        self.pid_file.write_text(f"{server.process.pid}\n")
        return True

    def stop(self) -> bool:
        return pidfile.stop(self.pid_file)
