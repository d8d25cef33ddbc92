"""Presses on dose reminders."""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.error import BadRequest

from bot.handlers import dose_details
from bot.handlers.common import Context, chat_id, row_id, split_data, svc, user_id
from bot.inbox_guard import stranger_limited
from bot.render.dose_details import reason_keyboard
from bot.texts import t
from bot.texts.formats import clock
from services import auditing, doses, settings

ANSWER_KEYS = {
    ("oral", "taken"): "answer_taken",
    ("im", "taken"): "answer_given",
    ("oral", "skipped"): "answer_skipped",
    ("im", "skipped"): "answer_not_given",
    ("oral", "snoozed"): "answer_snoozed",
    ("im", "snoozed"): "answer_snoozed",
}
REFUSALS = {
    "not_yours": "press_not_yours",
    "stale": "press_stale",
    "snooze_limit": "press_snooze_limit",
    "closed": "press_closed",
}


async def _checked(update: Update, context: Context) -> bool:
    """What bot/inbox.py and the buttons' catch-all (routes.py, group -3) do first for other updates: the
    stranger check (False: over the limit, leave the update alone), then an open /time question ends."""
    if await stranger_limited():
        return False
    await settings.end(svc(context).sessions, chat_id=chat_id(update), user_id=user_id(update))
    return True


async def dose_pressed(update: Update, context: Context) -> None:
    """Taken / Snooze / Skip, and the details under a reminder. The stranger check and the end of an open /time
    question are this handler's (bot/inbox_guard.py): for Taken / Snooze / Skip, inside the press's own work."""
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "d1", 2)
    message = query.message if isinstance(query.message, Message) else None
    dose_id = row_id(fields[0]) if fields else None
    if fields is not None and dose_id is not None and message is not None and dose_details.handles(fields[1]):
        if await _checked(update, context):
            await dose_details.pressed(query, context, dose_id=dose_id, code=fields[1], message=message)
        return
    earlier = dose_details.taken_at(fields[1]) if fields is not None else None
    action = "t" if earlier is not None else fields[1] if fields is not None else ""
    if fields is None or dose_id is None or action not in doses.ACTIONS or message is None:
        if not await _checked(update, context):
            return
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="dose.press", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale"))
        return
    now = s.now()
    result = await doses.press(
        s.sessions,
        dose_id=dose_id,
        action=action,
        taken_at=earlier,
        chat_id=user_id(update),
        message_id=message.message_id,
        now=now,
        protocol=s.protocol,
        in_chat=chat_id(update),
        stranger=stranger_limited,
    )
    if result.outcome == "limited":  # a stranger over the limit: no answer (bot/inbox.py keeps nothing of it)
        return
    lang = result.language
    if result.outcome == "stale":  # not_yours is audited by the service
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="dose.press", reason="stale", now=s.now())
    if result.outcome in REFUSALS:
        await query.answer(t(REFUSALS[result.outcome], lang))
        if result.outcome == "closed":  # its buttons should have gone when it closed: take them off now
            with contextlib.suppress(BadRequest):
                await query.edit_message_reply_markup(None)
        return
    if result.outcome == "already":
        await query.answer(t("press_already", lang, answer=t(f"status_answer_{result.answer}", lang)))
        return
    shown = clock(result.until or now, result.timezone, lang)
    keyboard = None
    answer = t(ANSWER_KEYS[(result.route, result.answer)], lang, time=shown)
    footer = t("footer", lang)
    body = (message.text or "").replace(footer, "").rstrip()
    await query.answer(t("press_recorded", lang))
    if result.answer == "skipped":  # why, if the patient wants to say: one more tap, never required
        answer, keyboard = f"{answer}\n{t('skip_why', lang)}", reason_keyboard(dose_id, lang)
    await query.edit_message_text(f"{body}\n\n{answer}\n\n{footer}", reply_markup=keyboard)
    for other in result.other_messages:  # the reminder and its nudge: no buttons left on either
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_reply_markup(user_id(update), other, reply_markup=None)


async def unknown_pressed(update: Update, context: Context) -> None:
    """Any other button data: forged or from an old version. Refused politely and audited."""
    query, s = update.callback_query, svc(context)
    assert query is not None
    await auditing.refused(s.sessions, actor=f"tg:{user_id(update)}", action="press", reason="unknown", now=s.now())
    await query.answer(t("press_stale"))
