"""Every user-facing text, keyed, ready for translation (English first).

One catalogue per language, assembled from the modules of this package (`en`, `en_team`, ...) so
that each area keeps its texts together. Patient texts are short and plain; `patient()` adds the
footer that tells how to get help or stop. A test checks every key used in the code exists.
"""

from __future__ import annotations

from typing import Any

from bot.texts.en import EN
from bot.texts.en_team import TEAM

EN.update(TEAM)
CATALOGUES: dict[str, dict[str, str]] = {"en": EN}


def t(key: str, lang: str = "en", /, **params: Any) -> str:
    """The text for `key` in `lang` (English when missing), with its placeholders filled."""
    catalogue = CATALOGUES.get(lang, EN)
    template = catalogue.get(key, EN[key])
    return template.format(**params) if params else template


def patient(key: str, lang: str = "en", /, **params: Any) -> str:
    """A patient-facing message: the text plus the help/stop footer."""
    return f"{t(key, lang, **params)}\n\n{t('footer', lang)}"


__all__ = ["CATALOGUES", "EN", "patient", "t"]
