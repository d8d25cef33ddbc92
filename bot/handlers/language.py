"""The patient's language: /language [code], its buttons, and the choice before consent."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.common import Context, chat_id, reply, split_data, svc, user_id
from bot.handlers.consent_view import show_consent
from bot.texts import languages, patient, supported, t
from services import auditing, language
from services.consent import LinkResult
from services.patients import patient_for_chat


def telegram_language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user is not None else None


async def lang_for(update: Update, context: Context) -> str:
    """The language to answer this chat in: the patient's, else Telegram's when we speak it, else English."""
    return await language.of_chat(svc(context).sessions, chat_id(update), telegram_language(update))


def endonym(lang: str) -> str:
    """A language's name in itself: English, Español, Русский."""
    from babel import Locale  # Babel at its first use, not at start-up (issue 17)

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def choices_keyboard(prefix: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(endonym(x), callback_data=f"{prefix}:{x}") for x in languages()]
    return InlineKeyboardMarkup([buttons])


async def ask_at_consent(update: Update, result: LinkResult) -> None:
    """Telegram's language is not one we speak: ask, in every language we speak, before the consent text."""
    text = "\n".join(t("lang_choose", lang) for lang in languages())
    await reply(update, text, reply_markup=choices_keyboard(f"l1:{result.invite_id}"))


async def command(update: Update, context: Context) -> None:
    """/language shows the choices; /language es sets it. The presser's own row only (user id = private chat id)."""
    if not context.args:
        lang, s = await lang_for(update, context), svc(context)
        known = await patient_for_chat(s.sessions, chat_id(update)) is not None
        if not known and await language.open_invite(s.sessions, chat_id=chat_id(update), now=s.now()) is None:
            await reply(update, t("not_enrolled", lang))  # no buttons that could not work
            return
        await reply(update, patient("lang_ask", lang), reply_markup=choices_keyboard("l1:me"))
        return
    await _set(update, context, context.args[0])


async def pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "l1", 2)
    malformed = fields is None or fields[0] != "me"
    known = not malformed and await patient_for_chat(s.sessions, chat_id(update)) is not None
    if not malformed and not known and await _before_consent(update, context, (fields or ["", ""])[1]):
        return
    if malformed or not known:
        reason = "malformed" if malformed else "not_enrolled"
        await auditing.refused(s.sessions, actor=f"tg:{user_id(update)}", action="language", reason=reason, now=s.now())
        await query.answer(t("press_stale", await lang_for(update, context)))
        return
    assert fields is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    await _set(update, context, fields[1])


async def _before_consent(update: Update, context: Context, code: str) -> bool:
    """A language chosen before consent (/language and its buttons): stored on the invited patient, and the
    consent text sent again in it. False when this chat has no open invite (or the code is unknown)."""
    s = svc(context)
    invite_id = await language.open_invite(s.sessions, chat_id=chat_id(update), now=s.now())
    if invite_id is None or supported(code) is None:
        return False
    result = await language.choose_at_consent(
        s.sessions, invite_id=invite_id, chat_id=user_id(update), code=code, now=s.now()
    )
    if result is None:
        return False
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    await show_consent(update, result)
    return True


async def _set(update: Update, context: Context, code: str) -> None:
    s = svc(context)
    result = await language.set_language(
        s.sessions, chat_id=user_id(update), code=code, telegram_code=telegram_language(update), now=s.now()
    )
    lang = result.language
    if result.outcome == "not_enrolled" and await _before_consent(update, context, code):
        return
    if result.outcome == "not_enrolled":
        await reply(update, t("not_enrolled", lang))
    elif result.outcome == "unknown":
        choices = ", ".join(f"{x} ({endonym(x)})" for x in languages())
        await reply(
            update,
            patient("lang_unknown", lang, code=code[:16], choices=choices),
            reply_markup=choices_keyboard("l1:me"),
        )
    else:
        await reply(update, patient("lang_set", lang))
