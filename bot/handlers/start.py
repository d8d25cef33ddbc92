"""/start with a link token, the consent question, /help and stray text."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.handlers import helper, patient_messages
from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, user_id
from bot.handlers.consent_view import show_consent
from bot.handlers.language import ask_at_consent, lang_for, telegram_language
from bot.handlers.symptoms import report_button
from bot.render.commands import team_help
from bot.texts import patient, supported, t
from bot.texts.formats import when
from services import auditing, consent, consent_answer, language, menus
from services.language import pick
from services.patients import patient_for_chat
from storage.updates import start_digest

LINK_REPLIES = {
    "unknown": "link_unknown",
    "expired": "link_expired",
    "used": "link_used",
    "other_chat": "link_other_chat",
    "already_enrolled": "already_enrolled",
    "rate_limited": "link_rate_limited",
    "helper_self": "helper_self",
}


async def start(update: Update, context: Context) -> None:
    s = svc(context)
    if not context.args:
        await by_role(update, context, newcomer="not_enrolled")  # a member, a patient, or no link yet
        return
    result = await consent.open_link(
        s.sessions,
        digest=start_digest(context.args[0]),  # the inbox stored the token's hash in its place
        chat_id=chat_id(update),
        user_id=user_id(update),
        now=s.now(),
        language=supported(telegram_language(update)),
        username=update.effective_user.username if update.effective_user else None,
    )
    if result.kind in ("member_joined", "member_already"):
        async with s.sessions() as session:  # the team's language, and its commands right away
            menu = await menus.menu_of(session, user_id(update), private=True)
        await reply(
            update, f"{t(result.kind, menu.language, team=result.team)}\n\n{team_help(menu.teams, menu.language)}"
        )
    elif result.kind == "consent" and result.language is None:
        await ask_at_consent(update, result)
    elif result.kind == "consent":
        await show_consent(update, result)
    elif result.kind == "helper_consent":  # a family helper's link (issue 14)
        await helper.show_consent(update, context, result)
    else:
        await reply(update, t(LINK_REPLIES[result.kind], await lang_for(update, context)))


async def consent_language_pressed(update: Update, context: Context) -> None:
    """A language button under the question asked before the consent text (l1:<invite id>:<lang>)."""
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "l1", 2)
    invite_id = row_id(fields[0]) if fields else None
    result = None
    if fields is not None and invite_id is not None:
        result = await language.choose_at_consent(
            s.sessions, invite_id=invite_id, chat_id=user_id(update), code=fields[1], now=s.now()
        )
    if result is None:
        if fields is None or invite_id is None:  # the service audits the refusals it sees
            actor = f"tg:{user_id(update)}"
            await auditing.refused(s.sessions, actor=actor, action="language", reason="malformed", now=s.now())
        await query.answer(t("press_stale", pick(telegram_language(update))))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await show_consent(update, result)


async def consent_pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "c1", 2)
    invite_id = row_id(fields[0]) if fields else None
    if fields is None or invite_id is None or fields[1] not in ("y", "n"):
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="consent", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale", await lang_for(update, context)))
        return
    result = await consent_answer.answer_consent(
        s.sessions, invite_id=invite_id, chat_id=user_id(update), agree=fields[1] == "y", now=s.now()
    )
    lang = result.language
    if result.kind == "consented":
        text = (
            patient("consented", lang, first_dose=when(result.first_dose, result.timezone, lang))
            if result.first_dose
            else patient("consented_no_dose", lang)
        )
    elif result.kind in ("declined", "already_enrolled"):
        text = t(result.kind, lang)
    elif result.kind == "not_yours":  # someone else's button: answer in the presser's language
        await query.answer(t("press_not_yours", pick(telegram_language(update))))
        return
    else:  # gone: used by someone else, expired, or no such invite
        await auditing.refused(s.sessions, actor=f"tg:{user_id(update)}", action="consent", reason="gone", now=s.now())
        await query.answer(t("consent_gone", lang))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await reply(update, text)


async def help_command(update: Update, context: Context) -> None:
    """/help (and an unknown command) by role: a care-team member sees the team's commands (then, if also a
    patient, the patient help); everyone else the patient help."""
    await by_role(update, context, newcomer="help")


async def by_role(update: Update, context: Context, *, newcomer: str) -> None:
    """The answer to /help or /start: a member's is the team's commands, never "open the link..."."""
    s = svc(context)
    async with s.sessions() as session:
        menu = await menus.menu_of(session, chat_id(update), private=True)
    known = await patient_for_chat(s.sessions, chat_id(update))
    if menu.role is not None:
        await reply(update, team_help(menu.teams, menu.language))
        if not known:
            return
    lang = await lang_for(update, context)
    if known or newcomer == "help":  # the patient help, with the way to report a symptom at any time
        await reply(update, patient("help", lang), reply_markup=InlineKeyboardMarkup([[report_button(lang)]]))
    else:
        await reply(update, t(newcomer, lang))


async def group_help(update: Update, context: Context) -> None:
    """/help in a group: the team's group commands in its alert chat, else how to set the group up."""
    s = svc(context)
    async with s.sessions() as session:
        menu = await menus.menu_of(session, chat_id(update), private=False)
    if menu.role is None:
        await reply(update, t("team_help_group_unset"))
    else:
        await reply(update, team_help(menu.teams, menu.language, group=True))


async def stray_text(update: Update, context: Context) -> None:
    await patient_messages.patient_text(update, context)  # a typed 0-10 answer, else passed to the care team
