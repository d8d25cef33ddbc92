"""A patient's family helper (issue 14): /helper, /helper remove, the helper's consent and /stop. Thin.

Group -4. The patient: /helper explains and asks (`h2:y|n`), then gives a one-time link; /helper remove.
The helper: opens the link (/start, through consent.open_link), answers `h1:<invite id>:y|n`; in a helper's
chat that is not also a patient's, /stop ends the notices and /help, /start, /status only explain.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, user_id
from bot.handlers.language import lang_for
from bot.links import link
from bot.render.doses import yes_no
from bot.texts import patient, t
from bot.texts.formats import when
from services import auditing, helper_consent, helper_invites, helper_remove, helper_stop, relay
from services.consent import LinkResult

HELPER_CHAT_COMMANDS = ("stop", "help", "start", "status")


def doses(lang: str, context: Context) -> str:
    return t("helper_doses", lang, n=svc(context).protocol.helper.unconfirmed_in_a_row)


async def helper_command(update: Update, context: Context) -> None:
    s = svc(context)
    if context.args and context.args[0].lower() == "remove":
        done = await helper_remove.remove(s.sessions, chat_id=chat_id(update), now=s.now())
    else:
        done = await helper_invites.state(s.sessions, chat_id=chat_id(update))
    lang = done.language
    if done.outcome == "not_enrolled":
        await reply(update, t("not_enrolled", await lang_for(update, context)))
    elif done.outcome == "ended":
        await reply(update, patient("helper_only_enrolled", lang))
    elif done.outcome == "active":
        since = when(done.since, done.timezone, lang) if done.since else "?"
        await reply(update, patient("helper_already", lang, since=since))
    elif done.outcome == "ask":
        keyboard = yes_no("btn_helper_create", "btn_helper_not_now", "h2:y", "h2:n", lang)
        await reply(update, t("helper_explain", lang, doses=doses(lang, context)), reply_markup=keyboard)
    else:
        await reply(update, patient("helper_removed" if done.outcome == "removed" else "helper_none", lang))
    raise ApplicationHandlerStop


async def create_pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "h2", 1)
    actor = f"tg:{user_id(update)}"
    if fields is None or fields[0] not in ("y", "n"):
        await auditing.refused(s.sessions, actor=actor, action="helper.invite", reason="malformed", now=s.now())
        await query.answer(t("press_stale"))
        raise ApplicationHandlerStop
    state = await helper_invites.state(s.sessions, chat_id=chat_id(update))
    if fields[0] == "y" and state.outcome == "ask":
        ttl = timedelta(days=s.settings.b12bot_invite_days)
        state = await helper_invites.create(s.sessions, chat_id=chat_id(update), now=s.now(), ttl=ttl)
    if state.outcome in ("not_enrolled", "ended"):
        await auditing.refused(s.sessions, actor=actor, action="helper.invite", reason=state.outcome, now=s.now())
        await query.answer(t("press_stale", await lang_for(update, context)))
        raise ApplicationHandlerStop
    await query.answer()
    await query.edit_message_reply_markup(None)
    lang = state.language
    if state.outcome == "created" and state.expires_at is not None:
        url = link(context.bot.username, state.token)
        await reply(
            update, patient("helper_link", lang, link=url, expires=when(state.expires_at, state.timezone, lang))
        )
    elif state.outcome == "active":
        since = when(state.since, state.timezone, lang) if state.since else "?"
        await reply(update, patient("helper_already", lang, since=since))
    else:
        await reply(update, patient("helper_not_now", lang))
    raise ApplicationHandlerStop


async def show_consent(update: Update, context: Context, result: LinkResult) -> None:
    """The helper's consent question (after /start with a helper link), in the helper's language."""
    lang = result.language or "en"
    keyboard = yes_no("btn_agree", "btn_decline", f"h1:{result.invite_id}:y", f"h1:{result.invite_id}:n", lang)
    await reply(update, t("helper_consent", lang, team=result.team, doses=doses(lang, context)), reply_markup=keyboard)


async def consent_pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "h1", 2)
    invite_id = row_id(fields[0]) if fields else None
    if fields is None or invite_id is None or fields[1] not in ("y", "n"):
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="helper.consent", reason="malformed", now=s.now())
        await query.answer(t("press_stale"))
        raise ApplicationHandlerStop
    answered = await helper_consent.answer(
        s.sessions, invite_id=invite_id, chat_id=chat_id(update), agree=fields[1] == "y", now=s.now(),
        in_a_row=s.protocol.helper.unconfirmed_in_a_row,
    )  # fmt: skip
    if answered.outcome == "refused":
        await query.answer(t("press_stale", answered.language))
        raise ApplicationHandlerStop
    await query.answer()
    await query.edit_message_reply_markup(None)
    key = "helper_agreed" if answered.outcome == "agreed" else "helper_declined"
    await reply(update, t(key, answered.language))
    raise ApplicationHandlerStop


async def helper_chat_command(update: Update, context: Context) -> None:
    """/stop, /help, /start, /status in a helper's chat (not also a patient's); elsewhere they pass on."""
    s, message = svc(context), update.effective_message
    text = (message.text or "") if message is not None else ""
    if text.startswith("/start") and context.args:
        return  # a link: consent.open_link decides
    if await relay.is_patient(s.sessions, chat_id=chat_id(update)):
        return
    lang = await helper_stop.is_helper(s.sessions, chat_id=chat_id(update))
    if lang is None:
        return
    if text.split("@")[0].split()[0] == "/stop":
        await helper_stop.stop(s.sessions, chat_id=chat_id(update), now=s.now())
        await reply(update, t("helper_stopped", lang))
    else:
        await reply(update, t("helper_chat_hint", lang))
    raise ApplicationHandlerStop
