"""One transaction per update: the inbox row is marked handled by the commit of the handler's own transaction.

While the Application handles a stored update (`Claim.armed`), the first session that commits adds the inbox
row's UPDATE (processed_at, the handled form; only `WHERE processed_at IS NULL`) to its own transaction. If
that finds the row already handled (a replay, another process), the transaction is rolled back and
`AlreadyHandled` raised: the handler's writes never happen twice. A handler that commits nothing is marked
by the inbox afterwards (storage/inbox.py).

PostgreSQL: the update is held (`SELECT ... FOR UPDATE SKIP LOCKED`) on one connection, and the sessions
opened while it is handled use that same connection, each inside a SAVEPOINT (a rollback undoes only that
session), so the row lock, the handler's first writes and the mark are one transaction, on one connection;
later sessions run their own transactions on it. A second session opened while one is still open gets a
pooled connection, as before. SQLite (one process, one drain) needs no lock: sessions stay independent.
Work done on a plain connection (storage/direct.py) joins the same way (`connection`): its commit carries the
mark, with the same guard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlalchemy.sql import Executable
from sqlmodel.ext.asyncio.session import AsyncSession as SQLModelSession


class AlreadyHandled(Exception):
    """The update was marked handled meanwhile: this handling's writes were rolled back."""


@dataclass(eq=False)
class Claim:
    update_id: int
    mark: tuple[Executable, dict[str, Any]]  # UPDATE inbox_update ... WHERE update_id = :id AND processed_at IS NULL
    conn: AsyncConnection | None = None  # PostgreSQL: the connection holding the row lock
    armed: bool = False  # True while the Application handles the update: a commit marks it
    marked: bool = False
    done: bool = False  # handling is over: sessions (e.g. of a task it started) are plain again
    bound_open: int = 0  # sessions open on `conn`
    guard: Callable[[], Awaitable[bool]] | None = None  # the stranger check, left to the handler (bot/inbox_guard.py)
    limited: bool = False  # that check found the sender over the strangers' limit: not handled


CLAIM: ContextVar[Claim | None] = ContextVar("b12bot_claim", default=None)


class UnitSession(SQLModelSession):
    _claim: Claim | None = None
    _bound = False

    async def commit(self) -> None:
        claim = self._claim
        if claim is None or claim.done or claim.marked or not claim.armed or (claim.conn and not self._bound):
            await super().commit()
            return
        result: Any = await self.execute(*claim.mark)
        if int(result.rowcount or 0) != 1:
            await self.rollback()
            raise AlreadyHandled(claim.update_id)
        await super().commit()  # PostgreSQL: RELEASE SAVEPOINT; the transaction holding the row lock commits next
        if claim.conn is not None:
            await claim.conn.commit()
        claim.marked = True

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._bound and self._claim is not None:
                self._claim.bound_open -= 1
                self._bound = False


class UnitSessions(async_sessionmaker[SQLModelSession]):
    """Sessions that join the update being handled (see the module's text)."""

    def __call__(self, **local_kw: Any) -> SQLModelSession:
        claim = CLAIM.get()
        if claim is not None and claim.done:
            claim = None
        bound = claim is not None and claim.conn is not None and claim.bound_open == 0 and "bind" not in local_kw
        if bound:
            assert claim is not None
            local_kw.update(bind=claim.conn, join_transaction_mode="create_savepoint")
        session = super().__call__(**local_kw)
        if isinstance(session, UnitSession) and claim is not None:
            session._claim = claim
            if bound:
                session._bound = True
                claim.bound_open += 1
        return session


@asynccontextmanager
async def connection(engine: AsyncEngine) -> AsyncIterator[tuple[AsyncConnection, Claim | None]]:
    """A connection for work outside an ORM session, and the claim whose mark its commit carries (None: not
    this work's), as a session's: PostgreSQL, the connection holding the update's row lock when no session
    is open on it, else a pooled one; SQLite, a pooled one."""
    claim = CLAIM.get()
    if claim is not None and claim.done:
        claim = None
    if claim is None or claim.conn is None or claim.bound_open:
        marks = claim if claim is not None and claim.conn is None and claim.armed and not claim.marked else None
        async with engine.connect() as conn:
            yield conn, marks
        return
    claim.bound_open += 1
    try:
        yield claim.conn, claim if claim.armed and not claim.marked else None
    finally:
        claim.bound_open -= 1
