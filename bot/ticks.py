"""The periodic tick: recover, close, plan, dispatch, and process the inbox. Idempotent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from telegram.ext import Application

from bot.context import services_of
from bot.conversation_delivery import with_conversation
from bot.delivery import make_deliver
from bot.guard import guarded
from bot.inbox import drain
from bot.menu_delivery import with_menus
from bot.services.erasure_retry import retry_due
from bot.team_delivery import with_team_messages
from schedules.digests import plan_team_messages
from schedules.dispatch import DispatchStats, close_unanswered, dispatch_once, recover
from schedules.flagging import latest_flag_id
from schedules.helper_notices import plan_helper_notices
from schedules.planner import plan
from schedules.questionnaires import expire_questionnaires
from schedules.retention import prune
from schedules.reviews import review_due
from storage.engine import checkpoint

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=2)
TEAM_PLANNING_EVERY = timedelta(minutes=5)
RETENTION_EVERY = timedelta(hours=1)
MAX_ROUNDS = 50


@dataclass
class TickResult:
    planned: int
    closed: int
    dispatch: DispatchStats
    updates: int


async def run_tick(app: Application, *, dispatch_limit: int = 500) -> TickResult:  # type: ignore[type-arg]
    s = services_of(app.bot_data)
    now = s.now()
    await recover(s.sessions, now=now, lease=CLAIM_LEASE)
    closed = await close_unanswered(s.sessions, now=now)
    await expire_questionnaires(s.sessions, now=now, protocol=s.protocol)
    await review_due(s.sessions, now=now, protocol=s.protocol)
    planned = await plan(s.sessions, now=now, protocol=s.protocol)
    erased = await retry_due(s.sessions, now=now)  # erasures that failed: before dispatch, so the last message goes
    if now >= s.next_upkeep.get("retention", now):
        await prune(s.sessions, now=now, inbox_days=s.settings.b12bot_inbox_retention_days)
        s.next_upkeep["retention"] = now + RETENTION_EVERY
    # digests are planned a day ahead, so every few minutes is plenty; a new flag (a verdict) plans at once
    newest_flag = await latest_flag_id(s.sessions)
    if now >= s.next_upkeep.get("team", now) or newest_flag != s.counters.get("team_planned_flag", 0):
        await plan_team_messages(s.sessions, now=now, protocol=s.protocol)  # digests, milestone alerts
        s.next_upkeep["team"] = now + TEAM_PLANNING_EVERY
        s.counters["team_planned_flag"] = newest_flag
    if closed or newest_flag != s.counters.get("helper_planned_flag", 0) or now >= s.next_upkeep.get("helper", now):
        await plan_helper_notices(s.sessions, now=now, protocol=s.protocol)  # issue 14: the family helper
        s.next_upkeep["helper"] = now + TEAM_PLANNING_EVERY
        s.counters["helper_planned_flag"] = newest_flag
    inner = with_team_messages(make_deliver(app.bot, s.protocol), app.bot, s)
    deliver = guarded(with_menus(with_conversation(inner, app.bot, s), app.bot, s), s)
    total = DispatchStats()
    for _ in range(MAX_ROUNDS):
        if s.stopping.is_set():  # shutting down: claim nothing more
            break
        stats = await dispatch_once(
            s.sessions,
            now=s.now(),
            protocol=s.protocol,
            worker=s.worker,
            deliver=deliver,
            limit=dispatch_limit,
            clock=s.now,
        )
        for name in ("claimed", "sent", "dropped", "expired", "failed", "retried", "blocked"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
        for kind, n in stats.counts.items():
            total.counts[kind] = total.counts.get(kind, 0) + n
        if stats.claimed < dispatch_limit:
            break
    updates = await drain(app)
    if erased or total.counts.get("team_notice"):  # an erasure, or its notice (a former alias) sent and blanked
        s.checkpoint_due = True
    if s.checkpoint_due:  # SQLite: no page image of erased rows left in the write-ahead log
        s.checkpoint_due = not await checkpoint(s.engine)
    s.count("ticks")
    s.count("sent", total.sent)
    if total.claimed:
        log.info(
            "tick planned=%d closed=%d sent=%d dropped=%d expired=%d failed=%d retried=%d",
            planned,
            closed,
            total.sent,
            total.dropped,
            total.expired,
            total.failed,
            total.retried,
        )
    return TickResult(planned, closed, total, updates)


async def recover_after_restart(app: Application) -> int:  # type: ignore[type-arg]
    """Single-process start-up: every claim left by the previous run is released at once."""
    s = services_of(app.bot_data)
    return await recover(s.sessions, now=s.now(), lease=timedelta(0))
