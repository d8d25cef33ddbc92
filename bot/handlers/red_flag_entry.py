"""Free text with red-flag words ("help", "emergency", a symptom) brings up the red-flag screen at once.

`watch` runs in handler group -5, before every dialogue, on each private text that is not a command; it
never stops the update, so the text then goes on (to a dialogue, a questionnaire, or the care team).
Team members' texts are left alone. The word lists: `conversation.red_flag_words` in care/protocol/conversation.py
(clinically reviewed: not yet); the matching: care/keywords.py.

THE ONE CALL SITE: `show_red_flag_screen` opens the /symptoms screen (bot/handlers/symptoms.py); someone
who is not an active patient gets the short emergency message `rf_keyword_screen` instead.
"""

from __future__ import annotations

from telegram import Update

from bot.handlers import symptoms
from bot.handlers.common import Context, chat_id, svc, user_id
from bot.handlers.language import lang_for
from care.keywords import red_flag_words
from services import relay


async def show_red_flag_screen(update: Update, context: Context, *, lang: str) -> None:
    """The red-flag screen (/symptoms) for a chat whose free text had red-flag words."""
    await symptoms.open_for(update, context, via="words", lang=lang)


async def watch(update: Update, context: Context) -> None:
    message, s = update.effective_message, svc(context)
    if message is None or message.text is None:
        return
    if not red_flag_words(message.text, lists=s.protocol.conversation.red_flag_words):
        return
    if await relay.is_member(s.sessions, user_id=user_id(update)):
        return
    await relay.red_flag_words_seen(s.sessions, chat_id=chat_id(update), now=s.now())
    await show_red_flag_screen(update, context, lang=await lang_for(update, context))
