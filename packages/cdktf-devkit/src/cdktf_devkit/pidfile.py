"""Background processes of ``make up`` (local AWS, local service), remembered by pid files under build/."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def running_pid(pid_file: Path) -> int | None:
    """The pid recorded in ``pid_file`` if that process is alive."""
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def stop(pid_file: Path, grace_s: float = 10.0) -> bool:
    """SIGTERM the recorded process group, SIGKILL it after ``grace_s``; forget the pid file.
    Returns True if something was running. Each process is started in a new session, so its pid
    is also its process group and workers it forked stop with it."""
    pid = running_pid(pid_file)
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)
    return True
