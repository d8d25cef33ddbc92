"""Presses on questionnaire items, and numbers typed for a 0-10 item."""

from __future__ import annotations

import re

from telegram import Message, Update

from bot.handlers.common import Context, reply, row_id, split_data, svc, user_id
from bot.render_questionnaire import answer_label, continue_keyboard, item_keyboard, item_text
from bot.services import auditing, questionnaires
from bot.services.questionnaire_views import ItemView
from bot.texts import patient, t
from bot.texts.formats import when

QUIET = {"not_yours": "press_not_yours", "old": "q_old_question", "closed": "q_closed", "invalid": "press_stale"}


async def pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "q1", 3)
    message = query.message if isinstance(query.message, Message) else None
    qid = row_id(fields[0]) if fields else None
    position = int(fields[1]) if fields and re.fullmatch(r"[0-9]{1,3}", fields[1]) else None
    if fields is None or qid is None or position is None or message is None:
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="questionnaire.press", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale"))
        return
    step = await questionnaires.press(
        s.sessions,
        questionnaire_id=int(fields[0]),
        position=int(fields[1]),
        code=fields[2],
        chat_id=user_id(update),
        now=s.now(),
        protocol=s.protocol,
    )
    if step.outcome in ("old", "closed", "invalid"):  # a stale or forged press (not_yours: the service audits)
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="questionnaire.press", reason=step.outcome, now=s.now())
    await show(update, context, step, message)


async def show(update: Update, context: Context, step: questionnaires.Step, message: Message | None) -> None:
    """Render a step: edit the pressed message, then send what comes next."""
    query, lang = update.callback_query, step.language
    if step.outcome in QUIET:
        if query is not None:
            await query.answer(t(QUIET[step.outcome], lang))
        if step.outcome == "closed" and message is not None and message.reply_markup:
            await message.edit_reply_markup(None)
        return
    if query is not None:
        await query.answer()
    if step.outcome == "toggled" and step.next is not None and message is not None:
        await message.edit_reply_markup(item_keyboard(step.next, lang))
        return
    if message is not None and query is not None:
        note = _note(step)
        body = (message.text or "").replace(t("footer", lang), "").rstrip()
        keyboard = continue_keyboard(_qid(step, message), lang) if step.outcome == "paused" else None
        await message.edit_text(f"{body}\n\n{note}", reply_markup=keyboard)
    if step.advice:
        await reply(update, patient(step.advice, lang))
    if step.next is not None and step.outcome != "paused":
        await context.bot.send_message(
            user_id(update), item_text(step.next, lang), reply_markup=item_keyboard(step.next, lang)
        )
    if step.outcome == "completed":
        await context.bot.send_message(user_id(update), patient("q_thanks", lang))


def _note(step: questionnaires.Step) -> str:
    lang = step.language
    if step.outcome == "paused":
        until = when(step.expires_at, step.timezone, lang) if step.expires_at else "?"
        return t("q_paused", lang, until=until)
    if step.outcome == "back":
        return t("q_went_back", lang)
    if step.outcome == "resumed":
        return t("q_resumed", lang)
    assert step.answered_key is not None and step.answer is not None
    return t("q_answer", lang, answer=answer_label(step.answered_key, step.answer, lang))


def _qid(step: questionnaires.Step, message: Message) -> int:
    data = (message.reply_markup.inline_keyboard[0][0].callback_data if message.reply_markup else None) or ""
    parts = str(data).split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


async def typed(update: Update, context: Context) -> bool:
    """A typed answer while a questionnaire is open. False when there is none (the caller replies)."""
    s, message = svc(context), update.effective_message
    assert message is not None and message.text is not None
    step = await questionnaires.typed(
        s.sessions, chat_id=user_id(update), text=message.text, now=s.now(), protocol=s.protocol
    )
    if step is None:
        return False
    if step.outcome in ("use_buttons", "use_buttons_nrs"):
        await reply(update, patient(f"q_{step.outcome}", step.language))
        return True
    await show(update, context, step, None)
    return True


__all__ = ["ItemView", "pressed", "typed"]
