"""English texts of the conversation between a care team and a patient, and of the family helper (issue 14).

CONVERSATION: texts for patients and helpers (translated, in bot/locale). CONVERSATION_TEAM: care-team
texts, English only like bot/texts/en_team.py. Alias only, never names; no text promises a call back.
"""

from __future__ import annotations

CONVERSATION: dict[str, str] = {
    # a message from the care team (bot/handlers/conversation.py), the patient's own (bot/handlers/patient_messages.py)
    "msg_from_team": "Message from your care team ({team}):",
    "btn_msg_reply": "Reply",
    "msg_reply_prompt": "Type your reply below. I will pass it to your care team.",
    "msg_relayed": (
        "I passed your message to your care team. They read messages when they can: this chat is not "
        "watched around the clock. In an emergency, call your local emergency number."
    ),
    "msg_relayed_questions_open": "Your questions are still open: please answer them with the buttons.",
    "msg_rate_limited": (
        "You have sent many messages in the last hour, so I am not passing on more for now. Your care "
        "team has the earlier ones. If it is urgent, call your doctor. In an emergency, call your local "
        "emergency number."
    ),
    "msg_not_passed_ended": (
        "Your reminders have ended, so I no longer pass messages to your care team. Please contact them "
        "directly. In an emergency, call your local emergency number."
    ),
    "msg_media_refused": (
        "Sorry, I can only pass on typed text, not pictures, stickers, voice messages or files. "
        "Please type your message."
    ),
    # free text with red-flag words (bot/handlers/red_flag_entry.py): until /symptoms exists
    "rf_keyword_screen": (
        "If this is an emergency, call your local emergency number now (112 in Europe, 911 in the US, "
        "999 in the UK).\n\n"
        "Call at once for: new or quickly growing weakness, or symptoms moving up your body; trouble "
        "breathing or swallowing; sudden severe pain in the chest, belly or back; confusion, a seizure "
        "or thoughts of harming yourself; loss of bladder or bowel control; swelling of the face or throat.\n\n"
        "This is not a diagnosis, and this chat is not watched around the clock. More help: /help"
    ),
    # the patient's helper (bot/handlers/helper.py)
    "helper_explain": (
        "A helper is someone you trust, such as a family member. After they agree, I tell them only "
        "two things: when you have not confirmed {doses} in a row, and when you report a warning sign. "
        "They never see your answers, your doses or your messages. You can remove them at any time "
        "with /helper remove.\n\nCreate a one-time link for your helper?"
    ),
    "helper_doses": "{n} doses",
    "btn_helper_create": "Create the link",
    "btn_helper_not_now": "Not now",
    "helper_not_now": "Fine. No link was created.",
    "helper_link": (
        "Here is the link for your helper. Send it to them. It works once, until {expires}:\n{link}\n\n"
        "I will tell you when they agree."
    ),
    "helper_already": "You already have a helper (since {since}). To remove them: /helper remove",
    "helper_none": "You have no helper. To invite one: /helper",
    "helper_removed": "Done. Your helper will not be told anything more.",
    "helper_accepted": (
        "Your helper agreed. From now on they are told when you have not confirmed {doses} in a row, or "
        "when you report a warning sign. To end it: /helper remove"
    ),
    "helper_declined_patient": "The person you invited as your helper said no. You can invite someone else: /helper",
    "helper_stopped_patient": "Your helper stopped their notices. You can invite someone else: /helper",
    "helper_only_enrolled": "A helper is possible only while your reminders are on.",
    # what the helper sees
    "helper_consent": (
        "Hello. A patient of the care team {team} asks you to be their helper during their vitamin B12 "
        "treatment.\n\nIf you agree, I will tell you only when they have not confirmed {doses} in a row, or "
        "when they report a warning sign, so that you can check on them. I will not tell you their answers or "
        "any health details. I keep only this chat's id, to write to you. You can stop at any time with /stop."
        "\n\nDo you agree?"
    ),
    "helper_agreed": "Thank you. I will write to you only when something may need your attention. To stop: /stop",
    "helper_declined": "That is fine. I will not send you anything.",
    "helper_self": "This link is for your helper: please send it to them. You cannot be your own helper.",
    "helper_missed": (
        "The person you help with their vitamin B12 ({team}) has not confirmed their last {doses}. "
        "You may want to check on them."
    ),
    "helper_red_flag": (
        "The person you help with their vitamin B12 ({team}) has reported a warning sign to their care "
        "team. You may want to check on them. In an emergency, call the local emergency number."
    ),
    "helper_ended": "The person you helped has ended your helper notices. I will not send you anything more.",
    "helper_stopped": "Done. You will not get any more helper notices.",
    "helper_chat_hint": "This chat only gives you helper notices. To stop them: /stop",
    "helper_footer": "Stop these notices: /stop",
}

CONVERSATION_TEAM: dict[str, str] = {
    "msg_usage": "Usage: /msg <alias> <your message>, or /msg <alias> alone and then type the message.",
    "msg_prompt": "Type your message to {alias}. Your next message is sent to them as it is. /cancel to stop.",
    "msg_queued": "Sent to {alias}. You will be told here if it cannot be delivered.",
    "msg_cancelled": "Message cancelled; nothing was sent.",
    "msg_expired": (
        "Your message was not sent: more than 30 minutes passed since you began it. Press Message patient "
        "or run /msg again."
    ),
    "msg_not_messageable": "{alias} cannot receive messages (status: {status}).",
    "msg_unreachable": "{alias} has blocked the bot: messages cannot reach them.",
    "msg_undelivered": "Your message to {alias} could not be delivered: they have blocked the bot.",
    "msg_from_patient": "💬 {alias} ({team}) writes:",
    "msg_red_flag_words": (
        "(This message has words from the red-flag list; the patient was shown the emergency advice. "
        "It is not a flag: a red flag comes only from the patient's answers.)"
    ),
    "btn_msg_patient": "✉️ Message {alias}",
    "msg_write_private": "Write your message in your private chat with me.",
    "msg_open_private": "Please open a private chat with me first (send /start there), then press again.",
    "msg_busy": "Finish your /enrol first, or /cancel it.",
    "msg_only_text": "Only text can be sent to a patient. Type your message, or /cancel.",
}
