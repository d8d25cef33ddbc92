"""Every handler in one table: which update goes to which function.

How python-telegram-bot picks: the groups run in ascending order, and in each group the FIRST handler
whose filter matches runs (the order of the rows below matters inside a group). A handler that raises
`ApplicationHandlerStop` ends the update's handling; otherwise the next group gets it too.

  -5  red-flag words in a patient's free text: the red-flag screen comes first, whatever else the text is
  -4  the conversation: /msg, Message patient, Reply, a member's typed message, media; /helper and a helper's chat
  -3  /time and /timezone: while their dialogue is open it takes every command and button of that chat
  -2  /enrol's typed answers (a group of their own: text with no dialogue passes on), /symptoms and its screen
  -1  team commands and buttons, data rights: each ends the update's handling
   0  the patients' commands and buttons, the team views, then the catch-alls (an unknown button, stray text,
      an unknown command), which must stay last
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler
from telegram.ext import filters as f

from bot.handlers import (
    conversation,
    data_rights,
    doses,
    flags,
    helper,
    language,
    members,
    patient,
    patient_messages,
    patient_status,
    questionnaire,
    red_flag_entry,
    settings,
    start,
    symptoms,
    team_chat,
    team_enrol,
    team_hours,
    team_settings,
    team_views,
)

Handler = BaseHandler[Update, Any, Any]

PRIVATE = f.ChatType.PRIVATE
GROUPS = f.ChatType.GROUPS
ANYWHERE = PRIVATE | GROUPS
TYPED = PRIVATE & f.TEXT & ~f.COMMAND


def button(callback: object, prefix: str | None = None) -> Handler:
    return CallbackQueryHandler(callback, pattern=None if prefix is None else rf"^{prefix}")  # type: ignore[arg-type]


def routes() -> list[tuple[int, Handler]]:
    """(group, handler) in the order they are added."""
    table: dict[int, list[Handler]] = {
        -5: [MessageHandler(TYPED, red_flag_entry.watch)],
        -4: [
            CommandHandler("msg", conversation.msg_command, filters=ANYWHERE),
            CommandHandler("cancel", conversation.cancel, filters=PRIVATE),
            button(conversation.message_pressed, "w1:"),
            button(patient_messages.reply_pressed, "m2:"),
            MessageHandler(TYPED, conversation.member_typed),
            MessageHandler(PRIVATE & conversation.MEDIA, conversation.media),
            CommandHandler("helper", helper.helper_command, filters=PRIVATE),
            button(helper.create_pressed, "h2:"),
            button(helper.consent_pressed, "h1:"),
            CommandHandler(list(helper.HELPER_CHAT_COMMANDS), helper.helper_chat_command, filters=PRIVATE),
        ],
        -3: [
            CommandHandler("time", settings.time_command, filters=PRIVATE),
            CommandHandler("timezone", settings.zone_command, filters=PRIVATE),
            CommandHandler("cancel", settings.cancel, filters=PRIVATE),
            button(settings.pressed, "s1:"),
            MessageHandler(TYPED, settings.typed),
            # after the rows above: while a /time or /timezone dialogue is open, every other command or button
            MessageHandler(PRIVATE & f.COMMAND, settings.ended_elsewhere),
            button(settings.ended_elsewhere),
        ],
        -2: [
            MessageHandler(TYPED, team_enrol.typed),
            CommandHandler("symptoms", symptoms.command, filters=PRIVATE),
            button(symptoms.pressed, f"{symptoms.PREFIX}:"),
        ],
        -1: [
            CommandHandler("enrol", team_enrol.enrol, filters=PRIVATE),
            CommandHandler("cancel", team_enrol.cancel, filters=PRIVATE),
            CommandHandler("team_chat", team_chat.set_team_chat),
            button(team_chat.move_pressed, "a1:"),
            MessageHandler(f.StatusUpdate.MIGRATE, team_chat.migrated),
            button(team_enrol.pressed, "e1:"),
            CommandHandler("enrol", team_enrol.enrol_in_group, filters=~PRIVATE),
            button(flags.pressed, "f1:"),
            CommandHandler("ack", flags.ack_command),
            CommandHandler("members", members.members_command, filters=ANYWHERE),
            button(members.pressed, "m1:"),
            CommandHandler("team_language", team_settings.language_command, filters=ANYWHERE),
            CommandHandler("team_digest", team_settings.digest_command, filters=ANYWHERE),
            CommandHandler("team_hours", team_hours.command),
            CommandHandler("mydata", data_rights.my_data, filters=PRIVATE),
            CommandHandler("delete_my_data", data_rights.delete_my_data, filters=PRIVATE),
            button(data_rights.pressed, "x1:"),
        ],
        0: [
            CommandHandler("start", start.start, filters=PRIVATE),
            CommandHandler("help", start.help_command, filters=PRIVATE),
            CommandHandler("help", start.group_help, filters=GROUPS),
            CommandHandler("status", patient.status, filters=PRIVATE),
            CommandHandler("pause", patient.pause, filters=PRIVATE),
            CommandHandler("resume", patient.resume, filters=PRIVATE),
            CommandHandler("stop", patient.stop, filters=PRIVATE),
            button(start.consent_pressed, "c1:"),
            CommandHandler("language", language.command, filters=PRIVATE),
            button(language.pressed, "l1:me:"),
            button(start.consent_language_pressed, "l1:"),
            button(doses.dose_pressed, "d1:"),
            button(patient.stop_pressed, "p1:"),
            button(questionnaire.pressed, "q1:"),
            CommandHandler("patients", team_views.patients, filters=ANYWHERE),
            CommandHandler("patient", team_views.patient, filters=ANYWHERE),
            CommandHandler("pause_patient", patient_status.pause_patient, filters=ANYWHERE),
            CommandHandler("resume_patient", patient_status.resume_patient, filters=ANYWHERE),
            CommandHandler("discharge", patient_status.discharge, filters=ANYWHERE),
            button(team_views.page_pressed, "v1:p:"),
            button(patient_status.discharge_pressed, "v1:dc:"),
            # the catch-alls, last
            button(doses.unknown_pressed),
            ChatMemberHandler(patient.chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(TYPED, start.stray_text),
            MessageHandler(PRIVATE & f.COMMAND, start.help_command),
        ],
    }
    return [(group, handler) for group in sorted(table) for handler in table[group]]
