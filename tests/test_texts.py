"""The catalogue: every key the code asks for exists, no key is left unused, and every patient text is
translated into every language with the same placeholders; the .po files compile and are in step."""

from __future__ import annotations

import ast
import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.texts import EN, ENGLISH_ONLY, languages, patient, supported, t
from bot.texts.catalogue import compile_po, po_path
from bot.texts.formats import clock, when
from bot.texts.plurals import PLURALS
from bot.texts.sync import sync

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "bot"
LITERAL_KEY = re.compile(r"""\b(?:t|patient)\(\s*["']([a-z0-9_.]+)["']""")
TRANSLATED = [key for key in EN if key not in ENGLISH_ONLY]
OTHER_LANGUAGES = [lang for lang in languages() if lang != "en"]

# Keys the code builds at run time: the constant head (or tail) of the f-string and where it is built.
# A key is "used" when it appears as a string literal in the code, or matches one of these.
DYNAMIC_PREFIXES = {
    "q_": "render_questionnaire.item_text: q_<item key>, q_<item key>_scale; handlers: q_<outcome>",
    "pgic_": "render_questionnaire: <prefix><choice> for the PGIC item",
    "b6p_": "render_questionnaire: b6p_<product>",
    "b6d_": "render_questionnaire: <prefix><choice> for the B6 dose item",
    "route_": "render.dose_label: route_<oral|im>",
    "unit_": "render.unit: unit_<mcg|mg>",
    "change_": "render_settings: change_<time|zone>_ask, change_<time|zone>_done",
    "status_answer_": "handlers/doses: status_answer_<answer>",
    "dose_status_": "handlers/patient: dose_status_<state>",
    "rf_btn_": "red_flag_screen: rf_btn_<red-flag item key>, the button of each symptom",
    "rf_adv_": "render_red_flags: rf_adv_<care.red_flags.Advice>",
    "flag.": "render_flags.summary: flag.<kind>.<detail>",
    "flag_": "render_milestones / handlers/flags: flag_<action>_line",
    "enrol_ask_": "services/enrol_prompts: enrol_ask_<step>",
    "tv_status_": "render_team: tv_status_<status>",
    "tv_chart_": "charts: tv_chart_<label>",
    "digest_severity_": "render_digest: digest_severity_<severity>",
    "milestone_what_": "render_digest: milestone_what_<week>",
    "verdict_": "render_milestones: verdict_<verdict>",
    "suggestion_": "render_milestones: suggestion_<suggestion>",
    "cmd_": "command_table.Command.key: cmd_<role>_<command>",
    "team_language_": "handlers/team_settings: team_language_<outcome>",
    "team_digest_": "handlers/team_settings: team_digest_<outcome>, team_digest_mode_<mode>",
}
DYNAMIC_SUFFIXES = {"_already": "handlers/patient: <status>_already"}


