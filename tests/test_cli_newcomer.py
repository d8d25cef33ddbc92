"""What a newcomer sees when the command line cannot go on (issue 13): one line on stderr, no traceback,
a non-zero exit, no partial file left; settings errors as sentences; no Alembic chatter."""

from __future__ import annotations

import http.server
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from care.regimens import PRESET_CODES
from tests import test_cli
from tests.test_cli import GOOD_TOKEN, cli, invite_args, use_db

# test_cli's fixtures: a database with "Neuro clinic" (member 1001, patient MK-17) and "Empty team"
clean_env, template_db, ready_db = test_cli.clean_env, test_cli.template_db, test_cli.ready_db


@pytest.fixture(autouse=True)
def sql_as_in_production() -> None:
    """The suite logs every SQL statement (conftest); a real run does not, and stderr is what is tested here."""
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)  # conftest's log_scan restores it


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith("b12bot: ")
    return lines[0]


def no_partial_files(folder: Path) -> None:
    assert [p.name for p in folder.rglob("*") if "partial" in p.name] == []


def test_settings_errors_read_as_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_db(monkeypatch, f"sqlite:///{tmp_path}/b12bot.db")
    for name, value in (
        ("B12BOT_TICK_SECONDS", "often"),
        ("B12BOT_LOG_LEVEL", "loud"),
        ("B12BOT_LOG_FORMAT", "xml"),
        ("PORT", "0"),
        ("B12BOT_RATE_LIMITER", "maybe"),
    ):
        monkeypatch.setenv(name, value)
    code, out, err = cli(capsys, "team", "list")
    line = one_line(err)
    assert code == 2 and out == ""
    assert line == (
        "b12bot: bad setting: B12BOT_TICK_SECONDS must be a number; B12BOT_RATE_LIMITER must be true or false; "
        "B12BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR; B12BOT_LOG_FORMAT must be 'json' or 'text'; "
        "PORT must be at least 1"
    )
    assert "Value error" not in line and "Input should" not in line


def test_no_alembic_lines_on_an_ordinary_command(ready_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "team", "list")
    assert code == 0 and "Neuro clinic" in out
    assert err == ""
    code, out, err = cli(capsys, "db", "upgrade")
    assert code == 0 and err == "" and out.startswith("schema at ")


COMMANDS = [
    ("team", "list"),
    ("team", "create", "--name", "New team", "--timezone", "Europe/Berlin"),
    ("team", "join-link", "--team", "Neuro clinic"),
    tuple(invite_args(alias="MK-18")),
    ("patient", "list", "--team", "Neuro clinic"),
    ("export", "--team", "Neuro clinic", "--zip", "export.zip"),
    ("audit", "verify"),
    ("db", "upgrade"),
    ("db", "current"),
    ("run",),
]


def test_a_database_that_cannot_be_opened_is_one_line_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all, " * 100)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    urls = {
        f"sqlite:///{tmp_path}/no/such/folder/b12bot.db": "unable to open database file",
        f"sqlite:///{garbage}": "file is not a database",
        f"postgresql://b12bot:pw-secret@127.0.0.1:{closed}/b12bot": "cannot use the database",
    }
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    for url, reason in urls.items():
        use_db(monkeypatch, url)
        for argv in COMMANDS:
            code, out, err = cli(capsys, *argv)
            line = one_line(err)
            assert code == 2 and reason in line, (argv, line)
            assert "pw-secret" not in out + err and GOOD_TOKEN not in out + err
    no_partial_files(tmp_path)


