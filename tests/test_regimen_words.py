"""Every regimen preset in every language names each phase with its duration (issue 13: the Spanish and
Russian consent dropped "for 2 weeks, then", the step-down lost "after week 8"). One structure renders
them all (bot/render/regimen.py); these are the texts a patient reads in the consent and /status."""

from __future__ import annotations

import pytest

from bot.texts import languages
from bot.texts.formats import regimen_text
from care.regimens import PRESET_CODES, build_regimen

PRESETS = [(code, False) for code in PRESET_CODES] + [("oral-high", True)]
# (preset, step-down) -> language -> the words for each phase's duration, in order ("" = goes on)
SPANS: dict[tuple[str, bool], dict[str, list[str]]] = {
    ("source-weekly", False): {"en": [""], "es": [""], "ru": [""]},
    ("source-daily", False): {"en": [""], "es": [""], "ru": [""]},
    ("oral-high", False): {"en": [""], "es": [""], "ru": [""]},
    ("oral-methyl", False): {"en": [""], "es": [""], "ru": [""]},
    ("oral-high", True): {"en": ["for 8 weeks", ""], "es": ["durante 8 semanas", ""], "ru": ["в течение 8 недель", ""]},
    ("im-hydroxo-neuro", False): {
        "en": ["for 3 weeks", ""],
        "es": ["durante 3 semanas", ""],
        "ru": ["в течение 3 недель", ""],
    },
    ("im-hydroxo", False): {
        "en": ["for 2 weeks", ""],
        "es": ["durante 2 semanas", ""],
        "ru": ["в течение 2 недель", ""],
    },
    ("im-cyano-1000", False): {
        "en": ["for 7 days", "for 4 weeks", ""],
        "es": ["durante 7 días", "durante 4 semanas", ""],
        "ru": ["в течение 7 дней", "в течение 4 недель", ""],
    },
}
THEN = {"en": "; then ", "es": "; después ", "ru": "; затем "}
EXACT = {
    ("im-hydroxo", False, "en"): "B12 1 mg injection, 3 times a week, for 2 weeks; then every 3 months",
    ("oral-high", True, "en"): "B12 1000 mcg by mouth, every day, for 8 weeks; then once a week",
    (
        "im-hydroxo",
        False,
        "es",
    ): "inyección de B12 de 1 mg, 3 veces por semana, durante 2 semanas; después cada 3 meses",
    ("oral-high", True, "ru"): "таблетка B12 1000 мкг, каждый день, в течение 8 недель; затем раз в неделю",
    ("im-cyano-1000", False, "en"): (
        "B12 1000 mcg injection, every day, for 7 days; then once a week, for 4 weeks; then once a month"
    ),
}


def test_the_table_covers_every_preset_and_language() -> None:
    assert {code for code, _ in SPANS} == set(PRESET_CODES)
    assert all(set(by_lang) == set(languages()) for by_lang in SPANS.values())


@pytest.mark.parametrize("lang", ["en", "es", "ru"])
@pytest.mark.parametrize(("code", "step_down"), PRESETS)
def test_each_phase_and_its_duration_in_every_language(code: str, step_down: bool, lang: str) -> None:
    regimen = build_regimen(code, dose_mcg=500 if code == "source-daily" else None, step_down=step_down)
    text = regimen_text(regimen.to_dict(), lang)
    phases = text.split(THEN[lang])
    assert len(phases) == len(regimen.phases), text
    for words, phase in zip(SPANS[(code, step_down)][lang], phases, strict=True):
        assert phase.endswith(words), (phase, words)
        assert "{" not in phase
    if (code, step_down, lang) in EXACT:
        assert text == EXACT[(code, step_down, lang)]