def code_strings() -> tuple[set[str], set[str], set[str]]:
    """Every string literal in the code (outside bot/texts), and the heads and tails of f-strings."""
    literals: set[str] = set()
    heads: set[str] = set()
    tails: set[str] = set()
    for folder in ("bot", "care", "schedules", "services", "storage"):
        for path in (REPO / folder).rglob("*.py"):
            if "texts" in path.relative_to(REPO).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    literals.add(node.value)
                elif isinstance(node, ast.JoinedStr) and node.values:
                    first, last = node.values[0], node.values[-1]
                    if isinstance(first, ast.Constant):
                        heads.add(str(first.value))
                    elif isinstance(last, ast.Constant):
                        tails.add(str(last.value))
    return literals, heads, tails


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalogue(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def test_every_literal_key_in_the_code_exists() -> None:
    used = {key for path in ROOT.rglob("*.py") for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found nothing: the pattern is broken"
    assert sorted(used - set(EN)) == []


def test_no_unused_key() -> None:
    literals, heads, tails = code_strings()
    for prefix in DYNAMIC_PREFIXES:  # the allowance must not outlive the code that needs it
        assert prefix in heads or prefix in literals, f"no code builds keys starting {prefix!r}: drop it"
    for suffix in DYNAMIC_SUFFIXES:
        assert suffix in tails, f"no code builds keys ending {suffix!r}: drop it"
    unused = [
        key
        for key in EN
        if key not in literals
        and not key.startswith(tuple(DYNAMIC_PREFIXES))
        and not key.endswith(tuple(DYNAMIC_SUFFIXES))
    ]
    assert unused == []


def test_templates_parse() -> None:
    for key, template in EN.items():
        list(string.Formatter().parse(template))  # raises on a malformed placeholder
        assert template.strip(), key
    for key, (singular, count) in PLURALS.items():
        assert placeholders(singular) == placeholders(EN[key]) and count in placeholders(EN[key]), key


def test_there_are_languages_team_texts_are_translated_and_operator_texts_stay_english() -> None:
    assert {"en", "es", "ru"} <= set(languages())
    assert supported("es-MX") == "es" and supported("RU") == "ru" and supported("de") is None
    assert supported(None) is None and supported("") is None
    assert t("team_refused", "es").startswith("Lo siento")  # issue 13: a team's texts follow its language
    assert "alert_urgent" not in ENGLISH_ONLY and "consent" not in ENGLISH_ONLY
    assert "err_team_unknown" in ENGLISH_ONLY and t("err_team_unknown", "es", name="x") == EN[
        "err_team_unknown"
    ].format(name="x")


def test_catalogues_are_in_step_with_the_english() -> None:
    stale = sync(check=True)
    assert stale == [], "run: .venv/bin/python -m bot.texts.sync (then translate the new entries)"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_patient_key_is_translated_with_the_same_placeholders(lang: str) -> None:
    entries = {m.context: m for m in catalogue(lang) if m.id}
    missing, fuzzy, wrong = [], [], []
    for key in TRANSLATED:
        entry = entries.get(key)
        forms = entry.string if entry is not None and isinstance(entry.string, tuple) else (entry and entry.string,)
        if entry is None or not all(forms):
            missing.append(key)
        elif entry.fuzzy:
            fuzzy.append(key)
        elif any(placeholders(str(form)) != placeholders(EN[key]) for form in forms):
            wrong.append(key)
    assert missing == [], f"{lang}: not translated"
    assert fuzzy == [], f"{lang}: the English changed; review and remove the fuzzy flag"
    assert wrong == [], f"{lang}: placeholders differ from the English"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_po_compiles_and_the_mo_is_up_to_date(lang: str) -> None:
    compiled = compile_po(po_path(lang))
    assert len(compiled) > 1000
    mo = po_path(lang).with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po_path(lang).stat().st_mtime:  # the one the bot would load
        assert mo.read_bytes() == compiled, f"{mo} is stale: run python -m bot.texts.sync --compile"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_text_renders_in_every_language(lang: str) -> None:
    for key in TRANSLATED:
        params = {name: 3 for name in placeholders(EN[key])}
        text = t(key, lang, **params)
        assert text.strip(), key
    assert patient("help", lang).endswith(t("footer", lang)) and t("footer", lang) != EN["footer"]


def test_plurals_follow_the_language() -> None:
    assert t("freq_every_n_days", "en", n=3) == "every 3 days"
    assert t("freq_every_n_days", "en", n=1) == "every 1 day"
    ru = [t("freq_every_n_days", "ru", n=n) for n in (1, 3, 5, 21)]
    assert len({text.replace(str(n), "") for text, n in zip(ru, (1, 3, 5, 21), strict=True)}) == 3, ru
    assert ru[0].replace("1", "") == ru[3].replace("21", "")  # 1 and 21 share a form in Russian


def test_dates_and_times_are_formatted_for_the_language() -> None:
    at = datetime(2026, 9, 4, 7, 0, tzinfo=UTC)  # 09:00 in Berlin, a Friday
    assert when(at, "Europe/Berlin", "en") == "Fri 04 Sep, 09:00"
    assert when(at, "Europe/Berlin", "es") == "vie, 4 sept, 9:00"
    assert when(at, "Europe/Berlin", "ru") == "пт, 4 сент., 09:00"
    assert clock(at, "Europe/Berlin", "en") == "09:00" and clock(at, "Europe/Berlin", "es") == "9:00"


def test_plural_forms_are_the_catalogues_decision_not_the_installed_babels() -> None:
    """Spanish keeps two plural forms (its header says so) whatever CLDR release Babel ships (2.19 added a
    third, "many", for millions; our counts are doses, days and months), and Russian keeps three."""
    from bot.texts.sync import _read, updated

    for lang, forms in (("es", 2), ("ru", 3)):
        catalog = updated(lang, _read(po_path(lang), lang))
        assert catalog.num_plurals == forms, lang
        for message in catalog:
            if isinstance(message.id, tuple):
                assert len(message.string) == forms and all(message.string), (lang, message.context)


def test_a_catalogue_written_by_another_babel_release_is_not_stale(tmp_path: Path) -> None:
    """The check compares entries, not the generator's header: a different "Generated-By" is no change."""
    from bot.texts.sync import entries, render

    data = render(Catalog(locale="es", domain="b12bot"))
    assert b'"Generated-By: bot.texts.sync\\n"' in data
    other = data.replace(b"Generated-By: bot.texts.sync", b"Generated-By: Babel 9.99.0")
    assert other != data and entries(other) == entries(data)
