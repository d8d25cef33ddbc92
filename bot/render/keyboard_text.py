"""A message's buttons as plain text, row by row as the bot sends them (the demo and the simulator's transcript)."""

from __future__ import annotations

from typing import Any


def keyboard_rows(reply_markup: dict[str, Any] | None) -> list[str]:
    """One line per row of the inline keyboard: `[ 0 ] [ 1 ] [ 2 ]`; no lines without buttons."""
    rows = (reply_markup or {}).get("inline_keyboard") or []
    return [" ".join(f"[ {button['text']} ]" for button in row) for row in rows if row]
