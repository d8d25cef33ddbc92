"""Every setting the code reads is in deploy/.env.example, passed through by compose, listed in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "care", "schedules", "services", "storage")
# read by the code but not by the containerised bot: the sandbox's Bot API spec (demo and tests only)
NOT_IN_COMPOSE = {"B12BOT_BOTAPI_SPEC"}
ENV_READ = re.compile(r"""(?:os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*["']([A-Z0-9_]+)["']""")


def settings_names() -> set[str]:
    return {(field.alias or name).upper() for name, field in Settings.model_fields.items()}


def env_reads() -> set[str]:
    """Environment variables read directly (outside Settings) anywhere in the packages."""
    names: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


def every_name() -> set[str]:
    return settings_names() | env_reads()


def test_every_setting_is_explained_in_env_example() -> None:
    text = (ROOT / "deploy" / ".env.example").read_text(encoding="utf-8")
    assigned = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    missing = every_name() - assigned
    assert not missing, f"not in deploy/.env.example: {sorted(missing)}"
    lines = text.splitlines()
    for name in every_name():
        at = next(i for i, line in enumerate(lines) if re.match(rf"#?\s*{name}=", line))
        assert at > 0 and lines[at - 1].startswith("#"), f"{name} has no explanation above it in .env.example"


def test_every_setting_is_passed_through_by_compose() -> None:
    text = (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")
    environment = set(re.findall(r"^\s{6}([A-Z][A-Z0-9_]*):", text, flags=re.MULTILINE))
    missing = every_name() - NOT_IN_COMPOSE - environment
    assert not missing, f"not in deploy/compose.yaml's bot environment: {sorted(missing)}"


def test_every_setting_is_in_the_readme_table() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", text, flags=re.MULTILINE))
    missing = every_name() - NOT_IN_COMPOSE - rows
    assert not missing, f"not in README.md's settings table: {sorted(missing)}"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WEBHOOK_URL": "http://bot.example.org/telegram"}, "WEBHOOK_URL"),
        ({"WEBHOOK_URL": "https://bot.example.org/healthz"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({"PORT": "70000"}, "PORT"),
        ({"B12BOT_MODE": "push"}, "B12BOT_MODE"),
        ({"B12BOT_LOG_FORMAT": "xml"}, "B12BOT_LOG_FORMAT"),
    ],
)
def test_bad_values_are_refused_naming_the_setting_and_never_echoing_the_secret(
    env: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError):
        Settings()
    assert main(["regimens"]) == 2
    err = capsys.readouterr().err
    assert named in err
    if named == "WEBHOOK_SECRET":
        assert env[named] not in err


def test_good_webhook_settings_and_the_path_they_listen_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org:8443/hooks/b12")
    monkeypatch.setenv("WEBHOOK_SECRET", "A-z_09" * 40)
    monkeypatch.setenv("B12BOT_HTTP_PORT", "")  # empty means unset (compose passes ${VAR:-} as "")
    settings = Settings()
    assert settings.webhook_path == "/hooks/b12" and settings.b12bot_http_port is None
    assert settings.listen == "127.0.0.1" and settings.port == 8080
    assert "A-z_09" not in repr(settings)


def test_webhook_mode_without_url_or_secret_stops_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from bot.cli import main

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAtest-token-for-the-http-stand-in-only")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/b12bot.db")
    monkeypatch.setenv("BOT_USERNAME", "b12_sandbox_bot")
    assert main(["db", "upgrade"]) == 0
    assert main(["run", "--webhook"]) == 2
    assert "WEBHOOK_URL" in capsys.readouterr().err
