"""The tick with Telegram: schedules/tick.py does the work, this module gives it the Bot as its sender and
then handles the stored updates. Idempotent."""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.context import Services, services_of
from bot.inbox import drain
from bot.sending.conversation import with_conversation
from bot.sending.delivery import make_deliver
from bot.sending.guard import guarded
from bot.sending.menus import with_menus
from bot.sending.team import with_team_messages
from schedules import tick
from schedules.jobs import Deliver
from schedules.moments import Moments
from schedules.tick import Tick, TickResult
from services.erasure_retry import retry_due
from storage.engine import checkpoint

log = logging.getLogger(__name__)
__all__ = ["TickResult", "recover_after_restart", "run_tick", "sender", "tick_of"]


def tick_of(s: Services) -> Tick:
    """This process's tick, from its services."""
    return Tick(
        sessions=s.sessions,
        protocol=s.protocol,
        clock=s.now,
        worker=s.worker,
        state=s.tick_state,
        stopping=s.stopping.is_set,
        inbox_retention_days=s.settings.b12bot_inbox_retention_days,
        before_dispatch=lambda now: retry_due(s.sessions, now=now),  # erasures that failed: their last message goes
    )


def sender(app: Application, s: Services) -> Deliver:  # type: ignore[type-arg]
    """The Telegram implementation of the tick's Deliver port: every kind of message, sent in slices."""
    inner = with_team_messages(make_deliver(app.bot, s.protocol), app.bot, s)
    return guarded(with_menus(with_conversation(inner, app.bot, s), app.bot, s), s)


async def run_tick(app: Application, *, dispatch_limit: int = 500, moments: Moments | None = None) -> TickResult:  # type: ignore[type-arg]
    """The tick (schedules/tick.py) with Telegram: send through the Bot, then handle the stored updates.
    `moments`: already read since the database last changed (the sandbox's virtual time)."""
    s = services_of(app.bot_data)
    result = await tick.run(tick_of(s), sender(app, s), dispatch_limit=dispatch_limit, moments=moments)
    total = result.dispatch
    if result.inbox:  # updates stored and not handled yet (polling and the webhook drain what they store)
        result.updates = await drain(app)
    if result.erased or total.counts.get("team_notice"):  # an erasure, or its notice (a former alias) sent and blanked
        s.checkpoint_due = True
    if s.checkpoint_due:  # SQLite: no page image of erased rows left in the write-ahead log
        s.checkpoint_due = not await checkpoint(s.engine)
    s.count("ticks")
    s.count("sent", total.sent)
    if total.claimed:
        log.info(
            "tick planned=%d closed=%d sent=%d dropped=%d expired=%d failed=%d retried=%d",
            result.planned,
            result.closed,
            total.sent,
            total.dropped,
            total.expired,
            total.failed,
            total.retried,
        )
    return result


async def recover_after_restart(app: Application) -> int:  # type: ignore[type-arg]
    """Single-process start-up: every claim left by the previous run is released at once."""
    s = services_of(app.bot_data)
    return await tick.recover_all(s.sessions, now=s.now())
