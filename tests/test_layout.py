"""The rules of the layout: pure rooms stay pure, services know nothing of Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("care", ("bot", "schedules", "storage", "telegram", "sqlalchemy", "sqlmodel")),
        ("schedules", ("bot", "telegram")),
        ("storage", ("bot", "care", "schedules", "telegram")),
        ("bot/services", ("telegram",)),
    ],
)
def test_rooms_import_only_what_they_may(folder: str, forbidden: tuple[str, ...]) -> None:
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files(folder)
        for name in imports(path)
        if name.split(".")[0] in forbidden or name in forbidden
    }
    assert not bad


@pytest.mark.parametrize("folder", ["care", "schedules"])
def test_no_clock_reads_in_pure_rooms(folder: str) -> None:
    clock = ("datetime.now", "datetime.utcnow", "date.today", "time.time(", "time.monotonic(")
    bad = [f"{p.relative_to(ROOT)}: {c}" for p in files(folder) for c in clock if c in p.read_text(encoding="utf-8")]
    assert not bad
