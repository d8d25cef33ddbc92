"""The periodic tick: recover claims, close and expire what is over, review, plan, then dispatch.

Idempotent and safe to run in several processes at once (the outbox's claims decide who sends what).
The sending itself is a port: `deliver` (schedules.jobs.Deliver) takes due jobs and reports each outcome;
bot/ provides the Telegram implementation, the sandbox and tests drive it through the real one. What the
tick does after dispatch with Telegram (the inbox) is bot/'s (bot/ticks.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from care.protocol import Protocol
from schedules.digests import plan_team_messages
from schedules.dispatch import DispatchStats, close_unanswered, dispatch_once, recover
from schedules.flagging import latest_flag_id
from schedules.helper_notices import plan_helper_notices
from schedules.jobs import Deliver
from schedules.planner import plan
from schedules.questionnaires import expire_questionnaires
from schedules.retention import prune
from schedules.reviews import review_due
from storage.engine import Sessions

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=2)
TEAM_PLANNING_EVERY = timedelta(minutes=5)
RETENTION_EVERY = timedelta(hours=1)
MAX_ROUNDS = 50


@dataclass
class TickState:
    """What one process remembers between ticks: when each throttled step is next due, what it saw last."""

    next_upkeep: dict[str, datetime] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)


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
    before_dispatch: Callable[[datetime], Awaitable[int]]  # e.g. erasures to retry, so their last message goes


@dataclass
class TickResult:
    planned: int
    closed: int
    dispatch: DispatchStats
    updates: int = 0
    erased: int = 0


async def run(tick: Tick, deliver: Deliver, *, dispatch_limit: int = 500) -> TickResult:
    s, now, protocol = tick.state, tick.clock(), tick.protocol
    await recover(tick.sessions, now=now, lease=CLAIM_LEASE)
    closed = await close_unanswered(tick.sessions, now=now)
    await expire_questionnaires(tick.sessions, now=now, protocol=protocol)
    await review_due(tick.sessions, now=now, protocol=protocol)
    planned = await plan(tick.sessions, now=now, protocol=protocol)
    erased = await tick.before_dispatch(now)
    if now >= s.next_upkeep.get("retention", now):
        await prune(tick.sessions, now=now, inbox_days=tick.inbox_retention_days)
        s.next_upkeep["retention"] = now + RETENTION_EVERY
    # digests are planned a day ahead, so every few minutes is plenty; a new flag (a verdict) plans at once
    newest_flag = await latest_flag_id(tick.sessions)
    if now >= s.next_upkeep.get("team", now) or newest_flag != s.counters.get("team_planned_flag", 0):
        await plan_team_messages(tick.sessions, now=now, protocol=protocol)  # digests, milestone alerts
        s.next_upkeep["team"] = now + TEAM_PLANNING_EVERY
        s.counters["team_planned_flag"] = newest_flag
    if closed or newest_flag != s.counters.get("helper_planned_flag", 0) or now >= s.next_upkeep.get("helper", now):
        await plan_helper_notices(tick.sessions, now=now, protocol=protocol)  # issue 14: the family helper
        s.next_upkeep["helper"] = now + TEAM_PLANNING_EVERY
        s.counters["helper_planned_flag"] = newest_flag
    total = await _dispatch(tick, deliver, dispatch_limit)
    return TickResult(planned, closed, total, erased=erased)


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
