"""Stranger traffic and what it leaves in the database: N updates from a few people the bot does not know
(invite-token guesses, chat text, forged button presses, team commands), through the real path, on SQLite.

Prints the replies sent, the audit rows and inbox rows the traffic added, the bytes of inbox payloads, and how
much the database file grew (after a checkpoint). Runs on any revision of the code (it uses only the sandbox).

    .venv/bin/python bench/strangers.py [--strangers 3] [--updates 450] [--every 5] [--text 600]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from common import load, machine, report
from sqlalchemy import func, text
from sqlmodel import select

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from care.regimens import build_regimen
from services import enrolment
from storage.models import AuditEvent, InboxUpdate

NOW = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


async def size(sb: Sandbox) -> int:
    async with sb.services.engine.connect() as conn:
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = (await conn.execute(text("PRAGMA page_count"))).scalar() or 0
        page = (await conn.execute(text("PRAGMA page_size"))).scalar() or 0
    return int(pages) * int(page)


async def counts(sb: Sandbox) -> tuple[int, int, int]:
    async with sb.services.sessions() as session:
        audits = (await session.execute(select(func.count()).select_from(AuditEvent))).scalar_one()
        rows = (await session.exec(select(InboxUpdate.payload))).all()
    return int(audits), len(rows), sum(len(json.dumps(p)) for p in rows)


def traffic(sb: Sandbox, user: VirtualUser, n: int, text_size: int) -> dict[str, Any]:
    kind = n % 4
    if kind == 0:
        return sb.users.text(user, f"/start {secrets.token_urlsafe(32)}")
    if kind == 1:
        return sb.users.text(user, (f"hello {n} " * text_size)[:text_size])
    if kind == 2:
        message = sb.api.last_to(user.id)
        if message is not None:
            return sb.users.press(user, message, f"d1:{n}:t")
    return sb.users.text(user, f"/patient MK-{n}")


async def run(strangers: int, updates: int, every: float, text_size: int) -> dict[str, Any]:
    users = [VirtualUser(8_000_000 + i, f"Stranger {i}", username=f"stranger_{i}") for i in range(strangers)]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'b12bot.db'}"
        async with Sandbox(database_url=url, start=NOW) as sb:
            ttl = timedelta(days=14)
            issued = await enrolment.create_team(
                sb.services.sessions, name="Neuro clinic", timezone="UTC", digest_time=time_of_day(8), now=NOW, ttl=ttl
            )
            await sb.send(sb.users.text(VirtualUser(1001, "Dr Demo"), f"/start {issued.token}"))
            request = enrolment.PatientRequest(
                team="Neuro clinic",
                alias="MK-17",
                regimen=build_regimen("oral-high"),
                start=date(2026, 5, 4),
                timezone="UTC",
                reminder_time=time_of_day(9),
            )
            await enrolment.invite_patient(sb.services.sessions, request=request, now=NOW, ttl=ttl)
            for user in users:
                sb.api.add_private_chat(user.as_json())
            before, (audits, inbox, payload) = await size(sb), await counts(sb)
            sent = len(sb.api.calls)
            started = time.perf_counter()
            for n in range(updates):
                user = users[n % strangers]
                await sb.send(traffic(sb, user, n // strangers, text_size))
                sb.clock.advance(timedelta(seconds=every))
            wall = time.perf_counter() - started
            after, (audits2, inbox2, payload2) = await size(sb), await counts(sb)
            replies = sum(1 for c in sb.api.calls[sent:] if c.method in ("sendMessage", "answerCallbackQuery"))
    return {
        "strangers": strangers,
        "updates": updates,
        "virtual_minutes": round(updates * every / 60, 1),
        "replies": replies,
        "audit_rows_added": audits2 - audits,
        "inbox_rows_added": inbox2 - inbox,
        "inbox_payload_bytes_added": payload2 - payload,
        "database_bytes_added": after - before,
        "wall_s": round(wall, 1),
        "load": load(),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strangers", type=int, default=3)
    parser.add_argument("--updates", type=int, default=450)
    parser.add_argument("--every", type=float, default=5.0, help="virtual seconds between two updates (all senders)")
    parser.add_argument("--text", type=int, default=600, help="characters of each chat text")
    args = parser.parse_args()
    info = await machine()
    report("strangers", info, [await run(args.strangers, args.updates, args.every, args.text)])


if __name__ == "__main__":
    asyncio.run(main())
