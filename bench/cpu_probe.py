"""CPU time of processes from /proc, for bench/dispatch_procs.py: a bot process, this process, PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a live process."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_seconds() -> float:
    """Every PostgreSQL server process's CPU: the live ones' utime + stime, plus the postmaster's reaped
    children (cutime + cstime: backends that exited). The whole server, other databases' work included."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if Path(entry.path, "comm").read_text().strip() != "postgres":
                continue
            fields = _stat(entry.name)
        except OSError:  # exited meanwhile
            continue
        total += int(fields[11]) + int(fields[12])
        if fields[1] == "1" or Path(entry.path, "cmdline").read_bytes().startswith(b"/"):  # the postmaster
            total += int(fields[13]) + int(fields[14])
    return total / TICKS


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent not idle (/proc/stat, all cores), every process included."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:7]) - idle) / TICKS  # steal (the host's other guests) left out


def backends_seconds(database: str) -> dict[int, float]:
    """The CPU of each live PostgreSQL backend connected to `database` (its process title names it)."""
    out: dict[int, float] = {}
    marker = f" {database} ".encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if marker not in Path(entry.path, "cmdline").read_bytes():
                continue
            fields = _stat(entry.name)
        except OSError:
            continue
        out[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return out
