"""Is the process that holds a run lock still running? (Linux /proc, POSIX signals.)"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone

__all__ = ["holder_alive", "this_host"]


def this_host() -> str:
    return socket.gethostname()


def _process_started(pid: int) -> float | None:
    """The process's start time (Unix seconds), from /proc; None where unknown, 0 for a
    zombie (dead, not yet reaped by its parent)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        if fields[0] in ("Z", "X"):
            return 0.0
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(float(line.split()[1]) for line in fh if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def holder_alive(pid: int, host: str, started_at: str) -> bool:
    """False when the lock holder is certainly gone: no process ``pid`` on this host, or
    one that started after the lock was taken (the pid was reused). A lock taken on
    another host is assumed alive: it cannot be checked from here."""
    if host != this_host():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    started = _process_started(pid)
    if started == 0.0:
        return False
    try:
        locked = datetime.fromisoformat(started_at).astimezone(timezone.utc).timestamp()
    except ValueError:
        return True
    return started is None or started <= locked + 2
