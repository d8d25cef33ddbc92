"""Errors a person can act on. `key` names a text in bot.texts; nothing was changed."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
