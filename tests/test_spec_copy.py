"""The Bot API spec shipped with the sandbox is the one in ../shared (when that folder is present)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox.spec import PACKAGED_SPEC, default_spec_path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "telegram-bot-api" / "api.json"


def test_packaged_spec_is_the_default() -> None:
    assert default_spec_path() == PACKAGED_SPEC


@pytest.mark.skipif(not SHARED.is_file(), reason="../shared is not beside this checkout (a user's own clone)")
def test_packaged_spec_matches_shared() -> None:
    assert PACKAGED_SPEC.read_bytes() == SHARED.read_bytes(), "copy ../shared/telegram-bot-api/api.json again"
