"""The t.me link that opens the bot with a one-time token (`/start <token>`), for invites and join links."""

from __future__ import annotations


def link(username: str, token: str) -> str:
    return f"https://t.me/{username}?start={token}"