def test_a_read_only_database_is_one_line(
    ready_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ready_db.removeprefix("sqlite:///")
    use_db(monkeypatch, f"sqlite:///file:{path}?mode=ro&uri=true")
    code, out, err = cli(capsys, "team", "create", "--name", "New team", "--timezone", "Europe/Berlin")
    assert code == 2 and out == ""
    assert one_line(err) == (
        "b12bot: the database failed: attempt to write a readonly database "
        "(check DATABASE_URL, the disk and the file's permissions)"
    )


class _Unauthorized(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def refusing_telegram() -> Iterator[str]:
    """A Bot API that answers every call 401 Unauthorized, as Telegram does for a revoked token."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorized)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


def test_run_when_telegram_cannot_be_reached_or_refuses_the_token(
    ready_db: str, refusing_telegram: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{closed}/bot")
    code, out, err = cli(capsys, "run")
    line = one_line(err)
    assert code == 2 and out == ""
    assert line.startswith(f"b12bot: cannot reach Telegram at http://127.0.0.1:{closed}/bot (")
    assert "TELEGRAM_API_BASE_URL" in line and GOOD_TOKEN.split(":")[1] not in line
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", refusing_telegram)
    code, out, err = cli(capsys, "run")
    assert code == 2
    assert one_line(err) == (
        "b12bot: Telegram refused the bot token (TELEGRAM_BOT_TOKEN): copy it again from @BotFather"
    )


@pytest.mark.parametrize("fmt", ["csv", "fhir", "redcap"])
def test_export_to_a_place_that_cannot_take_it_is_one_line_and_leaves_nothing(
    fmt: str, ready_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    a_folder = tmp_path / "exports"
    a_folder.mkdir()
    cases = {
        ("--out", str(a_file)): "it is a file, not a folder",
        ("--out", str(a_file / "inside")): f"{a_file} is a file, not a folder",
        ("--zip", str(a_folder)): "it is a folder; give a file name, for example export.zip",
        ("--zip", str(tmp_path / "missing" / "x.zip")): f"the folder {tmp_path / 'missing'} does not exist",
    }
    for (flag, target), reason in cases.items():
        code, out, err = cli(capsys, "export", "--team", "Neuro clinic", "--format", fmt, flag, target)
        assert code == 2 and out == ""
        assert one_line(err) == f"b12bot: cannot write the export to {target}: {reason}"
    assert a_file.read_text() == "keep me" and list(a_folder.iterdir()) == []
    no_partial_files(tmp_path)


def test_simulate_with_a_database_it_cannot_open_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/no/such/folder/sim.db"
    code, out, err = cli(capsys, "simulate", "--patients", "1", "--weeks", "1", "--database-url", url, "--json")
    assert code == 2 and out == ""
    assert one_line(err) == f"b12bot: cannot use the database {url} (--database-url): unable to open database file"


def test_regimens_name_their_sources_for_a_reader(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "regimens")
    assert code == 0 and err == ""
    assert "../shared/seed)" not in out and "[" not in out
    blocks = {block.splitlines()[0].split()[0]: block for block in out.strip().split("\n\n")}
    assert tuple(blocks) == PRESET_CODES  # every preset, in order
    weekly = " ".join(blocks["source-weekly"].split())
    assert weekly == (
        "source-weekly B12 1000 mcg by mouth once a week "
        'source: "Vitamin B12 for Peripheral Neuropathy Due to Levofloxacin" (the source document, '
        '../shared/seed/000_e1d2e9b57ed1abcf.txt; no authors named), section "Treatment Recommendations" '
        "it says: 1000 mcg weekly as maintenance, until symptoms improve; oral is usually enough "
        'protocol: CLINICAL.md, "Regimen presets"'
    )
    for code_name, block in blocks.items():
        lines = block.splitlines()
        assert lines[1].startswith("    source: "), code_name
        assert lines[-1] == '    protocol: CLINICAL.md, "Regimen presets"', code_name
        assert all(len(line) <= 100 for line in lines[1:]), code_name
    assert "Wang H et al. 2018" in " ".join(blocks["oral-high"].split())
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_e1d2e9b57ed1abcf.txt"
    if seed.exists():  # the cited title and section are the document's own
        text = seed.read_text(encoding="utf-8")
        assert text.startswith("Vitamin B12 for Peripheral Neuropathy Due to Levofloxacin\n")
        assert "\nTreatment Recommendations\n" in text


def test_a_bad_protocol_file_reads_as_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    protocol = tmp_path / "protocol.toml"
    protocol.write_text('[b6]\nwarning_above_mg = "fifty"\n[questionnaires]\nexpire_after_days = 0\n[nope]\na = 1\n')
    monkeypatch.setenv("B12BOT_PROTOCOL_FILE", str(protocol))
    use_db(monkeypatch, f"sqlite:///{tmp_path}/b12bot.db")
    code, out, err = cli(capsys, "team", "list")
    assert code == 2 and out == ""
    assert one_line(err) == (
        f"b12bot: protocol file {protocol} (B12BOT_PROTOCOL_FILE): b6.warning_above_mg must be a number; "
        "questionnaires.expire_after_days must be at least 1; nope is not a setting b12bot knows (a typing error?)"
    )
