"""/symptoms, the "Report a symptom" button (under /help and every dose reminder) and its screen's presses.

The screen is bot/render/red_flag_screen.py (the same as the weekly questions' red-flag step); the state is a
dialogue row (services/symptoms.py). Button data: `r1:o` opens a new screen; `r1:<dialogue id>:<nonce>:
<code>` is a press on one. A press on an old, closed or someone else's screen gets a short answer, changes
nothing and is audited. Group -2: after the /time dialogue (which ends on any other command), before the
catch-all handlers; each handler here ends the update's handling.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, chat_id, row_id, svc, user_id
from bot.handlers.language import lang_for
from bot.render.red_flag_screen import RedFlagView, screen_keyboard, screen_text
from bot.render.red_flags import advice_text
from bot.texts import patient, t
from services import auditing, symptoms

PREFIX = "r1"
REFUSED = {"stale": "rf_closed", "not_yours": "press_not_yours", "invalid": "press_stale", "not_patient": "press_stale"}


def report_button(lang: str) -> InlineKeyboardButton:
    """The "Report a symptom" button: opens a new red-flag screen."""
    return InlineKeyboardButton(t("btn_report_symptom", lang), callback_data=f"{PREFIX}:o")


def _screen(shown: symptoms.Screen) -> tuple[str, InlineKeyboardMarkup]:
    view = RedFlagView(shown.symptoms, picking=shown.picking, selected=shown.selected, now=True)

    def data(code: str) -> str:
        return f"{PREFIX}:{shown.dialogue_id}:{shown.nonce}:{code}"

    cancel = [InlineKeyboardButton(t("btn_cancel_symptoms", shown.language), callback_data=data("x"))]
    last_row = [] if shown.picking else cancel
    return screen_text(view, shown.language), screen_keyboard(view, shown.language, data, last_row=last_row)


async def open_for(update: Update, context: Context, *, via: str, lang: str | None = None) -> None:
    """Send a new red-flag screen to this private chat; to someone who is not an active patient, the short
    emergency guidance instead (red-flag words from a stranger, /symptoms after /stop)."""
    s = svc(context)
    shown = await symptoms.open_screen(s.sessions, chat_id=chat_id(update), now=s.now(), via=via)
    if shown.outcome != "shown":
        text = patient("rf_keyword_screen", lang or await lang_for(update, context))
        await context.bot.send_message(chat_id(update), text)
        return
    text, keyboard = _screen(shown)
    await context.bot.send_message(chat_id(update), text, reply_markup=keyboard)


async def command(update: Update, context: Context) -> None:
    await open_for(update, context, via="command")
    raise ApplicationHandlerStop


async def pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = (query.data or "").split(":")
    message = query.message if isinstance(query.message, Message) else None
    if fields == [PREFIX, "o"] and update.effective_chat is not None and update.effective_chat.type == "private":
        await query.answer()
        await open_for(update, context, via="button")
        raise ApplicationHandlerStop
    dialogue = row_id(fields[1]) if len(fields) == 4 else None
    if dialogue is None or message is None or update.effective_chat is None or update.effective_chat.type != "private":
        await auditing.refused(
            s.sessions, actor=f"tg:{user_id(update)}", action="symptoms.press", reason="malformed", now=s.now()
        )
        await query.answer(t("press_stale"))
        raise ApplicationHandlerStop
    shown = await symptoms.press(
        s.sessions,
        chat_id=user_id(update),
        dialogue_id=dialogue,
        nonce=fields[2],
        code=fields[3],
        now=s.now(),
        protocol=s.protocol,
    )
    lang = shown.language
    if shown.outcome in REFUSED:
        await query.answer(t(REFUSED[shown.outcome], lang))
        raise ApplicationHandlerStop
    await query.answer()
    if shown.outcome == "toggled":
        await message.edit_reply_markup(_screen(shown)[1])
    elif shown.outcome == "switched":
        text, keyboard = _screen(shown)
        await message.edit_text(text, reply_markup=keyboard)
    elif shown.outcome in ("nothing", "cancelled"):
        await message.edit_text(patient("rf_nothing" if shown.outcome == "nothing" else "rf_cancelled", lang))
    else:  # reported: the list as answered, then the advice
        assert shown.advice is not None
        marked = "\n".join(f"• {t(f'q_{key}', lang)}" for key in shown.advice.reported)
        await message.edit_text(f"{t('rf_reported', lang)}\n{marked}")
        await context.bot.send_message(user_id(update), f"{advice_text(shown.advice, lang)}\n\n{t('footer', lang)}")
    raise ApplicationHandlerStop
