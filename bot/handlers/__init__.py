"""Registering the handlers on an Application: the table is in bot/handlers/routes.py."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application

from bot.handlers.common import Context
from bot.handlers.routes import routes

log = logging.getLogger("bot.handlers")


async def on_error(update: object, context: Context) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handler failed for update %s: %s", update_id, type(context.error).__name__, exc_info=context.error)


def register(app: Application) -> None:  # type: ignore[type-arg]
    for group, handler in routes():
        app.add_handler(handler, group=group)
    app.add_error_handler(on_error)
