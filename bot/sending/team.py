"""Sending the care team's digests and milestone alerts (outbox kinds digest, milestone, verdict).

Wraps the dispatcher's sender: jobs of these kinds are rendered here, from the database as of now
(digest, week-4 summary) or from the row's payload (verdict); every other job goes to the inner
sender unchanged. A digest may take several messages; if a later part fails, the outcome is a retry
marked uncertain (the earlier parts may be sent again), as for any ambiguous send. The digest's flags
are marked digested once every part has gone out.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup

from bot.context import Services
from bot.render.digest import messages
from bot.render.milestones import flag_keyboard, verdict_text, week4_text
from bot.sending.delivery import by_kind, send_parts
from schedules.digest_data import digest_for, figures_for, mark_digested
from schedules.jobs import Blocked, Deliver, Failed, Job, Outcome, Sent, Skipped
from storage.models import Patient

log = logging.getLogger(__name__)
TEAM_KINDS = frozenset({"digest", "milestone", "verdict"})
Message = tuple[str, InlineKeyboardMarkup | None]


def with_team_messages(inner: Deliver, bot: Bot, services: Services) -> Deliver:
    return by_kind(inner, TEAM_KINDS, lambda job: send_team(bot, job, services))


async def render_team(job: Job, services: Services) -> tuple[list[Message], list[int]]:
    """The messages of a team job, and the flags a digest shows."""
    lang = str(job.payload.get("lang", "en"))
    if job.kind == "verdict":
        return [(verdict_text(job.payload, services.protocol.b6, lang), flag_keyboard(job.payload, lang))], []
    async with services.sessions() as session:
        if job.kind == "digest":
            digest = await digest_for(
                session, int(job.payload["team_id"]), at=job.due_at, now=services.now(), protocol=services.protocol
            )
            return messages(digest, services.protocol), [f.id for f in digest.flags]
        patient = await session.get(Patient, int(job.payload["patient_id"]))
        if patient is None:
            return [], []
        figures = await figures_for(session, [patient], since=None, now=services.now())
        return [(week4_text(patient.alias, figures[patient.id or 0], services.protocol.b6, lang), None)], []


async def send_team(bot: Bot, job: Job, services: Services) -> Outcome:
    try:
        parts, flag_ids = await render_team(job, services)
    except Exception as exc:  # a rendering bug must not stop the other sends
        log.exception("rendering outbox=%s kind=%s failed", job.outbox_id, job.kind)
        return Failed(f"render: {type(exc).__name__}")
    if not parts and job.kind == "digest":  # nothing new, and the team asked for no empty digest
        return Skipped("empty digest: the team's setting is quiet")
    if not parts:
        return Failed("nothing to send")
    outcome = await send_parts(bot, job.chat_id, parts)
    if isinstance(outcome, Blocked) and not outcome.moved_to and outcome.reason != "chat not found":
        # the bot was removed from the team's group: schedules.team_reroute reaches the members
        return Blocked("forbidden: the bot is not in the team's chat")
    if not isinstance(outcome, Sent):
        return outcome
    if flag_ids:
        async with services.sessions() as session:
            await mark_digested(session, flag_ids, at=job.due_at)
            await session.commit()
    return outcome
