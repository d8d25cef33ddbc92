"""Care-team views of patients: /patients (and its pages), /patient. The changes (/pause_patient,
/resume_patient, /discharge) are bot/handlers/patient_status.py.

They work in a member's private chat and in the team's alert group; the services check the caller
(the presser, for buttons) and audit every read, change and refusal.
"""

from __future__ import annotations

import asyncio
import contextlib

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, team_lang, user_id
from bot.render import charts
from bot.render.conversation import message_patient_button
from bot.render.course_chart import chart_data
from bot.render.team import page_keyboard, page_text, view_text
from bot.texts import t
from services import auditing, team_views
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


def caller(update: Update) -> Caller:
    assert update.effective_chat is not None
    return Caller(user_id(update), chat_id(update), update.effective_chat.type == ChatType.PRIVATE)


def alias_arg(context: Context) -> str | None:
    return context.args[0][:40] if context.args else None


async def say_refused(update: Update, reason: str, alias: str, lang: str) -> None:
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
    alias = alias_arg(context)
    if alias is None:
        await reply(update, t("tv_usage", lang, command="patient"))
        return
    view = await team_views.patient_view(s.sessions, caller(update), alias, now=s.now(), protocol=s.protocol)
    if isinstance(view, str):
        await say_refused(update, view, alias, lang)
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
