"""Registering the handlers on an Application."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers import conversation as conversation_handlers
from bot.handlers import (
    data_rights,
    doses,
    flags,
    language,
    patient,
    questionnaire,
    start,
    team_enrol,
    team_hours,
    team_views,
)
from bot.handlers import helper as helper_handlers
from bot.handlers import members as team_members
from bot.handlers import red_flag_entry as red_flag_handlers
from bot.handlers import settings as time_settings
from bot.handlers import symptoms as symptom_handlers
from bot.handlers import team_settings as team_settings_handlers
from bot.handlers.common import Context

log = logging.getLogger("bot.handlers")


async def on_error(update: object, context: Context) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handler failed for update %s: %s", update_id, type(context.error).__name__, exc_info=context.error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", start.start, filters=private))
    app.add_handler(CommandHandler("help", start.help_command, filters=private))
    app.add_handler(CommandHandler("help", start.group_help, filters=filters.ChatType.GROUPS))
    app.add_handler(CommandHandler("status", patient.status, filters=private))
    app.add_handler(CommandHandler("pause", patient.pause, filters=private))
    app.add_handler(CommandHandler("resume", patient.resume, filters=private))
    app.add_handler(CommandHandler("stop", patient.stop, filters=private))
    app.add_handler(CallbackQueryHandler(start.consent_pressed, pattern=r"^c1:"))
    app.add_handler(CommandHandler("language", language.command, filters=private))
    app.add_handler(CallbackQueryHandler(language.pressed, pattern=r"^l1:me:"))
    app.add_handler(CallbackQueryHandler(start.consent_language_pressed, pattern=r"^l1:"))
    app.add_handler(CallbackQueryHandler(doses.dose_pressed, pattern=r"^d1:"))
    app.add_handler(CallbackQueryHandler(patient.stop_pressed, pattern=r"^p1:"))
    app.add_handler(CallbackQueryHandler(questionnaire.pressed, pattern=r"^q1:"))
    team_views.register(app)  # /patients, /patient, /pause_patient, /resume_patient, /discharge
    app.add_handler(CallbackQueryHandler(doses.unknown_pressed))
    app.add_handler(ChatMemberHandler(patient.chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, start.stray_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, start.help_command))
    team_enrol.register(app)  # /enrol, /cancel, /team_chat: group -1, before the stray-text handler
    flags.register(app)  # Acknowledge / Assign to me buttons, /ack: group -1
    team_members.register(app)  # /members and the admin's Remove buttons: group -1
    team_settings_handlers.register(app)  # /team_language, /team_digest: group -1
    team_hours.register(app)  # /team_hours: group -1
    data_rights.register(app)  # /mydata, /delete_my_data and its buttons: group -1
    symptom_handlers.register(app)  # /symptoms, Report a symptom and the red-flag screen's buttons: group -2
    time_settings.register(app)  # /time, /timezone, their buttons and typed answers: group -3
    conversation_handlers.register(app)  # /msg, Message patient, Reply, a member's typed message, media: group -4
    helper_handlers.register(app)  # /helper, the helper's consent, a helper's /stop: group -4
    red_flag_handlers.register(app)  # red-flag words in free text bring up the red-flag screen: group -5
    app.add_error_handler(on_error)
