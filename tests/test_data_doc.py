"""docs/data.md describes every table the code keeps (issue 14 added patient_message and helper_link)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)

DOC = Path(__file__).resolve().parents[1] / "docs" / "data.md"


def test_every_table_has_its_section_in_docs_data_md() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in SQLModel.metadata.tables if f"### `{name}`" not in text]
    assert not missing, f"tables without a section in docs/data.md: {missing}"
