"""The catalogue: every key the code asks for by name exists, and placeholders are well formed."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.texts import EN

ROOT = Path(__file__).resolve().parents[1] / "bot"
LITERAL_KEY = re.compile(r"""\b(?:t|patient)\(\s*["']([a-z0-9_.]+)["']""")


def test_every_literal_key_in_the_code_exists() -> None:
    used = {key for path in ROOT.rglob("*.py") for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found nothing: the pattern is broken"
    assert sorted(used - set(EN)) == []


def test_templates_parse() -> None:
    for key, template in EN.items():
        list(string.Formatter().parse(template))  # raises on a malformed placeholder
        assert template.strip(), key
