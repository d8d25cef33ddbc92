"""The sender the dispatcher calls: render each job (bot/sending/rendering.py) and send it through the real Bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.sending.rendering import Texts, render
from care.protocol import Protocol
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Retry, Sent
from schedules.lease import heartbeat

log = logging.getLogger(__name__)
NETWORK_RETRY_SECONDS = 10.0
# requests in flight at once from a slice: httpcore's pool scans every pooled connection (a poll() and anyio's
# socket attributes for each idle one) whenever a request starts or ends, so 50 at once on up to 32 connections
# cost ~0.7 ms of CPU a message more than 8 at once (issue 17, bench/README). 8 concurrent requests are still
# ~80-250/s at Telegram's round trips, above its ~30/s for a bot's broadcasts.
SENDS_IN_FLIGHT = 8
Part = tuple[str, InlineKeyboardMarkup | None]


def outcome_of(exc: TelegramError, *, part: int = 0) -> Outcome:
    """What a refused or failed send became; the one reading of Telegram's errors for every sender.

    `part` > 0: earlier parts of a multi-part message went out, so a retry may repeat them (uncertain)."""
    if isinstance(exc, Forbidden):
        return Blocked()
    if isinstance(exc, ChatMigrated):  # a group that became a supergroup (only team chats are groups)
        return Blocked("migrated", moved_to=exc.new_chat_id)
    if isinstance(exc, RetryAfter):
        after = exc.retry_after
        seconds = after.total_seconds() if hasattr(after, "total_seconds") else float(after)
        return Retry(seconds, uncertain=part > 0, error="429")
    if isinstance(exc, TimedOut):
        return Retry(NETWORK_RETRY_SECONDS, uncertain=True, error="timed out")
    if isinstance(exc, BadRequest):
        return Blocked("chat not found") if "chat not found" in exc.message.lower() else Failed(exc.message)
    if isinstance(exc, NetworkError):
        return Retry(NETWORK_RETRY_SECONDS, uncertain=part > 0, error=f"network: {type(exc).__name__}")
    return Failed(type(exc).__name__)


async def send_parts(bot: Bot, chat_id: int, parts: Sequence[Part]) -> Outcome:
    """Send one message or several in order; Sent with the first one's id, or what the failing part became."""
    first: int | None = None
    for n, (text, keyboard) in enumerate(parts):
        await heartbeat()  # the dispatcher's claim on this batch, renewed when it is time (schedules/lease.py)
        try:
            message = await bot.send_message(chat_id, text, reply_markup=keyboard)
        except TelegramError as exc:
            outcome = outcome_of(exc, part=n)
            if n and isinstance(outcome, Retry):
                return Retry(outcome.after_seconds, uncertain=True, error=f"part {n + 1}: {outcome.error}")
            return outcome
        first = first if first is not None else message.message_id
    assert first is not None
    return Sent(first)


def by_kind(inner: Deliver, kinds: frozenset[str], send: Callable[[Job], Awaitable[Outcome]]) -> Deliver:
    """A sender for `kinds` in front of `inner`: each job goes to the one that knows its kind, order kept."""

    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        others = [j for j in jobs if j.kind not in kinds]
        theirs = iter(await inner(others) if others else [])
        ours = iter(await asyncio.gather(*(send(j) for j in jobs if j.kind in kinds)))
        return [next(ours) if j.kind in kinds else next(theirs) for j in jobs]

    return deliver


async def send_one(bot: Bot, job: Job, protocol: Protocol, texts: Texts | None = None) -> Outcome:
    text, keyboard = render(job, protocol, texts)
    if job.kind == "dose_close":
        return await close_reminder(bot, job, text)
    outcome = await send_parts(bot, job.chat_id, [(text, keyboard)])
    log.debug("outbox=%s kind=%s: %s", job.outbox_id, job.kind, type(outcome).__name__)
    return outcome


async def close_reminder(bot: Bot, job: Job, text: str) -> Outcome:
    """Edit a closed dose's reminder to its final text and take the buttons off its nudge. A message that
    is gone or already closed needs nothing more; only a network problem is retried."""
    reminder, nudge = (*job.edits, None, None)[:2]
    await heartbeat()
    try:
        if reminder is not None:
            with contextlib.suppress(BadRequest):
                await bot.edit_message_text(text, chat_id=job.chat_id, message_id=reminder, reply_markup=None)
        if nudge is not None:
            with contextlib.suppress(BadRequest):
                await bot.edit_message_reply_markup(job.chat_id, nudge, reply_markup=None)
    except (Forbidden, RetryAfter) as exc:
        return outcome_of(exc)
    except NetworkError as exc:  # an edit sent twice is harmless: a plain retry, never uncertain
        return Retry(NETWORK_RETRY_SECONDS, error=f"network: {type(exc).__name__}")
    return Sent(reminder or 0)


def make_deliver(bot: Bot, protocol: Protocol) -> Deliver:
    texts = Texts()  # a sender lives for one tick (bot/ticks.py)
    gate = asyncio.Semaphore(SENDS_IN_FLIGHT)

    async def one(job: Job) -> Outcome:
        async with gate:
            return await send_one(bot, job, protocol, texts)

    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        return await asyncio.gather(*(one(job) for job in jobs))

    return deliver
