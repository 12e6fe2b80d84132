"""The devkit stops only processes it started: a pid file is trusted only while its process is the
recorded one (same start time and command line). A stale or reused pid file stops nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psutil
import pytest

from cdktf_devkit import pidfile
from cdktf_devkit.pidfile import Status
from cdktf_devkit.ports import free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.unit


@pytest.fixture
def sleeper():
    """A process of ours, in its own session like the devkit's background processes."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    yield process
    process.kill()
    process.wait()


def test_a_recorded_process_is_ours_and_stop_ends_it(sleeper, tmp_path):
    pid_file = tmp_path / "p.pid"
    pidfile.record(pid_file, sleeper.pid)
    assert pidfile.check(pid_file).status is Status.OURS
    assert pidfile.stop(pid_file, grace_s=5).status is Status.OURS
    assert sleeper.wait(timeout=5) is not None and not pid_file.exists()


def test_a_step_of_the_wall_clock_leaves_a_recorded_process_ours(sleeper, tmp_path, monkeypatch):
    """NTP or a virtual machine resumed from a snapshot steps the wall clock, and Linux's boot time in
    /proc/stat with it: the service `make up` started must still be found and stopped after that."""
    pid_file = tmp_path / "p.pid"
    pidfile.record(pid_file, sleeper.pid)
    created, boot_time = psutil.Process(sleeper.pid).create_time(), psutil.boot_time()
    monkeypatch.setattr(psutil._psplatform, "boot_time", lambda: boot_time + 2.0)
    assert psutil.Process(sleeper.pid).create_time() == pytest.approx(created + 2.0)
    assert pidfile.stop(pid_file, grace_s=5).status is Status.OURS
    assert sleeper.wait(timeout=5) is not None


def test_a_pid_now_held_by_another_process_is_left_alone(sleeper, tmp_path):
    """The pid was reused: same pid, another start time and command line."""
    pid_file = tmp_path / "p.pid"
    pid_file.write_text(
        json.dumps(
            {"pid": sleeper.pid, "start_time": pidfile.start_time(psutil.Process(sleeper.pid)) - 3600, "cmdline": ["gunicorn"]}
        )
    )
    result = pidfile.stop(pid_file, grace_s=1)
    assert result.status is Status.FOREIGN and "time.sleep(120)" in result.message
    assert sleeper.poll() is None and not pid_file.exists()


def test_the_same_start_time_with_another_command_line_is_not_ours(sleeper, tmp_path):
    pid_file = tmp_path / "p.pid"
    pid_file.write_text(
        json.dumps(
            {
                "pid": sleeper.pid,
                "start_time": pidfile.start_time(psutil.Process(sleeper.pid)),
                "cmdline": ["python", "-m", "cdktf_devkit"],
            }
        )
    )
    assert pidfile.stop(pid_file, grace_s=1).status is Status.FOREIGN
    assert sleeper.poll() is None


@pytest.mark.parametrize("content", ["12345\n", "not a pid", "{}"])
def test_a_pid_file_without_start_time_and_command_line_stops_nothing(content, sleeper, tmp_path):
    pid_file = tmp_path / "p.pid"
    pid_file.write_text(content.replace("12345", str(sleeper.pid)))
    assert pidfile.stop(pid_file, grace_s=1).status is Status.UNREADABLE
    assert sleeper.poll() is None


def test_an_exited_process_is_not_running(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    pid_file = tmp_path / "p.pid"
    pidfile.record(pid_file, process.pid)
    process.wait()
    assert pidfile.stop(pid_file).status in (Status.EXITED, Status.FOREIGN)


def test_make_down_with_a_reused_pid_file_stops_nothing_and_says_so(sleeper):
    """`make down` (python -m cdktf_devkit down) with pid files naming another program's process."""
    local_port, service_port = free_port(), free_port()
    foreign = {
        "pid": sleeper.pid,
        "start_time": pidfile.start_time(psutil.Process(sleeper.pid)) - 3600,
        "cmdline": ["python", "-m", "cdktf_devkit", "serve-local-aws"],
    }
    pid_files = [ROOT / "build" / f"local-aws-{local_port}.pid", ROOT / "build" / f"service-{service_port}.pid"]
    for pid_file in pid_files:
        pid_file.parent.mkdir(exist_ok=True)
        pid_file.write_text(json.dumps(foreign))
    env = {**os.environ, "TODOLIST_LOCAL_AWS_PORT": str(local_port), "TODOLIST_SERVICE_PORT": str(service_port)}
    result = subprocess.run(
        [sys.executable, "-m", "cdktf_devkit", "down"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"local AWS: stale pid file {pid_files[0]}" in result.stdout and "stopped nothing" in result.stdout
    assert f"stale pid file {pid_files[1]}" in result.stdout
    assert sleeper.poll() is None
    assert not any(pid_file.exists() for pid_file in pid_files)


def test_our_local_aws_that_answers_late_is_kept_not_restarted(tmp_path, monkeypatch):
    """On a busy machine the health check of a running local AWS can take seconds: ``make diff``
    must use it, not stop it (and every deployed resource with it) to start another."""
    from cdktf_devkit import localaws
    from cdktf_devkit import pidfile as pidfile_module

    answers = iter([False, False, False, True])
    monkeypatch.setattr(localaws, "is_healthy", lambda port, timeout_s=2.0: next(answers))
    monkeypatch.setattr(pidfile_module, "running_pid", lambda pid_file: 4242)
    monkeypatch.setattr(localaws.Daemon, "stop", lambda self: pytest.fail("stopped a local AWS that was only slow"))
    monkeypatch.setattr(localaws.time, "sleep", lambda seconds: None)
    assert localaws.Daemon(tmp_path, 5999).ensure_started() is False
