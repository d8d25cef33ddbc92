"""/members (a team's members; an admin gets a Remove button for each other member) and its buttons
(`m1:rm|ok|no:<member row>`). Registered in group -1: each handler ends the update's handling."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, reply, row_id, split_data, svc, team_lang, user_id
from bot.handlers.team_views import caller
from bot.render.doses import yes_no
from bot.texts import t
from services import auditing, member_actions

ANSWERS = {"refused": "members_refused", "self": "members_self", "stale": "press_stale"}


def roster_text(
    rosters: list[member_actions.Roster], me: int, lang: str = "en"
) -> tuple[str, InlineKeyboardMarkup | None]:
    parts, buttons = [], []
    for roster in rosters:
        lines = [t("members_title", lang, team=roster.team, n=len(roster.lines))]
        for m in roster.lines:
            role = t("members_role_admin", lang) if m.role == "admin" else ""
            you = t("members_you", lang) if m.user_id == me else ""
            lines.append(
                t("members_line", lang, name=m.name, role=role, you=you, joined=m.joined_at.date().isoformat())
            )
            if roster.admin and m.user_id != me:
                label = t("btn_remove_member", lang, name=m.name, team=roster.team)
                buttons.append([InlineKeyboardButton(label[:64], callback_data=f"m1:rm:{m.member_id}")])
        parts.append("\n".join(lines))
    if buttons:
        parts.append(t("members_admin_hint", lang))
    return "\n\n".join(parts), InlineKeyboardMarkup(buttons) if buttons else None


async def members_command(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    s = svc(context)
    username = update.effective_user.username if update.effective_user else None
    rosters = await member_actions.view(s.sessions, caller(update), username=username, now=s.now())
    if rosters is None:
        await reply(update, t("tv_refused", lang))
    else:
        text, keyboard = roster_text(rosters, user_id(update), lang)
        await reply(update, text, reply_markup=keyboard)
    raise ApplicationHandlerStop


async def pressed(update: Update, context: Context) -> None:
    lang = await team_lang(update, context)
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "m1", 2)
    member_id = row_id(fields[1]) if fields else None
    message = query.message if isinstance(query.message, Message) else None
    if fields is None or member_id is None or fields[0] not in member_actions.STEPS or message is None:
        actor = f"tg:{user_id(update)}"
        await auditing.refused(s.sessions, actor=actor, action="team.member_remove", reason="malformed", now=s.now())
        await query.answer(t("press_stale", lang))
        raise ApplicationHandlerStop
    result = await member_actions.removal(s.sessions, caller(update), member_id=member_id, step=fields[0], now=s.now())
    if result.kind in ANSWERS:
        await query.answer(t(ANSWERS[result.kind], lang), show_alert=result.kind != "stale")
        raise ApplicationHandlerStop
    await query.answer()
    if result.kind == "ask":
        keyboard = yes_no("btn_remove", "btn_cancel", f"m1:ok:{member_id}", f"m1:no:{member_id}", lang)
        await reply(
            update, t("members_remove_confirm", lang, name=result.name, team=result.team), reply_markup=keyboard
        )
    else:
        key = "members_removed" if result.kind == "removed" else "members_remove_cancelled"
        with contextlib.suppress(BadRequest):  # pressed twice: "not modified"
            await query.edit_message_text(t(key, lang, name=result.name, team=result.team))
    raise ApplicationHandlerStop
