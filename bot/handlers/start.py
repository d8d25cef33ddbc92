"""/start with a link token, the consent question, /help and stray text."""

from __future__ import annotations

from telegram import Update

from bot.handlers import questionnaire
from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, user_id
from bot.render import local, yes_no
from bot.services import auditing, consent
from bot.services.patients import patient_for_chat
from bot.texts import patient, t

LINK_REPLIES = {
    "unknown": "link_unknown",
    "expired": "link_expired",
    "used": "link_used",
    "other_chat": "link_other_chat",
    "already_enrolled": "already_enrolled",
}


async def start(update: Update, context: Context) -> None:
    s = svc(context)
    if not context.args:
        known = await patient_for_chat(s.sessions, chat_id(update))
        await reply(update, patient("help") if known else t("not_enrolled"))
        return
    result = await consent.open_link(
        s.sessions, token=context.args[0], chat_id=chat_id(update), user_id=user_id(update), now=s.now()
    )
    if result.kind in ("member_joined", "member_already"):
        await reply(update, t(result.kind, team=result.team))
    elif result.kind == "consent":
        keyboard = yes_no("btn_agree", "btn_decline", f"c1:{result.invite_id}:y", f"c1:{result.invite_id}:n")
        text = t("consent", team=result.team, regimen=result.regimen_title, alias=result.alias)
        await reply(update, text, reply_markup=keyboard)
    else:
        await reply(update, t(LINK_REPLIES[result.kind]))


async def consent_pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "c1", 2)
    invite_id = row_id(fields[0]) if fields else None
    if fields is None or invite_id is None or fields[1] not in ("y", "n"):
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="consent", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale"))
        return
    result = await consent.answer_consent(
        s.sessions, invite_id=invite_id, chat_id=user_id(update), agree=fields[1] == "y", now=s.now()
    )
    if result.kind == "consented":
        text = (
            patient("consented", first_dose=local(result.first_dose, result.timezone))
            if result.first_dose
            else patient("consented_no_dose")
        )
    elif result.kind in ("declined", "already_enrolled"):
        text = t(result.kind)
    else:
        await query.answer(t("press_not_yours" if result.kind == "not_yours" else "consent_gone"))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await reply(update, text)


async def help_command(update: Update, context: Context) -> None:
    await reply(update, patient("help"))


async def stray_text(update: Update, context: Context) -> None:
    if await questionnaire.typed(update, context):
        return
    known = await patient_for_chat(svc(context).sessions, chat_id(update))
    await reply(update, patient("use_buttons") if known else t("not_enrolled"))
