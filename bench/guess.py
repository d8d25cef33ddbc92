"""Invite-token guessing through the real path: 100,000 `/start <guess>` updates (each stored in the inbox,
then handled by the Application: hash lookup, refusal, audit row, reply) from a few chats, in virtual time.

Pass: 0 accepted (no consent question shown, no patient linked, no member joined); the limiter refuses
all but GUESS_LIMIT guesses per chat per GUESS_WINDOW. The guesses have the shape of real tokens
(`secrets.token_urlsafe(32)`), and real invites (patient and member links) exist in the database.

    .venv/bin/python bench/guess.py [--guesses 100000] [--chats 50] [--every 2] [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from common import databases, fresh_database, load, machine, report
from sqlalchemy import func, select
from sqlmodel import col

from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.texts import t
from care.regimens import build_regimen
from services import enrolment, link_guard
from storage.models import AuditEvent, Invite, Patient, TeamMember

BATCH = 100
NOW = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


async def seed_invites(sb: Sandbox, n: int) -> None:
    ttl = timedelta(days=14)
    issued = await enrolment.create_team(
        sb.services.sessions, name="Neuro clinic", timezone="UTC", digest_time=time_of_day(8), now=sb.clock(), ttl=ttl
    )
    await sb.send(sb.users.text(VirtualUser(1001, "Dr Demo"), f"/start {issued.token}"))  # the team's one member
    for i in range(n):
        request = enrolment.PatientRequest(
            team="Neuro clinic",
            alias=f"GX-{i}",
            regimen=build_regimen("oral-high"),
            start=date(2026, 5, 4),
            timezone="UTC",
            reminder_time=time_of_day(9),
        )
        await enrolment.invite_patient(sb.services.sessions, request=request, now=sb.clock(), ttl=ttl)


async def run(kind: str, guesses: int, chats: int, every: float) -> dict[str, Any]:
    users = [VirtualUser(7_000_000 + i, f"Guesser {i}") for i in range(chats)]
    async with fresh_database(kind) as url, Sandbox(database_url=url, start=NOW) as sb:
        await seed_invites(sb, 20)
        replies: dict[str, int] = {}
        started = time.perf_counter()
        for first in range(0, guesses, BATCH):
            batch = []
            for i in range(first, min(first + BATCH, guesses)):
                user = users[i % chats]
                batch.append(sb.users.text(user, f"/start {secrets.token_urlsafe(32)}"))
            calls = len(sb.api.calls)
            await sb.send(*batch)
            for call in sb.api.calls[calls:]:
                if call.method == "sendMessage":
                    text = str(call.params.get("text", ""))
                    key = next((k for k in ("link_unknown", "link_rate_limited") if text == t(k)), text[:40])
                    replies[key] = replies.get(key, 0) + 1
            sb.clock.advance(timedelta(seconds=every * len(batch)))
        wall = time.perf_counter() - started
        async with sb.services.sessions() as session:
            linked = (await session.execute(select(func.count()).where(col(Patient.chat_id).is_not(None)))).scalar()
            opened = (
                await session.execute(
                    select(func.count()).where(col(Invite.kind) == "patient", col(Invite.opened_chat_id).is_not(None))
                )
            ).scalar()
            members = (await session.execute(select(func.count()).select_from(TeamMember))).scalar()
            reasons = (
                await session.execute(
                    select(col(AuditEvent.detail)["reason"].as_string(), func.count())
                    .where(col(AuditEvent.action) == "link.open", col(AuditEvent.outcome) == "refused")
                    .group_by(col(AuditEvent.detail)["reason"].as_string())
                )
            ).all()
    accepted = sum(n for k, n in replies.items() if k not in ("link_unknown", "link_rate_limited"))
    return {
        "database": kind,
        "guesses": guesses,
        "chats": chats,
        "virtual_hours": round(guesses * every / 3600, 1),
        "accepted": accepted + int(linked or 0) + int(opened or 0) + int(members or 0) - 1,
        "answered_unknown": replies.get("link_unknown", 0),
        "refused_by_limiter": replies.get("link_rate_limited", 0),
        "audit_refusals": dict((str(r), int(n)) for r, n in reasons),
        "per_second": round(guesses / wall, 1),
        "wall_s": round(wall, 1),
        "load": load(),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guesses", type=int, default=100_000)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--every", type=float, default=2.0, help="virtual seconds between two guesses (all chats)")
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgres", "both"))
    args = parser.parse_args()
    info = await machine()
    rows = [await run(kind, args.guesses, args.chats, args.every) for kind in databases(args.database)]
    report(
        "guess",
        info,
        rows,
        limit=f"{link_guard.GUESS_LIMIT} unknown tokens per chat per {link_guard.GUESS_WINDOW}",
    )
    for row in rows:
        assert row["accepted"] == 0, row


if __name__ == "__main__":
    asyncio.run(main())
