"""A patient's commands: /status, /pause, /resume, /stop; and blocking the bot."""

from __future__ import annotations

from datetime import datetime

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus

from bot.handlers.common import Context, chat_id, reply, split_data, svc, user_id
from bot.handlers.language import lang_for
from bot.render.doses import yes_no
from bot.texts import patient, t
from bot.texts.formats import regimen_text, when
from services import auditing, patients


async def status(update: Update, context: Context) -> None:
    s = svc(context)
    view = await patients.status(s.sessions, chat_id=chat_id(update), now=s.now())
    if view is None:
        await reply(update, t("not_enrolled", await lang_for(update, context)))
        return
    if view.status in ("stopped", "discharged"):
        await reply(update, t(f"{view.status}_already", view.language))
        return
    lang = view.language
    lines = [
        f"{_reminded(at, zone, view.timezone, lang)}: {t(f'dose_status_{state}', lang)}"
        for (_, _, state), (at, zone) in zip(view.history, view.reminded, strict=True)
    ]
    next_dose = when(view.next_dose, view.timezone, lang) if view.next_dose else t("status_none", lang)
    text = t(
        "status",
        lang,
        regimen=regimen_text(view.regimen, lang) if view.regimen else view.regimen_title,
        next_dose=next_dose,
        history="\n".join(lines) or t("status_history_empty", lang),
    )
    if view.status == "paused":
        text += "\n\n" + t("status_paused", lang)
    await reply(update, f"{text}\n\n{t('footer', lang)}")


def _reminded(at: datetime, zone: str, current: str, lang: str) -> str:
    """A past dose at the time the patient was reminded, on the clock of the zone it was planned in."""
    shown = when(at, zone, lang)
    return shown if zone == current else f"{shown} ({zone})"


async def pause(update: Update, context: Context) -> None:
    s = svc(context)
    outcome = (await patients.set_paused(s.sessions, chat_id=chat_id(update), paused=True, now=s.now())).outcome
    keys = {
        "changed": "paused",
        "unchanged": "already_paused",
        "not_enrolled": "not_enrolled",
        "stopped": "stopped_already",
        "discharged": "discharged_already",
    }
    lang = await lang_for(update, context)
    await reply(update, patient(keys[outcome], lang) if outcome in ("changed", "unchanged") else t(keys[outcome], lang))


async def resume(update: Update, context: Context) -> None:
    s = svc(context)
    result = await patients.set_paused(s.sessions, chat_id=chat_id(update), paused=False, now=s.now())
    lang = await lang_for(update, context)
    if result.outcome in ("not_enrolled", "stopped", "discharged"):
        key = "not_enrolled" if result.outcome == "not_enrolled" else f"{result.outcome}_already"
        await reply(update, t(key, lang))
        return
    if result.outcome == "unchanged":
        await reply(update, patient("not_paused", lang))
        return
    next_dose = when(result.next_dose, result.timezone, lang) if result.next_dose else t("status_none", lang)
    await reply(update, patient("resumed", lang, next_dose=next_dose))


async def stop(update: Update, context: Context) -> None:
    known = await patients.patient_for_chat(svc(context).sessions, chat_id(update))
    lang = await lang_for(update, context)
    if known is None:
        await reply(update, t("not_enrolled", lang))
        return
    keyboard = yes_no("btn_stop_yes", "btn_stop_no", "p1:stop:y", "p1:stop:n", lang)
    await reply(update, t("stop_confirm", lang), reply_markup=keyboard)


async def stop_pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "p1", 2)
    malformed = fields is None or fields[0] != "stop" or fields[1] not in ("y", "n")
    if malformed or await patients.patient_for_chat(s.sessions, chat_id(update)) is None:
        reason = "malformed" if malformed else "not_enrolled"
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="patient.stop", reason=reason, now=s.now()
        )
        await query.answer(t("press_stale", await lang_for(update, context)))
        return
    assert fields is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    lang = await lang_for(update, context)
    if fields[1] == "n":
        await reply(update, patient("stop_cancelled", lang))
        return
    outcome = await patients.stop(s.sessions, chat_id=chat_id(update), now=s.now())
    await reply(update, t("stopped" if outcome == "stopped" else "stopped_already", lang))


async def chat_member(update: Update, context: Context) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    s = svc(context)
    blocked = change.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    await patients.chat_blocked(s.sessions, chat_id=change.chat.id, blocked=blocked, now=s.now())
