"""/mydata and /delete_my_data (with its Delete / Keep buttons, `x1:<dialogue id>:<nonce>:y|n`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import Context, chat_id, reply, row_id, split_data, svc, user_id
from bot.render.doses import yes_no
from bot.texts import patient, t
from services import data_rights
from services import my_data as mydata


async def my_data(update: Update, context: Context) -> None:
    s = svc(context)
    found = await mydata.my_data(s.sessions, chat_id=chat_id(update), now=s.now())
    message = update.effective_message
    if found is None or message is None:
        await reply(update, t("not_enrolled"))
        raise ApplicationHandlerStop
    caption = patient("mydata_caption", found.language)
    await message.reply_document(document=found.content, filename=found.filename, caption=caption)
    raise ApplicationHandlerStop


async def delete_my_data(update: Update, context: Context) -> None:
    s = svc(context)
    asked = await data_rights.ask_erase(s.sessions, chat_id=chat_id(update), user_id=user_id(update), now=s.now())
    if asked.outcome == "pending":  # an erasure that failed is being tried again
        await reply(update, patient("erase_failed", asked.language))
        raise ApplicationHandlerStop
    if asked.outcome != "asked":
        await reply(update, t("not_enrolled"))
        raise ApplicationHandlerStop
    prefix = f"x1:{asked.dialogue_id}:{asked.nonce}"
    keyboard = yes_no("btn_erase_yes", "btn_erase_no", f"{prefix}:y", f"{prefix}:n", asked.language)
    await reply(update, patient("erase_confirm", asked.language), reply_markup=keyboard)
    raise ApplicationHandlerStop


async def pressed(update: Update, context: Context) -> None:
    query, s = update.callback_query, svc(context)
    assert query is not None
    fields = split_data(query.data, "x1", 3)
    dialogue_id = row_id(fields[0]) if fields else None
    if fields is None or dialogue_id is None or fields[2] not in ("y", "n"):
        fields, dialogue_id = ["", "", "n"], 0  # malformed: refused and audited like a stale press
    result = await data_rights.confirm_erase(
        s.sessions,
        dialogue_id=dialogue_id,
        nonce=fields[1],
        erase_now=fields[2] == "y",
        chat_id=chat_id(update),
        user_id=user_id(update),
        update_id=update.update_id,
        now=s.now(),
    )
    if result.outcome == "refused":
        await query.answer(t("press_stale"))
        raise ApplicationHandlerStop
    await query.answer()
    await query.edit_message_reply_markup(None)
    if result.outcome == "kept":
        await reply(update, patient("erase_kept", result.language))
        raise ApplicationHandlerStop
    if result.outcome == "failed":  # told now; services/erasure_retry.py tries again until it is done
        await reply(update, patient("erase_failed", result.language))
        raise ApplicationHandlerStop
    await reply(update, t("erase_done", result.language))
    s.forget.add(update.update_id)  # the press itself: kept as {"erased": true} once the inbox marks it done
    s.checkpoint_due = True  # SQLite: then the WAL is truncated (no page image of the erased rows stays in it)
    raise ApplicationHandlerStop
