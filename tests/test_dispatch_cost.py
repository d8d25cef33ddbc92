"""What dispatching costs the database (issue 17), and what an attempt is.

A batch of plain reminders is one read to decide and, per slice of SLICE, one transaction that records the
slice before and marks the next one 'sending': a handful of statements a slice, not a few a reminder.
An attempt is counted when a row is marked 'sending' (its request may go out), not when it is claimed:
the state machine test bounds the duplicates of a row by its attempts.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.sandbox.procs import seed
from bot.sending.rendering import Texts, dose_text
from care.protocol import default_protocol
from care.regimens import build_regimen
from schedules.dispatch import SLICE, dispatch_once, recover
from schedules.jobs import DoseView, Job, Outcome, Sent
from storage.engine import make_engine, make_sessions
from storage.models import DoseEvent, Outbox
from tests.helpers import sql_statements

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
MOST_PER_REMINDER = 0.15  # statements (slices of 10 cost about 0.45)


async def test_dispatching_reminders_costs_a_few_statements_a_slice(database_url: str) -> None:
    n = 4 * SLICE
    await seed(database_url, n, NOW)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)

    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        return [Sent(1000 + job.outbox_id) for job in jobs]

    try:
        with sql_statements(engine.sync_engine) as seen:
            stats = await dispatch_once(sessions, now=NOW, protocol=default_protocol(), worker="w", deliver=deliver)
        assert stats.sent == n
        assert len(seen) <= MOST_PER_REMINDER * n, seen
    finally:
        await engine.dispose()


async def test_an_attempt_is_a_row_marked_sending_and_a_late_one_says_so(database_url: str) -> None:
    """Three slices; the process dies while the first is out (the second is marked 'sending' by then, the
    third only claimed). After recovery the first two count one attempt each and the third none; sent again,
    late, every row says it went out late, as its dose does."""
    n = 2 * SLICE + 5
    await seed(database_url, n, NOW)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)
    protocol = default_protocol()

    async def dies(jobs: Sequence[Job]) -> Sequence[Outcome]:
        raise RuntimeError("kill -9")

    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        return [Sent(1000 + job.outbox_id) for job in jobs]

    async def rows() -> list[Outbox]:
        async with sessions() as session:
            return list((await session.exec(select(Outbox).where(Outbox.kind == "dose_reminder"))).all())

    try:
        with pytest.raises(RuntimeError):
            await dispatch_once(sessions, now=NOW, protocol=protocol, worker="w", deliver=dies)
        await recover(sessions, now=NOW, lease=timedelta(0))
        assert Counter((b.attempts, b.uncertain) for b in await rows()) == {(1, True): 2 * SLICE, (0, False): 5}
        later = NOW + protocol.doses.late_mark + timedelta(minutes=1)
        stats = await dispatch_once(sessions, now=later, protocol=protocol, worker="w", deliver=deliver)
        assert stats.sent == n
        boxes = await rows()
        assert Counter((b.attempts, b.uncertain) for b in boxes) == {(2, True): 2 * SLICE, (1, False): 5}
        assert {(b.status, b.late) for b in boxes} == {("sent", True)}
        async with sessions() as session:
            doses = (await session.exec(select(DoseEvent))).all()
        assert {(d.status, d.late) for d in doses} == {("sent", True)}
    finally:
        await engine.dispose()


def test_a_senders_cached_reminder_texts_are_the_texts_rendered_anew() -> None:
    """bot/sending/rendering.Texts renders each distinct dose text once a tick: it must give, for every
    kind, language, route, phase, phase start and lateness, what rendering that job anew gives."""
    regimen = build_regimen("oral-high").to_dict()
    oral, im = regimen["phases"][0], {**regimen["phases"][0], "route": "im", "dose": 1, "unit": "mg"}
    texts = Texts()
    seen = set()
    for _ in range(2):  # the second round from the cache
        for kind, lang, phase, start, late in itertools.product(
            ("dose_reminder", "dose_nudge", "dose_close"), ("en", "es", "ru"), (oral, im, dict(oral)), (0, 1), (0, 1)
        ):
            dose = DoseView(7, phase["route"], phase, bool(start), NOW.date(), 0)
            job = Job(outbox_id=1, kind=kind, chat_id=1, due_at=NOW, late=bool(late), uncertain=False, language=lang,
                      dose=dose)  # fmt: skip
            assert texts.dose(job) == dose_text(job)
            seen.add(dose_text(job))
    assert len(seen) > 30
