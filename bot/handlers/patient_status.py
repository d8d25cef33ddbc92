"""Care-team changes to a patient's course: /pause_patient, /resume_patient, /discharge (asked, then confirmed
with a button). They work in a member's private chat and in the team's alert group; the services check the
caller (the presser, for buttons) and audit every change and refusal."""

from __future__ import annotations

from telegram import Message, Update

from bot.handlers.common import Context, reply, row_id, split_data, svc, team_lang, user_id
from bot.handlers.team_views import REFUSALS, alias_arg, caller, say_refused
from bot.render.doses import yes_no
from bot.texts import t
from services import auditing, team_actions

CHANGED = {
    ("patient.pause", "changed"): "tv_paused",
    ("patient.pause", "unchanged"): "tv_already_paused",
    ("patient.resume", "changed"): "tv_resumed",
    ("patient.resume", "unchanged"): "tv_not_paused",
}


async def _pause_or_resume(update: Update, context: Context, *, paused: bool) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    alias = alias_arg(context)
    if alias is None:
        await reply(update, t("tv_usage", lang, command="pause_patient" if paused else "resume_patient"))
        return
    change = await team_actions.set_paused(s.sessions, caller(update), alias, paused=paused, now=s.now())
    if change.outcome in REFUSALS:
        await say_refused(update, change.outcome, alias, lang)
        return
    key = CHANGED.get(("patient.pause" if paused else "patient.resume", change.outcome), "tv_not_changed")
    await reply(update, t(key, lang, alias=change.alias, status=t(f"tv_status_{change.status}", lang)))


async def pause_patient(update: Update, context: Context) -> None:
    await _pause_or_resume(update, context, paused=True)


async def resume_patient(update: Update, context: Context) -> None:
    await _pause_or_resume(update, context, paused=False)


async def discharge(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    alias = alias_arg(context)
    if alias is None:
        await reply(update, t("tv_usage", lang, command="discharge"))
        return
    change = await team_actions.ask_discharge(s.sessions, caller(update), alias, now=s.now())
    if change.outcome in REFUSALS:
        await say_refused(update, change.outcome, alias, lang)
    elif change.outcome == "unchanged":
        await reply(update, t("tv_not_changed", lang, alias=change.alias, status=t("tv_status_discharged", lang)))
    else:
        pid = change.patient_id
        keyboard = yes_no("btn_discharge", "btn_cancel", f"v1:dc:{pid}:y", f"v1:dc:{pid}:n", lang)
        await reply(update, t("tv_discharge_confirm", lang, alias=change.alias), reply_markup=keyboard)


async def discharge_pressed(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "v1", 3)
    pid = row_id(fields[1]) if fields and fields[0] == "dc" and fields[2] in ("y", "n") else None
    message = query.message if isinstance(query.message, Message) else None
    if fields is None or pid is None or message is None:
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="patient.discharge", reason="malformed", now=s.now())
        await query.answer(t("press_stale", lang))
        return
    change = await team_actions.discharge(s.sessions, caller(update), pid, now=s.now(), confirm=fields[2] == "y")
    if change.outcome in REFUSALS:
        await query.answer(t("tv_refused_erased" if change.outcome == "erased" else "tv_refused", lang))
        return
    await query.answer()
    if change.outcome == "cancelled":
        await query.edit_message_text(t("tv_discharge_cancelled", lang))
        return
    status = t("tv_status_discharged", lang)
    key = "tv_discharged" if change.outcome == "changed" else "tv_not_changed"
    await query.edit_message_text(t(key, lang, alias=change.alias, status=status))
