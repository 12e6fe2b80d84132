"""Background processes the devkit started, remembered by pid files it can trust.

A pid file records the pid, the process's start time and its command line. A process is ours
only while all three still match: after a crash or a reboot the pid may belong to another
program, and that program is never signalled. Each process is started in a new session, so its
pid is also its process group, and the workers it forked stop with it.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import psutil

# The same process always reads the same start time; another process started in the same pid is
# at least a clock tick (10 ms) apart.
START_TIME_TOLERANCE_S = 0.001


class Status(Enum):
    NONE = "no pid file"
    EXITED = "the process has exited"
    FOREIGN = "the pid now belongs to another process"
    UNREADABLE = "the pid file does not hold a pid, start time and command line"
    OURS = "running"


@dataclass(frozen=True)
class Check:
    status: Status
    pid: int | None = None
    detail: str = ""

    @property
    def message(self) -> str:
        text = self.status.value if self.pid is None else f"pid {self.pid}: {self.status.value}"
        return f"{text} ({self.detail})" if self.detail else text


def start_time(process: psutil.Process) -> float:
    """When ``process`` started, in seconds on a clock that only its start sets.

    On Linux that is its start tick since boot: psutil's ``create_time`` adds the boot time, which
    /proc/stat derives from the wall clock, so every step of the wall clock (NTP, a virtual machine
    resumed from a snapshot) moves it, and a process recorded before the step looked foreign after it.
    Elsewhere psutil's ``create_time`` is stored with the process and does not move."""
    if not psutil.LINUX:
        return process.create_time()
    try:
        stat = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError as error:
        raise psutil.NoSuchProcess(process.pid) from error
    fields = stat.rsplit(")", 1)[1].split()  # the command name before ")" may hold spaces
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime; fields[0] is field 3


def record(pid_file: Path, pid: int) -> None:
    """Remember ``pid`` with its start time and command line."""
    process = psutil.Process(pid)
    entry = {"pid": pid, "start_time": start_time(process), "cmdline": process.cmdline()}
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(json.dumps(entry) + "\n")


def check(pid_file: Path) -> Check:
    """Whether the process ``pid_file`` names is still the one that was recorded."""
    try:
        entry = json.loads(pid_file.read_text())
        pid, started, cmdline = int(entry["pid"]), float(entry["start_time"]), list(entry["cmdline"])
    except FileNotFoundError:
        return Check(Status.NONE)
    except (OSError, ValueError, TypeError, KeyError):
        return Check(Status.UNREADABLE, detail=str(pid_file))
    try:
        process = psutil.Process(pid)
        now_started, now_cmdline = start_time(process), process.cmdline()
    except psutil.NoSuchProcess:
        return Check(Status.EXITED, pid)
    except psutil.AccessDenied:
        return Check(Status.FOREIGN, pid, "not ours to inspect")
    if abs(now_started - started) > START_TIME_TOLERANCE_S or now_cmdline != cmdline:
        return Check(Status.FOREIGN, pid, " ".join(now_cmdline)[:120] or "no command line")
    return Check(Status.OURS, pid)


def running_pid(pid_file: Path) -> int | None:
    """The recorded pid if that process is still ours and alive."""
    result = check(pid_file)
    return result.pid if result.status is Status.OURS else None


def stop(pid_file: Path, grace_s: float = 10.0) -> Check:
    """Stop the recorded process (and its group) if it is still ours; forget the pid file.

    SIGTERM first, SIGKILL after ``grace_s``. Any other status stops nothing; the returned
    ``Check`` says why (``message``)."""
    result = check(pid_file)
    pid_file.unlink(missing_ok=True)
    if result.status is not Status.OURS or result.pid is None:
        return result
    pid = result.pid
    group = _own_group(pid)
    _signal(pid, group, signal.SIGTERM)
    try:
        psutil.Process(pid).wait(timeout=grace_s)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        _signal(pid, group, signal.SIGKILL)  # the leader is still alive, so the group is still ours
    return result


def _own_group(pid: int) -> bool:
    """Whether ``pid`` leads its own process group (it was started in a new session)."""
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


def _signal(pid: int, group: bool, signum: int) -> None:
    try:
        if group:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
