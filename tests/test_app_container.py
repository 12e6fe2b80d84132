"""The container's command, run here: gunicorn with the image's config, called over HTTP on loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cdktf_devkit import toolchain
from tests.conftest import ROOT
from todolist_names import CONTAINER_PORT

pytestmark = pytest.mark.app

APP_DIR = ROOT / "app"
DOCKERFILE = (APP_DIR / "Dockerfile").read_text()


def dockerfile_instruction(name: str) -> str:
    (line,) = re.findall(rf"^{name} (.+)$", DOCKERFILE, flags=re.MULTILINE)
    return line


def container_command() -> list[str]:
    return json.loads(dockerfile_instruction("CMD"))


@pytest.fixture(scope="module")
def gunicorn(output_dir):
    """The image's CMD, from the image's WORKDIR contents, bound to loopback instead of 0.0.0.0."""
    port = toolchain.free_port()
    command = container_command()
    executable = Path(sys.executable).parent / command[0]
    log = open(output_dir / "gunicorn.log", "w")
    env = {**os.environ, "TODO_BIND": f"127.0.0.1:{port}", "TODO_WORKERS": "1"}
    process = subprocess.Popen([str(executable), *command[1:]], cwd=APP_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health", timeout=1)
            break
        except OSError:
            assert process.poll() is None, (output_dir / "gunicorn.log").read_text()
            time.sleep(0.1)
    yield base, output_dir / "gunicorn.log"
    process.terminate()
    process.wait(timeout=15)
    log.close()


def test_image_runs_gunicorn_with_its_config_on_the_container_port():
    assert container_command() == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert dockerfile_instruction("EXPOSE") == str(CONTAINER_PORT)
    config = (APP_DIR / "gunicorn.conf.py").read_text()
    assert f'"0.0.0.0:{CONTAINER_PORT}"' in config


def test_image_runs_as_a_non_root_user_with_a_health_check():
    assert dockerfile_instruction("USER") not in ("root", "0")
    assert "/health" in DOCKERFILE.split("HEALTHCHECK", 1)[1]


def test_image_installs_exactly_pinned_dependencies():
    lines = [l for l in (APP_DIR / "requirements.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.]*", l) for l in lines)


def test_gunicorn_serves_the_seed_over_http(gunicorn):
    base, _ = gunicorn
    with urllib.request.urlopen(f"{base}/todos", timeout=5) as response:
        assert response.status == 200
        todos = json.loads(response.read())
    assert [t["id"] for t in todos] == [1, 2, 3]


def test_gunicorn_writes_structured_access_logs(gunicorn):
    base, log_path = gunicorn
    urllib.request.urlopen(f"{base}/todos/2", timeout=5).read()
    time.sleep(0.2)
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    entry = next(e for e in entries if e["path"] == "/todos/2")
    assert (entry["method"], entry["status"]) == ("GET", 200)
    assert isinstance(entry["duration_us"], int)


def test_access_log_lines_stay_json_whatever_the_client_sends(gunicorn):
    base, log_path = gunicorn
    agent = 'quote " backslash \\ tab \t ünïcode'
    request = urllib.request.Request(f"{base}/todos?q=%22x%22", headers={"User-Agent": agent})
    urllib.request.urlopen(request, timeout=5).read()
    time.sleep(0.2)
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    entry = next(e for e in entries if e["agent"] == agent)
    assert (entry["path"], entry["query"], entry["status"]) == ("/todos", "q=%22x%22", 200)
    assert entry["bytes"] > 0 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["time"])


@pytest.mark.parametrize("table, expected", [(None, ("sync", 4, 1)), ("todos", ("gthread", 2, 4))])
def test_worker_class_follows_the_store(table, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    if table:
        env["TODO_TABLE_NAME"] = table
    script = "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['worker_class'], c['workers'], c['threads'])"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=APP_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert (out[0], int(out[1]), int(out[2])) == expected
