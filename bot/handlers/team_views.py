"""Care-team commands per patient: /patients, /patient, /pause_patient, /resume_patient, /discharge.

They work in a member's private chat and in the team's alert group; the services check the caller
(the presser, for buttons) and audit every read, change and refusal.
"""

from __future__ import annotations

import asyncio
import contextlib

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, team_lang, user_id
from bot.render import charts
from bot.render.conversation import message_patient_button
from bot.render.course_chart import chart_data
from bot.render.doses import yes_no
from bot.render.team import page_keyboard, page_text, view_text
from bot.texts import t
from services import auditing, team_actions, team_views
from services.messages import MESSAGEABLE
from services.team_access import Caller
from storage.models import Patient

REFUSALS = {
    "not_a_member": "tv_refused",
    "removed": "tv_refused",
    "other_chat": "tv_refused",
    "not_found": "tv_no_patient",
    "ambiguous": "tv_ambiguous",
    "erased": "tv_erased",
    "group_unset": "tv_group_unset",
}
CHANGED = {
    ("patient.pause", "changed"): "tv_paused",
    ("patient.pause", "unchanged"): "tv_already_paused",
    ("patient.resume", "changed"): "tv_resumed",
    ("patient.resume", "unchanged"): "tv_not_paused",
}


def caller(update: Update) -> Caller:
    assert update.effective_chat is not None
    return Caller(user_id(update), chat_id(update), update.effective_chat.type == ChatType.PRIVATE)


def _alias(context: Context) -> str | None:
    return context.args[0][:40] if context.args else None


async def _refused(update: Update, reason: str, alias: str, lang: str) -> None:
    await reply(update, t(REFUSALS[reason], lang, alias=alias))


async def patients(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    wanted = row_id(context.args[0]) if context.args else None
    page = await team_views.list_patients(
        s.sessions, caller(update), page=wanted or 1, now=s.now(), protocol=s.protocol
    )
    if isinstance(page, str):
        await reply(update, t(REFUSALS.get(page, "tv_refused"), lang, alias=""))
        return
    await reply(update, page_text(page, lang), reply_markup=page_keyboard(page, lang))


async def page_pressed(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "v1", 2)
    wanted = row_id(fields[1]) if fields and fields[0] == "p" else None
    page: team_views.Page | str | None = None
    if wanted is not None:
        page = await team_views.list_patients(s.sessions, caller(update), page=wanted, now=s.now(), protocol=s.protocol)
    if not isinstance(page, team_views.Page):
        if wanted is None:  # malformed; the service audits a refused caller
            actor = f"tg:{user_id(update)}"
            await auditing.refused(s.sessions, actor=actor, action="patients.list", reason="malformed", now=s.now())
        await query.answer(t("tv_refused", lang) if wanted is not None else t("press_stale", lang))
        return
    await query.answer()
    with contextlib.suppress(BadRequest):  # "not modified" when pressed twice
        await query.edit_message_text(page_text(page, lang), reply_markup=page_keyboard(page, lang))


async def patient(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    alias = _alias(context)
    if alias is None:
        await reply(update, t("tv_usage", lang, command="patient"))
        return
    view = await team_views.patient_view(s.sessions, caller(update), alias, now=s.now(), protocol=s.protocol)
    if isinstance(view, str):
        await _refused(update, view, alias, lang)
        return
    await reply(update, view_text(view, s.protocol, lang), reply_markup=message_keyboard(view.patient, lang))
    png = await asyncio.to_thread(charts.trend_png, chart_data(view, lang))
    message = update.effective_message
    if message is not None:
        await message.reply_photo(png, caption=t("tv_chart_caption", lang, alias=view.patient.alias))


def message_keyboard(patient: Patient, lang: str = "en") -> InlineKeyboardMarkup | None:
    """Message patient under the /patient view (issue 14), while messages can reach them."""
    if patient.status not in MESSAGEABLE:
        return None
    return InlineKeyboardMarkup([[message_patient_button(alias=patient.alias, patient_id=patient.id, lang=lang)]])


async def _pause_or_resume(update: Update, context: Context, *, paused: bool) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    alias = _alias(context)
    if alias is None:
        await reply(update, t("tv_usage", lang, command="pause_patient" if paused else "resume_patient"))
        return
    change = await team_actions.set_paused(s.sessions, caller(update), alias, paused=paused, now=s.now())
    if change.outcome in REFUSALS:
        await _refused(update, change.outcome, alias, lang)
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
    alias = _alias(context)
    if alias is None:
        await reply(update, t("tv_usage", lang, command="discharge"))
        return
    change = await team_actions.ask_discharge(s.sessions, caller(update), alias, now=s.now())
    if change.outcome in REFUSALS:
        await _refused(update, change.outcome, alias, lang)
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
