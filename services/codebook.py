"""The codebook of the CSV export: every column of every table, its type, unit, allowed values and meaning.

Written as `codebook.csv` beside the tables (like a REDCap data dictionary) and shown in docs/data.md
(a test keeps the two the same). The rows are data: services/codebook.csv, whose `{name}` cells are filled from
the protocol in force (the B6 ranges, the snoozes, the MNSI weeks) and the care catalogues (flag kinds, PGIC,
B6 products, red flags).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from care.flags import FlagKind
from care.instruments import B6_PRODUCTS, RED_FLAG_KEYS, RETIRED_RED_FLAG_KEYS
from care.pgic import Pgic
from care.protocol import Protocol

HEADER = ("table", "column", "type", "unit", "allowed_values", "meaning")
TYPES = "string, integer, decimal, boolean (True/False), date (YYYY-MM-DD), datetime (ISO 8601, UTC), json"


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    type: str
    unit: str
    allowed_values: str
    meaning: str


@cache
def _template() -> tuple[tuple[str, ...], ...]:
    rows = list(csv.reader(io.StringIO(files("services").joinpath("codebook.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == HEADER, rows[0]
    return tuple(tuple(row) for row in rows[1:])


def _b6(protocol: Protocol) -> str:
    return (
        " | ".join(
            f"{r.key} (above {r.above_mg:g}"
            + (f" up to {r.up_to_mg:g})" if r.up_to_mg is not None else ", no upper bound)")
            for r in protocol.b6.dose_ranges
        )
        + " | not_sure | empty (no products)"
    )


def columns(protocol: Protocol) -> tuple[Column, ...]:
    q = protocol.questionnaires
    values = {
        "max_snoozes": protocol.doses.max_snoozes,
        "pgic": " | ".join(Pgic),
        "pgic_from_week": q.pgic_from_week,
        "mnsi_weeks": ", ".join(map(str, q.mnsi_weeks)),
        "mnsi_abnormal_at_least": q.mnsi_abnormal_at_least,
        "b6_products": " | ".join(B6_PRODUCTS.choices),
        "b6_ranges": _b6(protocol),
        "red_flags": " | ".join(RED_FLAG_KEYS),
        "retired_red_flags": " | ".join(RETIRED_RED_FLAG_KEYS),
        "flag_kinds": " | ".join(FlagKind),
    }
    return tuple(Column(*(cell.format(**values) for cell in row)) for row in _template())


def codebook_csv(protocol: Protocol) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for c in columns(protocol):
        writer.writerow([c.table, c.column, c.type, c.unit, c.allowed_values, c.meaning])
    return out.getvalue()


def markdown(protocol: Protocol) -> str:
    """The codebook as the Markdown table in docs/data.md."""
    lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join("---" for _ in HEADER) + " |"]
    for c in columns(protocol):
        cells = [c.table, f"`{c.column}`", c.type, c.unit, c.allowed_values, c.meaning]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
