"""Prebuilt statements run on the driver's own connection, a unit of work in one go (issue 17: the press).

SQLAlchemy's execution of a statement (its cache key, execution context and result) costs ~0.1 ms, its ORM
session ~0.3 ms more. For the hottest path (a patient's Taken / Snooze / Skip) a unit of work is a plain
function of `Steps`: each statement's SQL is compiled once per database (`prepared`) and run on the DBAPI
connection with the bind and result processing SQLAlchemy would apply (the same rows stored). On SQLite the
whole unit (reads, writes, commit) runs in one trip to aiosqlite's thread on its sqlite3 connection, instead
of one trip a statement; on PostgreSQL in one call into the connection's greenlet (a round trip a statement,
as before). The unit commits (`Steps.commit`: with the update's mark, storage/unit.py) or writes nothing; on
any error its transaction is rolled back.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.direct_with import with_writes
from storage.unit import AlreadyHandled, Claim

T = TypeVar("T")
Processor = Callable[[Any], Any] | None
Args = tuple[Any, ...]


@dataclass(frozen=True)
class Prepared:
    sql: str
    names: tuple[str, ...]  # the parameters, in the order of the SQL's placeholders
    defaults: dict[str, Any]  # values bound in the statement itself, and scalar column defaults (INSERT)
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]
    row: Any  # a named tuple for a SELECT's rows; None: plain tuples


@cache
def prepared(stmt: Any, dialect: Dialect, keys: tuple[str, ...] | None = None) -> Prepared:
    """`stmt` compiled for `dialect` (an INSERT for the columns `keys`), once: statements built once only."""
    compiled: Any = stmt.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
    defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
    for column in getattr(compiled, "insert_prefetch", ()):  # Python-side defaults: SQLAlchemy fills them per row
        assert column.default is not None and column.default.is_scalar, column
        defaults[column.key] = column.default.arg
    names = tuple(compiled.positiontup or ())
    processors = compiled._bind_processors
    results: tuple[Processor, ...] = ()
    row: Any = None
    if isinstance(stmt, Select):
        columns = list(stmt.selected_columns)
        results = tuple(c.type._cached_result_processor(dialect, None) for c in columns)
        row = namedtuple("Row", [c.key for c in columns])  # type: ignore[misc, no-redef]
    return Prepared(compiled.string, names, defaults, tuple(processors.get(n) for n in names), results, row)


class Steps:
    """Runs prebuilt statements on one DBAPI connection, in one transaction (see the module's text)."""

    def __init__(
        self, conn: Connection, cursor: Callable[[], Any], commit: Callable[[], None], mark: Any, *, events: bool
    ) -> None:
        self.dialect, self._cursor, self._commit, self._mark = conn.dialect, cursor, commit, mark
        self.committed = False
        self._later: list[tuple[Prepared, Args]] = []  # PostgreSQL: writes waiting for the next statement
        # the engine's statement listeners (tests count statements) hear these statements as SQLAlchemy's own
        self._heard = conn if conn.engine._has_events else None
        self._events = events  # and the commit (PostgreSQL: SQLAlchemy's own commit tells them)

    def _bound(self, stmt: Any, params: dict[str, Any], keys: tuple[str, ...] | None) -> tuple[Prepared, Args]:
        p = prepared(stmt, self.dialect, keys)
        values = {**p.defaults, **params} if p.defaults else params
        return p, tuple(v if f is None else f(v) for v, f in zip([values[n] for n in p.names], p.binds, strict=True))

    def _send(self, p: Prepared, args: Args) -> tuple[list[Any], int]:
        sql = p.sql
        if self._later:  # PostgreSQL: the writes waiting go first, in the same statement
            sql = with_writes(tuple(w.sql for w, _ in self._later), sql)
            args = (*chain.from_iterable(a for _, a in self._later), *args)
            self._later.clear()
        cursor = self._cursor()
        if self._heard is not None:
            self._heard.engine.dispatch.before_cursor_execute(self._heard, cursor, sql, args, None, False)
        try:
            cursor.execute(sql, args)
            rows = list(cursor.fetchall()) if cursor.description else []
            count = int(cursor.rowcount)
        finally:
            cursor.close()
        if p.results:
            rows = [p.row._make(v if f is None else f(v) for v, f in zip(r, p.results, strict=True)) for r in rows]
        return rows, count

    def rows(self, stmt: Any, params: dict[str, Any]) -> list[Any]:
        return self._send(*self._bound(stmt, params, None))[0]

    def count(self, stmt: Any, params: dict[str, Any]) -> int:
        """Run an UPDATE or DELETE; the rows it changed."""
        return self._send(*self._bound(stmt, params, None))[1]

    def write(self, stmt: Any, params: dict[str, Any], *, insert: bool = False) -> None:
        """A write whose result is not needed (`insert`: an INSERT of the columns in `params`). PostgreSQL: sent
        with the next statement, as a data-modifying WITH query (one round trip less: storage/direct_with.py)."""
        bound = self._bound(stmt, params, tuple(params) if insert else None)
        if self.dialect.name == "postgresql":
            self._later.append(bound)
        else:
            self._send(*bound)

    def commit(self) -> None:
        """Commit, marking the update being handled in the same transaction when this unit is its first
        commit (storage/unit.py): if another got there first, roll back and raise AlreadyHandled."""
        if self._mark is not None:
            claim: Claim = self._mark
            if self.count(*claim.mark) != 1:
                raise AlreadyHandled(claim.update_id)  # rolled back by `run`
        elif self._later:  # the last write waiting carries the others
            self._send(*self._later.pop())
        if self._heard is not None and self._events:
            self._heard.engine.dispatch.commit(self._heard)
        self._commit()
        self.committed = True


async def run(conn: AsyncConnection, work: Callable[[Steps], T], *, mark: Claim | None = None) -> T:
    """Run `work` on `conn`'s driver connection (SQLite: in aiosqlite's thread), then mark `mark` (a claim
    whose mark the unit's commit carried) as marked."""
    if conn.dialect.name == "sqlite":
        driver: Any = (await conn.get_raw_connection()).driver_connection  # aiosqlite's Connection
        db = driver._conn
        steps = Steps(conn.sync_connection, db.cursor, db.commit, mark, events=True)  # type: ignore[arg-type]
        result: T = await driver._execute(_unit, steps, work, db.rollback, True)
    else:
        steps, result = await conn.run_sync(partial(_in_greenlet, work, mark))
    if mark is not None and steps.committed:
        mark.marked = True
    return result


def _unit(steps: Steps, work: Callable[[Steps], T], rollback: Callable[[], None], unfinished: bool) -> T:
    """`work`; rolled back if it fails, and (`unfinished`) if it returns without committing."""
    try:
        result = work(steps)
    except BaseException:
        rollback()
        raise
    if unfinished and not steps.committed:
        rollback()
    return result


def _in_greenlet(work: Callable[[Steps], T], mark: Claim | None, conn: Connection) -> tuple[Steps, T]:
    if not conn.in_transaction():
        conn.begin()
    raw: Any = conn.connection
    steps = Steps(conn, raw.cursor, conn.commit, mark, events=False)
    # a unit that wrote nothing leaves the transaction open: on the claim's connection, it holds the row lock
    return steps, _unit(steps, work, conn.rollback, False)
