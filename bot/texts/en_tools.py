"""Issue 13's texts for operators and care teams (English only): CLI errors, `b12bot regimens`, the chart.

The printable invite card (`CARD`) is handed to the patient, so it is translated like every patient text.
"""

from __future__ import annotations

TOOLS: dict[str, str] = {
    "regimens_line": "{code}  {title}",
    "regimens_source": "source: {source}",
    "regimens_says": "it says: {says}",
    "regimens_protocol": "protocol: {section}",
    "err_settings": "bad setting: {problems}",
    "err_setting_number": "{name} must be a number",
    "err_setting_whole": "{name} must be a whole number",
    "err_setting_bool": "{name} must be true or false",
    "err_setting_ge": "{name} must be at least {ge}",
    "err_setting_le": "{name} must be at most {le}",
    "err_setting_gt": "{name} must be more than {gt}",
    "err_setting_lt": "{name} must be less than {lt}",
    "err_setting_choice": "{name} must be {expected}",
    "err_setting_unknown": "{name} is not a setting b12bot knows (a typing error?)",
    "err_setting_missing": "{name} is required",
    "err_protocol": "protocol file {path} (B12BOT_PROTOCOL_FILE): {problems}",
    "err_telegram_token": "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): copy it again from @BotFather",
    "err_telegram_unreachable": (
        "cannot reach Telegram at {url} ({reason}): check the network (a proxy, a firewall) or "
        "TELEGRAM_API_BASE_URL, then start again"
    ),
    "err_database": "the database failed: {reason} (check DATABASE_URL, the disk and the file's permissions)",
    "err_file": "cannot use{where}: {reason}",
    "tv_chart_milestone": "wk {week}",
    "tv_chart_zero": "0% confirmed",
    "tv_chart_none_due": "no doses due",
    "tv_chart_today": "today",
    "tv_chart_red_flag": "red flag",
    "tv_chart_b6": "vitamin B6 flag",
    "tv_chart_verdict_good": "verdict: good",
    "tv_chart_verdict_partial": "verdict: partial",
    "tv_chart_verdict_poor": "verdict: poor",
    "tv_chart_verdict_residual_symptoms": "verdict: residual symptoms",
}

CARD: dict[str, str] = {
    "card_team": "Care team: {team}",
    "card_scan": "Scan this code with your phone's camera. It opens your vitamin B12 reminders in Telegram.",
    "card_alias": "Your code name: {alias}",
    "card_expiry": "The code works once, until {when}. If it has expired, ask your care team for a new one.",
}
