"""One bot process per SQLite file: an exclusive lock on `<database file>.lock`, held while running.

SQLite has no SKIP LOCKED, so two processes would claim and send the same reminders. PostgreSQL
needs no lock: its ticks claim rows with FOR UPDATE SKIP LOCKED and several processes share the work.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.engine import is_sqlite, normalise_url


class AlreadyRunning(RuntimeError):
    pass


def lock_path(database_url: str) -> Path | None:
    """`<file>.lock` beside a SQLite file; None for PostgreSQL and in-memory SQLite."""
    if not is_sqlite(database_url):
        return None
    database = make_url(normalise_url(database_url)).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + ".lock")


@contextlib.contextmanager
def single_process(database_url: str) -> Iterator[Path | None]:
    """Hold the lock for the `with` block; AlreadyRunning if another process holds it."""
    path = lock_path(database_url)
    if path is None:
        yield None
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(
                f"another b12bot process is already running on the SQLite database {path.with_suffix('')} "
                f"(it holds the lock {path}). Only one process may run on SQLite; stop the other one, "
                "or use PostgreSQL (DATABASE_URL=postgresql://...) to run several."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
