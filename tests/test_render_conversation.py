"""Splitting a long message for Telegram's 4096 limit (bot/render/conversation.py): pure."""

from __future__ import annotations

from bot.render.conversation import LIMIT, length, split_message


def test_a_short_message_is_one_part_with_head_and_tail() -> None:
    assert split_message("Head:", "body", "Tail") == ["Head:\n\nbody\n\nTail"]
    assert split_message("Head:", "body", "") == ["Head:\n\nbody"]


def test_a_long_message_is_cut_at_line_breaks_and_every_part_fits() -> None:
    body = "\n".join(f"line {i}: " + "x" * 90 for i in range(100))  # about 10 000 characters
    parts = split_message("Head:", body, "Tail")
    assert len(parts) == 3 and all(length(p) <= LIMIT for p in parts)
    assert parts[0].startswith("Head:\n\nline 0:") and parts[-1].endswith("\n\nTail")
    assert parts[1].startswith("line ") and parts[0].endswith("x")  # cut at a line break, nothing lost
    rebuilt = "\n".join([parts[0].removeprefix("Head:\n\n"), parts[1], parts[2].removesuffix("\n\nTail")])
    assert rebuilt == body


def test_emoji_count_double_as_telegram_counts_them() -> None:
    body = "🙂" * 3000  # 3000 characters, 6000 UTF-16 code units: two messages
    parts = split_message("H", body, "")
    assert len(parts) == 2 and all(length(p) <= LIMIT for p in parts)
    assert "".join(p.removeprefix("H\n\n") for p in parts) == body
