"""The CSV export's codebook: every column of every table, the same in codebook.csv and docs/data.md; B6 ranges
exported as bounds, never as the figure the rules assume."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from care.protocol import B6Thresholds, DoseRange, Protocol
from services import codebook, export

DATA_MD = Path(__file__).resolve().parents[1] / "docs" / "data.md"


def test_every_exported_column_is_in_the_codebook_and_nothing_else() -> None:
    rows = list(csv.DictReader(io.StringIO(codebook.codebook_csv(Protocol()))))
    assert list(rows[0]) == list(codebook.HEADER)
    for table, header in export.HEADERS.items():
        assert [r["column"] for r in rows if r["table"] == table] == list(header), table
    assert {r["table"] for r in rows} == set(export.HEADERS)
    assert all(r["type"] and r["meaning"] for r in rows)
    assert {r["type"] for r in rows} <= {"string", "integer", "decimal", "boolean", "date", "datetime", "json"}


def test_docs_show_the_codebook_of_the_default_protocol() -> None:
    text = DATA_MD.read_text(encoding="utf-8")
    start = text.index("<!-- codebook:start -->\n") + len("<!-- codebook:start -->\n")
    shown = text[start : text.index("<!-- codebook:end -->")]
    assert shown == codebook.markdown(Protocol()), "paste codebook.markdown(Protocol()) into docs/data.md"


@pytest.mark.parametrize(
    ("score", "above", "up_to"),
    [
        ({"b6_range": None, "b6_products": ["none"]}, None, 0.0),
        ({"b6_range": "none", "b6_products": ["b_complex"]}, None, 0.0),
        ({"b6_range": "under_10", "b6_products": ["b_complex"]}, 0.0, 10.0),
        ({"b6_range": "100_500", "b6_products": ["b_complex"]}, 100.0, 500.0),
        ({"b6_range": "over_500", "b6_products": ["b_complex"]}, 500.0, None),  # never the assumed 1000
        ({"b6_range": "not_sure", "b6_products": ["b_complex"]}, None, None),
    ],
)
def test_b6_ranges_are_exported_as_bounds(score: dict[str, object], above: float | None, up_to: float | None) -> None:
    assert export.b6_bounds(score, Protocol().b6) == {"b6_mg_per_day_above": above, "b6_mg_per_day_up_to": up_to}


def test_the_codebook_names_the_protocols_own_ranges() -> None:
    ranges = (
        DoseRange(key="low", above_mg=0, up_to_mg=20, assumed_mg=20),
        DoseRange(key="high", above_mg=20, assumed_mg=40),
    )
    protocol = Protocol(b6=B6Thresholds(dose_ranges=ranges))
    (row,) = [r for r in csv.DictReader(io.StringIO(codebook.codebook_csv(protocol))) if r["column"] == "b6_range"]
    assert row["allowed_values"].startswith("low (above 0 up to 20) | high (above 20, no upper bound)")
