"""The `b12bot` command line, run in-process through `bot.cli.main`: happy path, bad input, schema, settings.

`main` calls `asyncio.run`, so every test here is a plain (sync) test.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import io
import json
import re
import shutil
import struct
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import segno
from sqlalchemy import func
from sqlmodel import select

from bot.cli import main
from services import consent
from storage import migrate
from storage.engine import make_engine, make_sessions
from storage.models import AuditEvent, Invite, Patient, Team, TeamMember
from tests.conftest import _drop, _postgres_database

USERNAME = "clinic_b12_bot"
CLINICIAN_ID = 1001
GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # right shape, not a real token
LINK_RE = re.compile(rf"^https://t\.me/{USERNAME}\?start=([A-Za-z0-9_-]{{43}})$")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TABLES = {"team": Team, "team_member": TeamMember, "patient": Patient, "invite": Invite, "audit": AuditEvent}
START = (date.today() + timedelta(days=5)).isoformat()


# -- helpers --------------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `b12bot argv...` in-process: (exit code, stdout, stderr). argparse errors exit via SystemExit."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def quiet_main(*argv: str) -> tuple[int, str]:
    """For fixtures (no capsys): run and return (code, stdout)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, buffer.getvalue()


async def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with make_sessions(engine)() as session:
            return {
                name: (await session.exec(select(func.count()).select_from(model))).one()
                for name, model in TABLES.items()
            }
    finally:
        await engine.dispose()


def counts(url: str) -> dict[str, int]:
    return asyncio.run(_counts(url))


async def _rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    engine = make_engine(url)
    try:
        async with make_sessions(engine)() as session:
            return list((await session.exec(select(model))).all())
    finally:
        await engine.dispose()


def rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    return asyncio.run(_rows(url, model))


async def _join(url: str, token: str, user_id: int) -> str:
    engine = make_engine(url)
    try:
        result = await consent.open_link(
            make_sessions(engine), token=token, chat_id=user_id, user_id=user_id, now=datetime.now(UTC)
        )
    finally:
        await engine.dispose()
    return result.kind


def join(url: str, join_link: str, user_id: int = CLINICIAN_ID) -> str:
    """A clinician opens the team's join link (what /start <token> does)."""
    match = LINK_RE.match(join_link)
    assert match, join_link
    return asyncio.run(_join(url, match.group(1), user_id))


def schema_revision(url: str) -> str | None:
    async def current() -> str | None:
        engine = make_engine(url)
        try:
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(current())


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def invite_args(**override: str | None) -> list[str]:
    """`patient invite` arguments; override a flag with a value, drop it with None, add one with ''."""
    flags: dict[str, str | None] = {
        "--team": "Neuro clinic",
        "--alias": "MK-99",
        "--regimen": "oral-high",
        "--start": START,
        "--timezone": "Europe/Berlin",
        "--time": "09:00",
    }
    for key, value in override.items():
        flags["--" + key.replace("_", "-")] = value
    argv = ["patient", "invite"]
    for flag, value in flags.items():
        if value is None:
            continue
        argv += [flag] if value == "" else [flag, value]
    return [*argv, "--json"]


# -- environment and databases ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE_URL",
        "B12BOT_INVITE_DAYS",
        "B12BOT_PROTOCOL_FILE",
        "B12BOT_LOG_LEVEL",
        "B12BOT_LOG_FORMAT",
        "B12BOT_MODE",
        "B12BOT_HTTP_PORT",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "LISTEN",
        "PORT",
        "DATABASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_USERNAME", USERNAME)


