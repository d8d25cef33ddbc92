"""Presses on questionnaire items, and numbers typed for a 0-10 item: each edits the one message."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.error import BadRequest

from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, user_id
from bot.inbox_guard import stranger_limited
from bot.render.questionnaire import answer_label
from bot.render.questionnaire_screen import Screen, answered_screen, paused_screen, question_screen, summary_screen
from bot.render.red_flags import advice_text
from bot.texts import patient, t
from bot.texts.formats import when
from services import auditing, questionnaire_step, questionnaires, settings
from services.questionnaire_views import ItemView

QUIET = {"not_yours": "press_not_yours", "old": "q_old_question", "closed": "q_closed", "invalid": "press_stale"}


async def pressed(update: Update, context: Context) -> None:
    """The stranger check and the end of an open /time question are this handler's (bot/inbox_guard.py): for a
    well-formed press, inside the press's own transaction (services/questionnaires.press)."""
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "q1", 3)
    message = query.message if isinstance(query.message, Message) else None
    qid = row_id(fields[0]) if fields else None
    position = int(fields[1]) if fields and re.fullmatch(r"[0-9]{1,3}", fields[1]) else None
    if fields is None or qid is None or position is None or message is None:
        if await stranger_limited():
            return
        await settings.end(s.sessions, chat_id=chat_id(update), user_id=user_id(update))
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
        message_id=message.message_id,
        in_chat=chat_id(update),
        stranger=stranger_limited,
    )
    if step.outcome == "limited":  # a stranger over the limit: no answer, nothing written
        return
    if step.outcome in ("old", "closed", "invalid"):  # a stale or forged press (not_yours: the service audits)
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="questionnaire.press", reason=step.outcome, now=s.now())
    await show(update, context, step, message)


async def show(update: Update, context: Context, step: questionnaire_step.Step, message: Message | None) -> None:
    """Render a step in the questionnaire's one message: edit it to the next screen (or the summary)."""
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
        await message.edit_reply_markup(question_screen(step.next, lang)[1])
        return
    target = message.message_id if message is not None else step.message_id
    screen = _screen(step)
    if step.advice and step.outcome != "completed":  # advice first; the questions go on below it
        body = (message.text or "") if message is not None else ""
        if message is not None:
            left = answered_screen(body.replace(t("footer", lang), "").rstrip(), _note(step) or "", lang)
            target = await _put(context, user_id(update), target, left)
        await context.bot.send_message(user_id(update), _advice(step))
        target = None
    shown = await _put(context, user_id(update), target, screen)
    if step.advice and step.outcome == "completed":  # the summary in place, then the advice below it
        await context.bot.send_message(user_id(update), _advice(step))
    if shown != step.message_id and step.questionnaire_id is not None:
        await questionnaires.moved(svc(context).sessions, questionnaire_id=step.questionnaire_id, message_id=shown)


def _advice(step: questionnaire_step.Step) -> str:
    assert step.advice is not None
    return f"{advice_text(step.advice, step.language)}\n\n{t('footer', step.language)}"


def _screen(step: questionnaire_step.Step) -> Screen:
    lang = step.language
    if step.outcome == "paused":
        until = when(step.expires_at, step.timezone, lang) if step.expires_at else "?"
        return paused_screen(step.questionnaire_id or 0, until, lang)
    if step.outcome == "completed":
        return summary_screen(step.answers, lang)
    assert step.next is not None
    return question_screen(step.next, lang, note=_note(step))


def _note(step: questionnaire_step.Step) -> str | None:
    """The line above the next question: the answer just saved, or where the patient is."""
    lang = step.language
    if step.outcome == "back":
        return t("q_went_back", lang)
    if step.outcome == "resumed":
        return t("q_resumed", lang)
    if step.answered_key is None or step.answer is None:
        return None
    return t("q_answer", lang, answer=answer_label(step.answered_key, step.answer, lang))


async def _put(context: Context, chat: int, message_id: int | None, screen: Screen) -> int:
    """Edit the message to `screen`; a new message when there is none or it cannot be edited. Its id."""
    text, keyboard = screen
    if message_id is not None:
        try:
            await context.bot.edit_message_text(text, chat_id=chat, message_id=message_id, reply_markup=keyboard)
            return message_id
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return message_id
    sent = await context.bot.send_message(chat, text, reply_markup=keyboard)
    return sent.message_id


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
