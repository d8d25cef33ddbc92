"""SQLite through aiosqlite with one trip to its thread per statement, not four.

SQLAlchemy's aiosqlite adapter makes a cursor, executes, fetches and closes the cursor as four calls, each
a hand-over to aiosqlite's thread and back (two thread switches); on a busy machine each switch can cost
far more than the statement itself. Here the four run as one call in that thread, and a commit or
rollback with no transaction open (a read-only session, the pool's reset) does not go there at all.
Everything else is SQLAlchemy's adapter unchanged (`make_engine` passes this as the DBAPI `module`).
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)


def _run(conn: sqlite3.Connection, operation: Any, parameters: Any) -> tuple[Any, int, int | None, list[Any]]:
    """In aiosqlite's thread: the whole statement, its rows read, the cursor closed."""
    cursor = conn.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:  # no cursor made in the thread up front
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}  # type: ignore[assignment]
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            conn = self._connection
            got = await conn._execute(_run, conn._conn, operation, parameters)
            self._description, self._rowcount, self._lastrowid, rows = got
            self._rows = collections.deque(rows)
            return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            conn = self._connection

            def run() -> int:
                cursor = conn._conn.executemany(operation, seq_of_parameters)
                try:
                    return int(cursor.rowcount)
                finally:
                    cursor.close()

            self._rowcount = await conn._execute(run)
            self._description = None
            return None


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _Cursor

    def _idle(self) -> bool:
        """No transaction open (read without a trip: a plain flag of the sqlite3 connection)."""
        conn = self._connection._connection
        return conn is None or not conn.in_transaction

    def rollback(self) -> None:
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        if not self._idle():
            super().commit()


class FewerTrips(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> Any:
        adapted = super().connect(*arg, **kw)
        adapted.__class__ = _Connection
        return adapted


def module() -> FewerTrips:
    import aiosqlite

    return FewerTrips(aiosqlite, sqlite3)
