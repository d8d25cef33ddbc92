"""This process's side of the inbox: stores coalesced into one statement, and (SQLite) the waiting updates
known in memory, so that handling what was just stored needs no read.

- `store`: updates that arrive while a store is under way (webhook requests at once) wait for it and are
  then stored together, in one statement and one transaction, instead of each its own: on SQLite, writers
  that queue here do not sleep in SQLite's busy handler.
- `next_batch` (SQLite: one process, one drain): the waiting updates come from memory once a read of the
  inbox was complete (no store under way before or during it); every later store adds what it stored.
  Anything unexpected (a failed store, a drain that stopped early) makes it read the inbox again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import inbox
from storage.engine import Sessions

Payloads = dict[int, dict[str, Any]]


@dataclass
class InboxQueue:
    waiting: Payloads | None = None  # SQLite: every stored, unhandled update; None: not known, read the inbox
    storing: int = 0  # stores in progress
    stores: int = 0  # stores begun
    stored: int = 0  # stores finished (committed)
    drained: int = 0  # every update of the first `drained` finished stores was handled (or held by another process)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _incoming: list[tuple[Sequence[dict[str, Any]], asyncio.Future[Payloads]]] = field(default_factory=list)

    def forget(self) -> None:
        self.waiting = None

    async def store(self, engine: AsyncEngine, updates: Sequence[dict[str, Any]], now: datetime) -> list[int]:
        """Store durably (duplicates ignored), with any others waiting to be stored; the ids that were new."""
        mine: asyncio.Future[Payloads] = asyncio.get_running_loop().create_future()
        self._incoming.append((updates, mine))
        self.storing += 1
        self.stores += 1
        try:
            async with self._lock:
                if not mine.done():
                    await self._store_incoming(engine, now, mine)
            new = await mine
            self.stored += 1
        except BaseException:
            self.forget()  # stored or not: read the inbox next time
            raise
        finally:
            self.storing -= 1
        if self.waiting is not None:
            self.waiting.update(new)
        return list(new)

    async def _store_incoming(self, engine: AsyncEngine, now: datetime, mine: asyncio.Future[Payloads]) -> None:
        batch, self._incoming = self._incoming, []
        try:
            new = await inbox.store(engine, updates=[u for updates, _ in batch for u in updates], now=now)
        except asyncio.CancelledError:  # this caller gave up: the others are stored by the next one
            self._incoming[:0] = [entry for entry in batch if entry[1] is not mine]
            raise
        except Exception as exc:  # each caller hears it (a webhook answers 500: Telegram sends it again)
            for _, future in batch:
                future.set_exception(exc)
            return
        for updates, future in batch:  # an id sent twice at once is new for the first caller only
            ids = {int(u["update_id"]) for u in updates}
            future.set_result({i: new.pop(i) for i in sorted(ids & new.keys())})

    async def next_batch(self, sessions: Sessions, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """SQLite: the waiting updates in id order, from memory when known, else read from the inbox."""
        if self.waiting is not None:
            batch = sorted(self.waiting.items())[:limit]
            for update_id, _ in batch:
                del self.waiting[update_id]
            return batch
        quiet, stores = self.storing == 0, self.stores
        batch = await inbox.pending(sessions, limit=limit)
        if quiet and self.storing == 0 and self.stores == stores and len(batch) < limit:
            self.waiting = {}
        return batch
