"""`b12bot regimens`: each preset's title and, for a reader, where it comes from."""

from __future__ import annotations

import textwrap

from bot.texts import t
from care.regimen_sources import PROTOCOL_SECTION, REFERENCES
from care.regimens import PRESET_CODES, build_regimen

WIDTH = 100
INDENT = " " * 4


def regimen_lines() -> list[str]:
    lines: list[str] = []
    # "Sanz-Cuesta" and "100-500" stay whole
    wrapper = textwrap.TextWrapper(WIDTH, initial_indent=INDENT, subsequent_indent=INDENT * 2, break_on_hyphens=False)
    for code in PRESET_CODES:
        regimen = build_regimen(code, dose_mcg=500 if code == "source-daily" else None)
        ref = REFERENCES[code]
        lines.append(t("regimens_line", code=code, title=regimen.title))
        for text in (
            t("regimens_source", source=ref.source),
            t("regimens_says", says=ref.says),
            t("regimens_protocol", section=PROTOCOL_SECTION),
        ):
            lines += wrapper.wrap(text)
        lines.append("")
    return lines[:-1]
