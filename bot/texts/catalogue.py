"""The translations: gettext catalogues under bot/locale/<lang>/LC_MESSAGES/b12bot.po (compiled to .mo).

Each entry's msgctxt is the catalogue key and its msgid the English text, so a translator sees the
English and a changed English text no longer matches its old translation (English is shown until the
translation is updated). The supported languages are English plus every folder with a `b12bot.po`:
adding a language needs no code change. Catalogues are loaded once, on first use; a missing or stale
`.mo` (a checkout without `make`) is compiled from the `.po` in memory.
"""

from __future__ import annotations

import gettext
import io
import logging
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "b12bot"
SOURCE_LANGUAGE = "en"

log = logging.getLogger(__name__)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def languages() -> tuple[str, ...]:
    """English first, then every language with a catalogue, sorted."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


def supported(code: str | None) -> str | None:
    """The supported language for a Telegram `language_code` or a typed code ("es-MX" -> "es"), else None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in languages() else None


def compile_po(po: Path) -> bytes:
    """The .mo bytes of a .po file (fuzzy entries left out, so English shows until they are reviewed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (an empty one, i.e. English, when there is none)."""
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        log.info("compiling %s in memory (no up-to-date .mo)", po.name)
        return gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    return gettext.NullTranslations()


def reset() -> None:
    """Forget loaded catalogues (after the sync tool rewrote them)."""
    languages.cache_clear()
    translations.cache_clear()
