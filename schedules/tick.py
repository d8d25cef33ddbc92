"""The periodic tick: recover claims, close and expire what is over, review, plan, then dispatch; each
step only when its moment has come (schedules/moments.py), so a tick with nothing due is one query.

Idempotent and safe to run in several processes at once (the outbox's claims decide who sends what).
The sending itself is a port: `deliver` (schedules.jobs.Deliver) takes due jobs and reports each outcome;
bot/ provides the Telegram implementation, the sandbox and tests drive it through the real one. What the
tick does after dispatch with Telegram (the inbox) is bot/'s (bot/ticks.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from care.protocol import Protocol
from schedules.dispatch import DispatchStats, close_unanswered, dispatch_once, recover
from schedules.flagging import latest_flag_id
from schedules.jobs import Deliver
from schedules.moments import Moments, next_moments
from schedules.planner import plan
from schedules.questionnaires import expire_questionnaires
from schedules.reviews import REVIEW_EVERY, review_due
from schedules.upkeep import TickState, upkeep
from storage.engine import Sessions

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=2)
MAX_ROUNDS = 50
__all__ = ["Tick", "TickResult", "TickState", "recover_all", "run"]


@dataclass
class Tick:
    """One process's tick: its database, protocol, clock, claim name and what it does before sending."""

    sessions: Sessions
    protocol: Protocol
    clock: Callable[[], datetime]
    worker: str
    state: TickState
    stopping: Callable[[], bool]  # shutting down: claim nothing more
    inbox_retention_days: int
    before_dispatch: Callable[[datetime], Awaitable[int]]  # erasures to retry (when one waits): their last message goes


@dataclass
class TickResult:
    planned: int
    closed: int
    dispatch: DispatchStats
    updates: int = 0
    erased: int = 0
    inbox: bool = False  # stored updates wait to be handled (seen at the tick's start)


async def run(tick: Tick, deliver: Deliver, *, dispatch_limit: int = 500, moments: Moments | None = None) -> TickResult:
    """Each step runs only when its moment has come (schedules/moments.py, one query): an idle tick is that
    query. The throttled steps (retention, team messages, helper notices, escalation: schedules/upkeep.py)
    keep their moments in this process's TickState; what makes them due at once is read in that query.

    `moments`: read by the caller since the database last changed (the sandbox, which has just read them
    to find this tick's moment), so the tick does not read them again."""
    now, protocol, m = tick.clock(), tick.protocol, moments
    if m is None:
        async with tick.sessions() as session:
            m = await next_moments(session)
    changed = closed = planned = erased = flagging = 0  # rows changed by the steps below (any may queue a message)
    if _come(m.claimed, now - CLAIM_LEASE):
        changed += await recover(tick.sessions, now=now, lease=CLAIM_LEASE)
    if _come(m.closing, now):
        changed += (closed := await close_unanswered(tick.sessions, now=now))
    if _come(m.expiring, now):
        flagging += await expire_questionnaires(tick.sessions, now=now, protocol=protocol)  # may flag
    if m.unreviewed or _come(m.reviewed, now - REVIEW_EVERY):
        flagging += await review_due(tick.sessions, now=now, protocol=protocol)  # the flags raised
    if m.unplanned or _come(m.planned_until, now + protocol.doses.plan_ahead / 2, strictly=True):
        planned = await plan(tick.sessions, now=now, protocol=protocol)
        changed += 1 + planned  # its weekly questionnaires too, whatever the doses
    if m.erasures:
        changed += (erased := await tick.before_dispatch(now))
    newest_flag = await latest_flag_id(tick.sessions) if flagging else m.newest_flag  # a flag just raised counts
    changed += flagging + await upkeep(
        tick.sessions,
        protocol,
        tick.state,
        m,
        now=now,
        closed=closed,
        flag=newest_flag,
        inbox_days=tick.inbox_retention_days,
    )
    total = DispatchStats()
    if changed or _come(m.due, now):
        total = await _dispatch(tick, deliver, dispatch_limit)
    return TickResult(planned, closed, total, erased=erased, inbox=m.inbox)


def _come(moment: datetime | None, by: datetime, *, strictly: bool = False) -> bool:
    """The moment has come by `by` (before it, when `strictly`); None never comes."""
    return moment is not None and (moment < by if strictly else moment <= by)


async def _dispatch(tick: Tick, deliver: Deliver, limit: int) -> DispatchStats:
    total = DispatchStats()
    for _ in range(MAX_ROUNDS):
        if tick.stopping():
            break
        stats = await dispatch_once(
            tick.sessions,
            now=tick.clock(),
            protocol=tick.protocol,
            worker=tick.worker,
            deliver=deliver,
            limit=limit,
            clock=tick.clock,
        )
        for name in ("claimed", "sent", "dropped", "expired", "failed", "retried", "blocked"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
        for kind, n in stats.counts.items():
            total.counts[kind] = total.counts.get(kind, 0) + n
        if stats.claimed < limit:
            break
    return total


async def recover_all(sessions: Sessions, *, now: datetime) -> int:
    """Single-process start-up: every claim left by the previous run is released at once."""
    return await recover(sessions, now=now, lease=timedelta(0))
