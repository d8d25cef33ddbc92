"""A patient's side of the conversation with the care team (issue 14): the Reply button and free text.

Group -4: the Reply (`m2:<message id>`) button. A patient's free text arrives through the stray-text
handler (`patient_text`): while they are answering a questionnaire (an answer within the last 15 minutes)
it is an answer or gets the pointer to the buttons, as before, unless it has red-flag words; otherwise it
goes to the team.
"""

from __future__ import annotations

from telegram import ForceReply, Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers import questionnaire
from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, user_id
from bot.handlers.language import lang_for
from bot.texts import patient, t
from care.keywords import red_flag_words
from services import auditing, helper_stop, questionnaires, relay


async def reply_pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "m2", 1)
    message_id = row_id(fields[0]) if fields else None
    lang = None
    if message_id is not None:
        lang = await relay.reply_allowed(s.sessions, message_id=message_id, chat_id=chat_id(update), now=s.now())
    else:
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="message.reply", reason="malformed", now=s.now()
        )
    if lang is None:
        await query.answer(t("press_stale", await lang_for(update, context)))
        raise ApplicationHandlerStop
    await query.answer()
    await reply(update, t("msg_reply_prompt", lang), reply_markup=ForceReply())
    raise ApplicationHandlerStop


def number_like(text: str) -> bool:
    """ "7", "7.0", "⁷", "０", "-1": meant as an answer to an open question, not a message to the team."""
    text = text.strip()
    return any(c.isdigit() for c in text) and all(c.isdigit() or c in ".,+-" for c in text)


async def patient_text(update: Update, context: Context) -> None:
    """A patient's free text (from the stray-text handler): while a questionnaire is being answered, an
    answer or a pointer to its buttons (as before); else relayed to the team (a typed 0-10 number still
    answers an open question)."""
    message, s = update.effective_message, svc(context)
    assert message is not None and message.text is not None
    words = bool(red_flag_words(message.text, lists=s.protocol.conversation.red_flag_words))
    answering = not words and await relay.answering_questions(
        s.sessions, chat_id=chat_id(update), now=s.now(), protocol=s.protocol
    )  # red-flag words always reach the team
    if (answering or number_like(message.text)) and await questionnaire.typed(update, context):
        return  # an answer, or a pointer to the buttons: the questionnaire is the dialogue
    result = await relay.patient_wrote(
        s.sessions, chat_id=chat_id(update), text=message.text, red_flag_words=words, now=s.now(), protocol=s.protocol
    )
    lang = result.language
    if result.outcome == "not_enrolled":
        helper_lang = await helper_stop.is_helper(s.sessions, chat_id=chat_id(update))
        if helper_lang is not None:
            await reply(update, t("helper_chat_hint", helper_lang))
        else:
            await reply(update, t("not_enrolled", await lang_for(update, context)))
    elif result.outcome in ("ended", "rate_limited"):
        await reply(update, patient("msg_not_passed_ended" if result.outcome == "ended" else "msg_rate_limited", lang))
    else:
        text = t("msg_relayed", lang)
        if await questionnaires.current_for_chat(s.sessions, chat_id(update), s.protocol) is not None:
            text += "\n\n" + t("msg_relayed_questions_open", lang)
        await reply(update, f"{text}\n\n{t('footer', lang)}")