def use_db(monkeypatch: pytest.MonkeyPatch, url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new PostgreSQL database for a sync test (the conftest `database_url` fixture is async)."""
    created = asyncio.run(_postgres_database())
    assert created is not None
    name, url = created
    try:
        yield url
    finally:
        asyncio.run(_drop(name))


@pytest.fixture(params=["sqlite", "postgres"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/b12bot.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: schema at head, "Neuro clinic" with clinician 1001 and patient MK-17, "Empty team" with none."""
    path = tmp_path_factory.mktemp("template") / "b12bot.db"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        mp.setenv("BOT_USERNAME", USERNAME)
        mp.delenv("TELEGRAM_BOT_TOKEN", raising=False)
        mp.delenv("B12BOT_INVITE_DAYS", raising=False)
        assert quiet_main("db", "upgrade")[0] == 0
        code, out = quiet_main("team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin", "--json")
        assert code == 0
        assert join(url, json.loads(out)["join_link"]) == "member_joined"
        code, _ = quiet_main("team", "create", "--name", "Empty team", "--timezone", "Europe/Berlin", "--json")
        assert code == 0
        assert quiet_main(*invite_args(alias="MK-17"))[0] == 0
    return path


@pytest.fixture
def ready_db(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the template database, set as DATABASE_URL."""
    target = tmp_path / "b12bot.db"
    shutil.copyfile(template_db, target)
    for suffix in ("-wal", "-shm"):
        extra = template_db.with_name(template_db.name + suffix)
        if extra.exists():
            shutil.copyfile(extra, target.with_name(target.name + suffix))
    return use_db(monkeypatch, f"sqlite:///{target}")


# -- the happy path, on both databases -------------------------------------------------------------


def test_upgrade_create_team_join_and_invite_with_qr(
    any_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = use_db(monkeypatch, any_url)
    head = migrate.head_revision()

    code, out, _ = cli(capsys, "db", "current")
    assert (code, out.strip()) == (0, f"schema at base; this version needs {head}")
    code, out, _ = cli(capsys, "db", "upgrade")
    assert (code, out.strip()) == (0, f"schema at {head} (upgraded from an empty database)")
    code, out, _ = cli(capsys, "db", "current")
    assert (code, out.strip()) == (0, f"schema at {head}; this version needs {head}")

    before = datetime.now(UTC)
    code, out, err = cli(capsys, "team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert set(created) == {"team", "join_link", "expires_at"}
    assert created["team"] == "Neuro clinic"
    join_token = LINK_RE.match(created["join_link"])
    assert join_token, created["join_link"]
    expires = datetime.fromisoformat(created["expires_at"])
    assert before + timedelta(days=14) <= expires <= datetime.now(UTC) + timedelta(days=14)

    # no member yet: nobody can invite
    baseline = counts(url)
    code, out, err = cli(capsys, *invite_args(alias="MK-17", qr=str(tmp_path / "none.png")))
    assert code == 2 and out == ""
    assert "has no members yet" in err and "'Neuro clinic'" in err
    assert counts(url) == baseline
    assert not (tmp_path / "none.png").exists()

    assert join(url, created["join_link"]) == "member_joined"

    qr = tmp_path / "invite.png"
    code, out, err = cli(
        capsys,
        "patient", "invite", "--team", "Neuro clinic", "--alias", "MK-17", "--regimen", "oral-high",
        "--start", START, "--timezone", "Europe/Berlin", "--time", "09:00", "--qr", str(qr), "--json",
    )  # fmt: skip
    assert code == 0, err
    invited = json.loads(out)
    assert set(invited) >= {"patient", "invite_link", "expires_at"}
    assert invited["patient"] == "MK-17"
    patient_token = LINK_RE.match(invited["invite_link"])
    assert patient_token, invited["invite_link"]
    assert datetime.fromisoformat(invited["expires_at"]) - expires < timedelta(minutes=5)
    # the QR picture: a PNG of exactly the symbol segno makes for the link
    assert qr.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("b12bot.db")) == ["invite.png"]
    assert png_size(qr) == segno.make(invited["invite_link"], error="m").symbol_size(scale=8, border=4)

    # an active member may invite in their own name; a stranger may not
    code, out, err = cli(capsys, *invite_args(alias="MK-18", clinician=str(CLINICIAN_ID)))
    assert code == 0, err
    baseline = counts(url)
    code, out, err = cli(capsys, *invite_args(alias="MK-19", clinician="4242"))
    assert code == 2 and out == ""
    assert "Telegram user 4242 is not an active member of 'Neuro clinic'" in err
    assert counts(url) == baseline

    # what was stored: hashes, never the tokens
    tokens = [join_token.group(1), patient_token.group(1)]
    assert len(set(tokens)) == 2
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "=")) * 8 >= 128
    invites = rows(url, Invite)
    assert len(invites) == 3
    for invite in invites:
        for value in invite.model_dump().values():
            assert not any(token in str(value) for token in tokens)
    hashes = {i.token_hash for i in invites}
    assert {hashlib.sha256(t.encode()).hexdigest() for t in tokens} <= hashes
    member_invite = next(i for i in invites if i.kind == "member")
    assert member_invite.used_at is not None and member_invite.outcome == "joined"
    by_alias = {p.alias: p for p in rows(url, Patient)}
    assert set(by_alias) == {"MK-17", "MK-18"}
    assert all(p.status == "invited" and p.chat_id is None for p in by_alias.values())
    assert by_alias["MK-17"].reminder_time == "09:00" and by_alias["MK-17"].timezone == "Europe/Berlin"
    audit = rows(url, AuditEvent)
    assert [(a.action, a.actor, a.outcome) for a in audit] == [
        ("team.create", "cli", "ok"),
        ("team.join", f"tg:{CLINICIAN_ID}", "ok"),
        ("patient.invite", "cli", "ok"),
        ("patient.invite", f"tg:{CLINICIAN_ID}", "ok"),
    ]


def test_plain_output_and_invite_days_setting(
    ready_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("B12BOT_INVITE_DAYS", "3")
    before = datetime.now(UTC)
    code, out, err = cli(capsys, "team", "join-link", "--team", "Neuro clinic")
    assert code == 0, err
    lines = dict(line.split(": ", 1) for line in out.strip().splitlines())
    assert lines["team"] == "Neuro clinic"
    assert LINK_RE.match(lines["join_link"])
    expires = datetime.fromisoformat(lines["expires_at"])
    assert before + timedelta(days=3) <= expires <= datetime.now(UTC) + timedelta(days=3)


# -- bad input: exit 2, a message naming what is wrong, nothing changed ----------------------------

BAD_INVITES = [
    pytest.param({"regimen": "oral-mega"}, ["unknown regimen 'oral-mega'", "oral-high"], id="unknown-preset"),
    pytest.param({"timezone": "Europe/Berlinn"}, ["'Europe/Berlinn'", "time zone"], id="bad-timezone"),
    pytest.param({"timezone": "UTC+3"}, ["'UTC+3'", "time zone"], id="offset-not-timezone"),
    pytest.param({"start": "2026-13-01"}, ["--start", "'2026-13-01' is not a date"], id="bad-date"),
    pytest.param({"start": "01.12.2026"}, ["--start", "'01.12.2026' is not a date"], id="bad-date-format"),
    pytest.param({"start": "2020-01-01"}, ["therapy start 2020-01-01", "30 days in the past"], id="start-long-ago"),
    pytest.param({"time": "25:00"}, ["--time", "'25:00' is not a time of day"], id="time-25h"),
    pytest.param({"time": "9am"}, ["--time", "'9am' is not a time of day"], id="time-9am"),
    pytest.param({"alias": "John Smith"}, ["alias", "pseudonym", "never the patient's name"], id="alias-a-name"),
    pytest.param({"alias": "Anna"}, ["alias", "at least one digit"], id="alias-no-digit"),
    pytest.param({"alias": "MK-17"}, ["alias 'MK-17' is already used"], id="alias-duplicate"),
    pytest.param({"team": "Cardio clinic"}, ["no team named 'Cardio clinic'"], id="unknown-team"),
    pytest.param({"team": "Empty team"}, ["'Empty team' has no members yet"], id="team-without-members"),
    pytest.param({"clinician": "4242"}, ["Telegram user 4242 is not an active member"], id="not-a-member"),
    pytest.param({"regimen": "source-daily"}, ["source-daily needs a dose", "--dose"], id="source-daily-no-dose"),
    pytest.param(
        {"regimen": "source-daily", "dose": "50"}, ["source-daily dose must be 100-500 mcg, not 50"], id="dose-50"
    ),
    pytest.param({"dose": "500"}, ["--dose applies only to source-daily"], id="dose-not-source-daily"),
    pytest.param({"dose": "abc"}, ["--dose", "'abc'"], id="dose-not-a-number"),
    pytest.param({"regimen": "im-hydroxo", "step_down": ""}, ["--step-down applies only to oral-high"], id="step"),
    pytest.param(
        {"regimen": "oral-methyl", "time": "20:00"}, ["oral-methyl", "20:00", "11:59 or earlier"], id="day-fit"
    ),
]


@pytest.mark.parametrize(("override", "fragments"), BAD_INVITES)
def test_bad_invite_is_refused_and_changes_nothing(
    ready_db: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    override: dict[str, str],
    fragments: list[str],
) -> None:
    baseline = counts(ready_db)
    qr = tmp_path / "invite.png"
    code, out, err = cli(capsys, *invite_args(qr=str(qr), **override))
    assert code == 2
    assert out == ""
    assert err.strip().splitlines()[-1].startswith("b12bot")  # argparse prints its usage first
    for fragment in fragments:
        assert fragment in err
    assert "Traceback" not in err
    assert counts(ready_db) == baseline
    assert not qr.exists()


# Regression: at 28b295f the QR was written after the invite was committed, so an unwritable --qr path gave a
# traceback (exit 1) and left a new patient, invite and audit row behind.
def test_unwritable_qr_path_is_refused_and_changes_nothing(
    ready_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    baseline = counts(ready_db)
    qr = tmp_path / "no-such-dir" / "invite.png"
    code, out, err = cli(capsys, *invite_args(qr=str(qr)))
    assert code == 2 and out == ""
    assert str(qr) in err and "does not exist" in err
    assert counts(ready_db) == baseline
    code, out, err = cli(capsys, *invite_args(qr=str(tmp_path)))  # a folder, not a file
    assert code == 2 and out == ""
    assert str(tmp_path) in err
    assert counts(ready_db) == baseline
    assert all(p.name.startswith("b12bot.db") for p in tmp_path.iterdir())  # no picture, no partial file


# Regression: a refused invite must not truncate or delete a file already at the --qr path.
def test_refused_invite_leaves_an_existing_qr_file_alone(
    ready_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    qr = tmp_path / "invite.png"
    qr.write_bytes(b"the QR code of an earlier invite")
    code, _, err = cli(capsys, *invite_args(alias="MK-17", qr=str(qr)))  # MK-17 is taken
    assert code == 2 and "alias 'MK-17' is already used" in err
    assert qr.exists() and qr.read_bytes() == b"the QR code of an earlier invite"


BAD_TEAMS = [
    pytest.param(["--timezone", "Berlin"], ["'Berlin'", "time zone"], id="bad-timezone"),
    pytest.param(["--digest-time", "25:00"], ["--digest-time", "'25:00' is not a time of day"], id="digest-25h"),
    pytest.param(["--name", "X"], ["team name must be 2-120 characters"], id="name-too-short"),
    pytest.param(["--name", "Neuro  clinic"], ["team named 'Neuro clinic' already exists"], id="duplicate"),
]


@pytest.mark.parametrize(("override", "fragments"), BAD_TEAMS)
def test_bad_team_is_refused_and_changes_nothing(
    ready_db: str, capsys: pytest.CaptureFixture[str], override: list[str], fragments: list[str]
) -> None:
    args = {"--name": "Cardio clinic", "--timezone": "Europe/Berlin"}
    extra: list[str] = []
    for flag, value in zip(override[::2], override[1::2], strict=True):
        if flag in args:
            args[flag] = value
        else:
            extra += [flag, value]
    baseline = counts(ready_db)
    code, out, err = cli(capsys, "team", "create", *[x for kv in args.items() for x in kv], *extra, "--json")
    assert code == 2 and out == ""
    for fragment in fragments:
        assert fragment in err
    assert counts(ready_db) == baseline


def test_join_link_for_unknown_team(ready_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = counts(ready_db)
    code, out, err = cli(capsys, "team", "join-link", "--team", "Cardio clinic", "--json")
    assert code == 2 and out == ""
    assert "no team named 'Cardio clinic'" in err
    assert counts(ready_db) == baseline


# -- schema ---------------------------------------------------------------------------------------

REFUSING_COMMANDS = [
    pytest.param(["run"], id="run"),
    pytest.param(["team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin"], id="team-create"),
    pytest.param(["team", "join-link", "--team", "Neuro clinic"], id="join-link"),
    pytest.param(invite_args(), id="patient-invite"),
]


@pytest.mark.parametrize("argv", REFUSING_COMMANDS)
def test_out_of_date_schema_is_refused(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = use_db(monkeypatch, f"sqlite:///{tmp_path}/b12bot.db")
    code, out, err = cli(capsys, *argv)
    assert code == 2 and out == ""
    assert "b12bot db upgrade" in err
    assert "schema" in err and migrate.head_revision() in err
    assert schema_revision(url) is None  # the refusal created nothing


def test_run_and_start_with_a_token_refuse_an_old_schema_then_upgrade_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = use_db(monkeypatch, f"sqlite:///{tmp_path}/b12bot.db")
    assert cli(capsys, "db", "upgrade")[0] == 0
    code, out, _ = cli(capsys, "db", "downgrade", "base")
    assert (code, out.strip()) == (0, "schema at base")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    for command in ("run", "start"):
        code, out, err = cli(capsys, command)
        assert code == 2, command
        assert "Run `b12bot db upgrade` first" in err
        assert GOOD_TOKEN not in out + err
        assert GOOD_TOKEN.split(":")[1] not in out + err
    assert cli(capsys, "db", "upgrade")[0] == 0
    assert schema_revision(url) == migrate.head_revision()
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    code, out, err = cli(capsys, "run")  # schema fine now; the next refusal is the missing token
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in err and "upgrade" not in err
    code, out, err = cli(capsys, "team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin")
    assert code == 0, err


# -- settings -------------------------------------------------------------------------------------

BAD_SETTINGS = [
    pytest.param("TELEGRAM_BOT_TOKEN", "123456:short-secret-value", id="token-short"),
    pytest.param("TELEGRAM_BOT_TOKEN", "bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", id="token-bot-prefix"),
    pytest.param("TELEGRAM_BOT_TOKEN", "123456789 AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", id="token-space"),
    pytest.param("TELEGRAM_BOT_TOKEN", "my-very-secret-password-1234567890", id="token-no-colon"),
    pytest.param("DATABASE_URL", "mysql://b12:dbpassword@localhost/b12", id="db-scheme"),
    pytest.param("DATABASE_URL", "b12bot.db", id="db-no-scheme"),
    pytest.param("BOT_USERNAME", "clinic bot", id="username-space"),
    pytest.param("BOT_USERNAME", "ab", id="username-short"),
    pytest.param("BOT_USERNAME", "1clinic_bot", id="username-digit-first"),
    pytest.param("B12BOT_INVITE_DAYS", "0", id="invite-days-0"),
]


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS)
def test_bad_setting_is_refused_without_printing_the_token(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "b12bot.db"
    use_db(monkeypatch, f"sqlite:///{db}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv(name, value)
    secret = value if name == "TELEGRAM_BOT_TOKEN" else GOOD_TOKEN
    code, out, err = cli(capsys, "team", "create", "--name", "Neuro clinic", "--timezone", "Europe/Berlin")
    assert code == 2 and out == ""
    assert err.startswith("b12bot: bad setting: ")
    assert name in err
    for part in (secret, *secret.replace(" ", ":").split(":")[1:]):
        assert part not in err
    assert "dbpassword" not in err
    assert not db.exists()  # refused before touching the database


# Regression: at 28b295f TOKEN_PATTERN was matched with `$`, which also matches before a trailing newline.
def test_token_with_trailing_newline_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_db(monkeypatch, f"sqlite:///{tmp_path}/b12bot.db")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN + "\n")
    code, out, err = cli(capsys, "db", "current")
    assert code == 2
    assert err.startswith("b12bot: bad setting: ") and "TELEGRAM_BOT_TOKEN" in err
    assert GOOD_TOKEN.split(":")[1] not in out + err


# Regression: at 28b295f BOT_USERNAME accepted names Telegram never gives a bot (bot usernames are 5-32
# characters and end in "bot"), so links could point to someone else's t.me page.
@pytest.mark.parametrize("username", ["clinic", "b12_clinic", "abot"])
def test_username_that_is_not_a_bot_username_is_refused(
    username: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_db(monkeypatch, f"sqlite:///{tmp_path}/b12bot.db")
    monkeypatch.setenv("BOT_USERNAME", username)
    code, _, err = cli(capsys, "db", "current")
    assert code == 2
    assert err.startswith("b12bot: bad setting: ") and "BOT_USERNAME" in err
