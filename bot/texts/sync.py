"""Keep the gettext catalogues in step with the English texts, and compile them.

    python -m bot.texts.sync              # write bot/locale/b12bot.pot, update every .po, compile the .mo
    python -m bot.texts.sync --check      # exit 1 when the .pot or a .po is out of date (nothing written)
    python -m bot.texts.sync --compile    # only compile .po -> .mo (install and image builds)
    python -m bot.texts.sync --add de     # start bot/locale/de/LC_MESSAGES/b12bot.po from the template

Every patient-facing key (`EN` minus `ENGLISH_ONLY`) is one entry: msgctxt = key, msgid = English.
Existing translations are kept; one whose English changed is marked fuzzy (with the old English as
`#| msgid`), and is not used until a translator reviews it and removes the flag.
"""

from __future__ import annotations

import argparse
import io
import re
import string
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.texts import EN, ENGLISH_ONLY
from bot.texts.catalogue import DOMAIN, LOCALE_DIR, compile_po, languages, po_path, reset
from bot.texts.plurals import PLURALS

POT = LOCALE_DIR / f"{DOMAIN}.pot"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # fixed header dates: a sync that changes nothing rewrites nothing


def placeholders(text: str) -> list[str]:
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name is not None})


def template() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="b12bot", creation_date=EPOCH, revision_date=EPOCH, fuzzy=False)
    for key, english in EN.items():
        if key in ENGLISH_ONLY:
            continue
        msgid: str | tuple[str, str] = (PLURALS[key][0], english) if key in PLURALS else english
        names = placeholders(english)
        comments = [f"keep: {', '.join('{' + n + '}' for n in names)}"] if names else []
        catalog.add(msgid, context=key, auto_comments=comments)
    return catalog


def _read(path: Path, lang: str | None = None) -> Catalog | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def updated(lang: str, old: Catalog | None) -> Catalog:
    """The catalogue of `lang` for the current English, keeping what `old` already translated.

    The plural forms are a decision recorded in the catalogue's own `Plural-Forms` header, not whatever the
    installed Babel's CLDR says: Babel 2.19 gave Spanish a third ("many", for millions) form, which would
    have left every Spanish plural with an empty form. A new catalogue starts from Babel's rule.
    """
    new = Catalog(locale=lang, domain=DOMAIN, project="b12bot", creation_date=EPOCH, revision_date=EPOCH, fuzzy=False)
    if old is not None:
        new.mime_headers = [("Plural-Forms", old.plural_forms)]
    before = {m.context: m for m in old if m.id and m.context} if old is not None else {}
    for message in template():
        key = message.context or ""
        entry = Message(message.id, context=key, auto_comments=message.auto_comments)
        previous = before.get(key)
        if previous is not None and isinstance(previous.id, tuple) == isinstance(message.id, tuple):
            entry.string = previous.string
            if previous.id != message.id or previous.fuzzy:
                entry.flags.add("fuzzy")
                if previous.id != message.id:
                    entry.previous_id = list(previous.id) if isinstance(previous.id, tuple) else [str(previous.id)]
        elif isinstance(message.id, tuple):
            entry.string = ("",) * new.num_plurals
        new[message.id] = entry
    return new


GENERATOR = re.compile(rb'^"Generated-By: [^"]*"\n', re.MULTILINE)


def render(catalog: Catalog) -> bytes:
    """The .po bytes; the generator header names this tool, not the Babel release that wrote it."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_previous=True, sort_output=False)
    return GENERATOR.sub(lambda _: b'"Generated-By: bot.texts.sync\\n"\n', buffer.getvalue())


def entries(data: bytes) -> list[tuple[object, ...]]:
    """What a catalogue says, header generator and dates aside: plural forms, then every entry."""
    catalog = read_po(io.BytesIO(data))
    head: tuple[object, ...] = ("plural-forms", catalog.plural_forms)
    return [head] + [
        (m.context, m.id, m.string, sorted(m.flags), m.previous_id, m.auto_comments) for m in catalog if m.id
    ]


def compile_all() -> list[Path]:
    written = []
    for lang in languages()[1:]:
        po = po_path(lang)
        po.with_suffix(".mo").write_bytes(compile_po(po))
        written.append(po.with_suffix(".mo"))
    reset()
    return written


def sync(check: bool = False) -> list[Path]:
    """Write (or, with check, list) every catalogue file that differs from what it should be."""
    wanted = {POT: render(template())}
    for lang in languages()[1:]:
        wanted[po_path(lang)] = render(updated(lang, _read(po_path(lang), lang)))
    stale = [path for path, data in wanted.items() if not path.exists() or entries(path.read_bytes()) != entries(data)]
    if not check:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wanted[path])
        reset()
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.texts.sync", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when a catalogue is out of date; write nothing")
    parser.add_argument("--compile", action="store_true", help="only compile .po -> .mo")
    parser.add_argument("--add", metavar="LANG", help="start a catalogue for a new language (e.g. de)")
    args = parser.parse_args(argv)
    if args.add:
        po_path(args.add).parent.mkdir(parents=True, exist_ok=True)
        po_path(args.add).write_bytes(render(updated(args.add, None)))
        reset()
    if args.compile:
        for path in compile_all():
            print(f"compiled {path.relative_to(LOCALE_DIR.parent.parent)}")
        return 0
    stale = sync(check=args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'updated'}: {path.relative_to(LOCALE_DIR.parent.parent)}")
    if args.check:
        return 1 if stale else 0
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
