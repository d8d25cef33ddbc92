"""The Telegram side of b12bot: handlers, the Application, the runner and the CLI.

Issue 17 (memory): two modules that third-party packages import but the bot never uses are marked absent
before anything imports them, so a `b12bot run` process does not carry them: python-telegram-bot's own
webhook server (tornado; it then reports webhooks unavailable, and bot/web.py serves the bot's webhook) and
httpx's command line (httpx._main: click and pygments; httpx then offers a stub `main`)."""

import sys

for _unused in ("tornado", "httpx._main"):
    sys.modules.setdefault(_unused, None)  # type: ignore[arg-type]
