"""The consent question as a message: shown after /start, and again after a language is chosen."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import reply
from bot.render.doses import yes_no
from bot.texts import t
from bot.texts.formats import regimen_text
from services import consent


async def show_consent(update: Update, result: consent.LinkResult) -> None:
    """The consent question, in the patient's language."""
    lang = result.language or "en"
    keyboard = yes_no("btn_agree", "btn_decline", f"c1:{result.invite_id}:y", f"c1:{result.invite_id}:n", lang)
    regimen = regimen_text(result.regimen, lang) if result.regimen else result.regimen_title
    text = t("consent", lang, team=result.team, regimen=regimen, alias=result.alias)
    await reply(update, text, reply_markup=keyboard)
