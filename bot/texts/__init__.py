"""Every user-facing text, keyed; English is the source, translations are gettext catalogues.

The English catalogue `EN` is assembled from the modules of this package (one dict per module, merged
below with one line each) so that each area keeps its texts together. Patient and care-team texts are
translated in bot/locale/<lang>/LC_MESSAGES/b12bot.po (`python -m bot.texts.sync` updates them from the
English); a team's texts follow its `language`. Operator texts (`ENGLISH_ONLY`: the CLI) stay English.
Patient texts are short and plain; `patient()` adds the footer that tells how to get help or stop.
Tests check that every key used in the code exists, and every patient key in every language.
"""

from __future__ import annotations

from typing import Any

from bot.texts.catalogue import languages, supported, translations
from bot.texts.en import EN
from bot.texts.en_commands import COMMANDS_PATIENT, COMMANDS_TEAM
from bot.texts.en_conversation import CONVERSATION, CONVERSATION_TEAM
from bot.texts.en_data import DATA, DATA_TEAM
from bot.texts.en_escalation import ESCALATION_TEAM
from bot.texts.en_operator import OPERATOR
from bot.texts.en_security import SECURITY
from bot.texts.en_settings import SETTINGS, SETTINGS_TEAM
from bot.texts.en_team import TEAM
from bot.texts.en_tools import CARD, TOOLS
from bot.texts.en_trust import TRUST
from bot.texts.plurals import PLURALS

# Every team and patient text is translated; only the operator's (the CLI, and errors that come from the
# checks the CLI shares, `err_*`) stay English: left out of the .po files.
EN.update(
    {k: v for d in (TEAM, DATA_TEAM, SETTINGS_TEAM, TRUST, CONVERSATION_TEAM, COMMANDS_TEAM) for k, v in d.items()}
)
EN.update(OPERATOR)
EN.update(ESCALATION_TEAM)  # issue 14: escalated urgent alerts (care-team texts, translated like the rest)
EN.update(DATA)
EN.update(SECURITY)
EN.update(SETTINGS)
EN.update(CONVERSATION)
EN.update(TOOLS)  # issue 13: CLI, regimens, chart labels (English only, below)
EN.update(CARD)  # issue 13: the printable invite card, for the patient
EN.update(COMMANDS_PATIENT)
ENGLISH_ONLY: frozenset[str] = frozenset(OPERATOR) | frozenset(TOOLS) | frozenset(k for k in EN if k.startswith("err_"))

CATALOGUES: dict[str, dict[str, str]] = {"en": EN}  # the English source, by key (translations: catalogue.py)


def template(key: str, lang: str = "en", count: int | None = None) -> str:
    """The unformatted text of `key` in `lang`: English when the language or its entry is missing."""
    english = EN[key]
    plural = PLURALS.get(key)
    if lang == "en" or key in ENGLISH_ONLY or lang not in languages():
        return plural[0] if plural and count == 1 else english
    if plural:
        return translations(lang).npgettext(key, plural[0], english, 2 if count is None else count)
    return translations(lang).pgettext(key, english)


def t(key: str, lang: str = "en", /, **params: Any) -> str:
    """The text for `key` in `lang` (English when missing), with its placeholders filled."""
    plural = PLURALS.get(key)
    count = params.get(plural[1]) if plural else None
    text = template(key, lang, count if isinstance(count, int) else None)
    return text.format(**params) if params else text


def patient(key: str, lang: str = "en", /, **params: Any) -> str:
    """A patient-facing message: the text plus the help/stop footer."""
    return f"{t(key, lang, **params)}\n\n{t('footer', lang)}"


__all__ = ["CATALOGUES", "EN", "ENGLISH_ONLY", "languages", "patient", "supported", "t", "template"]
