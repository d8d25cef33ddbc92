"""The sender the dispatcher calls: render each job and send it through the real Bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.render import dose_keyboard, dose_label, phase_text
from bot.texts import patient, t
from care.protocol import Protocol
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Retry, Sent

log = logging.getLogger(__name__)
NETWORK_RETRY_SECONDS = 10.0


def render(job: Job, protocol: Protocol) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = job.language
    if job.dose is None:
        key = str(job.payload.get("key", "help"))
        return patient(key, lang, **job.payload.get("params", {})), None
    dose = job.dose
    label = dose_label(dose.phase, lang)
    injection = dose.route == "im"
    if job.kind == "dose_nudge":
        key = "dose_nudge_injection" if injection else "dose_nudge_oral"
    else:
        key = "dose_injection" if injection else "dose_oral"
    lines = [t(key, lang, dose=label)]
    if dose.phase_start:
        lines.insert(0, t("phase_switch", lang, regimen_phase=phase_text(dose.phase, lang)))
    if job.late and job.kind == "dose_reminder":
        lines.append(t("dose_late", lang))
    lines.append("")
    lines.append(t("footer", lang))
    keyboard = dose_keyboard(
        dose.id,
        route=dose.route,
        snoozes=dose.snoozes,
        max_snoozes=protocol.doses.max_snoozes,
        snooze_minutes=protocol.doses.snooze_minutes,
        lang=lang,
    )
    return "\n".join(lines), keyboard


async def send_one(bot: Bot, job: Job, protocol: Protocol) -> Outcome:
    text, keyboard = render(job, protocol)
    try:
        message = await bot.send_message(job.chat_id, text, reply_markup=keyboard)
    except Forbidden:
        return Blocked()
    except RetryAfter as exc:
        after = exc.retry_after
        return Retry(after.total_seconds() if hasattr(after, "total_seconds") else float(after), error="429")
    except TimedOut:
        return Retry(NETWORK_RETRY_SECONDS, uncertain=True, error="timed out")
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return Blocked("chat not found")
        return Failed(exc.message)
    except NetworkError as exc:
        return Retry(NETWORK_RETRY_SECONDS, error=f"network: {type(exc).__name__}")
    log.debug("sent outbox=%s kind=%s message=%s", job.outbox_id, job.kind, message.message_id)
    return Sent(message.message_id)


def make_deliver(bot: Bot, protocol: Protocol) -> Deliver:
    async def deliver(jobs: Sequence[Job]) -> Sequence[Outcome]:
        return await asyncio.gather(*(send_one(bot, job, protocol) for job in jobs))

    return deliver
