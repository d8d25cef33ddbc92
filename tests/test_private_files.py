"""Files written to disk (CSV, FHIR, zips, QR pictures) are mode 0600, and never written through a planted link.

Issue 12: export files were world-readable (the umask's 0644) and a symbolic link planted at the fixed
`.patients.csv.partial` path received the CSV, which then also ended up as a link at `patients.csv`.
"""

from __future__ import annotations

import asyncio
import os
import stat
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.sandbox.harness import Sandbox
from services import private_files
from tests.helpers import invite, team_with_member

START = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
# what each command writes: (arguments after the database is set, the files it leaves, as paths under tmp)
EXPORTS = {
    "csv-dir": (["export", "--team", "Neuro clinic", "--out", "{tmp}/out"], ["out/patients.csv", "out/doses.csv"]),
    "csv-zip": (["export", "--team", "Neuro clinic", "--zip", "{tmp}/team.zip"], ["team.zip"]),
    "fhir-dir": (["export", "--team", "Neuro clinic", "--format", "fhir", "--out", "{tmp}/out"], ["out/MK-17.json"]),
    "fhir-zip": (["export", "--team", "Neuro clinic", "--format", "fhir", "--zip", "{tmp}/team.zip"], ["team.zip"]),
    "qr": (
        ["patient", "invite", "--team", "Neuro clinic", "--alias", "QR-1", "--regimen", "oral-high",
         "--start", "2026-12-01", "--timezone", "Europe/Berlin", "--time", "09:00", "--clinician", "1001",
         "--qr", "{tmp}/invite.png"],
        ["invite.png"],
    ),
}  # fmt: skip


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The common default umask, under which a plain open() makes a file every local user can read."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None) -> Path:
    """A SQLite database with a team, its clinician (Telegram id 1001) and an invited patient MK-17."""

    async def seed() -> None:
        async with Sandbox(database_url=f"sqlite:///{tmp_path}/b12bot.db", start=START) as sb:
            await team_with_member(sb)
            await invite(sb, start=date(2026, 10, 6))

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/b12bot.db")
    monkeypatch.setenv("BOT_USERNAME", "clinic_b12_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def args_for(kind: str, tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in EXPORTS[kind][0]]


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_every_written_file_is_owner_only(kind: str, clinic: Path) -> None:
    assert main(args_for(kind, clinic)) == 0
    for name in EXPORTS[kind][1]:
        written = clinic / name
        assert written.is_file() and not written.is_symlink()
        assert mode(written) == 0o600, (name, oct(mode(written)))
    if kind.endswith("-dir"):
        assert mode(clinic / "out") == 0o700  # the folder it created, too
    if kind.endswith("-zip"):
        with zipfile.ZipFile(clinic / "team.zip") as archive:  # and what an unzip would create
            assert {info.external_attr >> 16 for info in archive.infolist()} == {0o600}
    assert list(clinic.glob("**/*.partial")) == []


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_links_planted_at_the_partial_and_target_paths_receive_nothing(kind: str, clinic: Path) -> None:
    """The old fixed partial name and the target itself are links to a file the attacker reads: both stay empty."""
    stolen = clinic / "attacker-reads-this"
    stolen.write_text("")
    for name in EXPORTS[kind][1]:
        target = clinic / name
        target.parent.mkdir(exist_ok=True)
        (target.parent / f".{target.name}.partial").symlink_to(stolen)
        target.symlink_to(stolen)
    assert main(args_for(kind, clinic)) == 0
    assert stolen.read_text() == ""
    for name in EXPORTS[kind][1]:
        written = clinic / name
        assert written.is_file() and not written.is_symlink() and mode(written) == 0o600


def test_a_link_at_the_very_partial_name_stops_the_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a link at the random partial name (guessed) is not followed: the write fails, nothing leaks."""
    stolen = tmp_path / "stolen"
    stolen.write_text("")
    target = tmp_path / "patients.csv"
    monkeypatch.setattr(private_files.secrets, "token_hex", lambda _n: "guessed")
    private_files.partial_name(target, "guessed").symlink_to(stolen)
    with pytest.raises(FileExistsError):
        private_files.write_private(target, b"alias,status\nMK-17,active\n")
    assert stolen.read_text() == "" and not target.exists()


def test_a_failed_write_leaves_no_partial_and_keeps_the_old_file(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "patients.csv"
    private_files.write_private(target, b"old\n")
    with pytest.raises(RuntimeError), private_files.private_file(target) as out:
        out.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old\n" and mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["patients.csv"]
