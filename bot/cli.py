"""The `b12bot` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date, time, timedelta

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from bot import cli_errors, commands, operator_cli
from bot.lock import AlreadyRunning
from bot.runner import ConfigError
from bot.settings import Settings
from bot.simulate import command as simulate_command
from bot.texts import languages, t
from care.protocol import ProtocolError
from care.regimens import PRESET_CODES
from services.errors import UserError
from storage.audit_key import AuditKeyError
from storage.engine import DatabaseUnreachable, DatabaseUrlError, normalise_url
from storage.migrate import SchemaOutOfDate


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("err_date", value=value)) from exc


def _time(value: str) -> time:
    from schedules.timeparse import DoseTimeError, parse_reminder_time

    try:
        return parse_reminder_time(value)
    except DoseTimeError as exc:
        raise argparse.ArgumentTypeError(t("err_time", value=value)) from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="b12bot", description="Vitamin B12 reminders and follow-up for clinics.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="run the bot if TELEGRAM_BOT_TOKEN is set, else the local sandbox demo")
    run = sub.add_parser("run", help="run the bot (long polling, or --webhook); needs TELEGRAM_BOT_TOKEN")
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET)")
    run.add_argument("--http-port", type=int, help="polling mode: serve /healthz and /metrics on this port")
    sub.add_parser("demo", help="a scripted walk-through on the local Bot API stand-in (no token needed)")
    simulate_command.add_parser(sub)
    sub.add_parser("regimens", help="list the regimen presets")
    menu = sub.add_parser("commands", help="the command list for BotFather's /setcommands (the patients' menu)")
    menu.add_argument("--team", action="store_true", help="the care team's commands instead (set by the bot itself)")
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="migrate the schema to this version")
    down = db.add_parser("downgrade", help="migrate the schema back")
    down.add_argument("revision", help="target revision, e.g. base")
    db.add_parser("current", help="show the schema revision")
    team = sub.add_parser("team", help="care teams").add_subparsers(dest="action", required=True)
    create = team.add_parser("create", help="create a care team and a join link for its first clinician")
    create.add_argument("--name", required=True)
    create.add_argument("--timezone", required=True, help="IANA time zone, e.g. Europe/Berlin")
    create.add_argument("--digest-time", type=_time, default=time(8, 0), help="local time of the daily digest")
    create.add_argument("--json", action="store_true")
    link = team.add_parser("join-link", help="a new one-time join link for a clinician")
    link.add_argument("--team", required=True)
    link.add_argument("--json", action="store_true")
    patient = sub.add_parser("patient", help="patients").add_subparsers(dest="action", required=True)
    inv = patient.add_parser("invite", help="invite a patient: a one-time link and QR code")
    inv.add_argument("--team", required=True)
    inv.add_argument("--alias", required=True, help="a pseudonym like MK-17, never the patient's name")
    inv.add_argument("--regimen", required=True, help=f"one of: {', '.join(PRESET_CODES)}")
    inv.add_argument("--dose", type=float, help="mcg per dose, for source-daily (100-500)")
    inv.add_argument("--step-down", action="store_true", help="oral-high: weekly after week 8")
    inv.add_argument("--start", type=_date, required=True, help="therapy start date, YYYY-MM-DD")
    inv.add_argument("--timezone", required=True, help="the patient's IANA time zone")
    inv.add_argument("--time", type=_time, required=True, help="daily reminder time, HH:MM")
    inv.add_argument("--clinician", type=int, help="Telegram user id of the inviting team member")
    inv.add_argument("--qr", help="write the invite's QR code picture (PNG) to this file")
    inv.add_argument(
        "--qr-card",
        help="write a printable card (PNG, A6): the QR code with the team, the alias, how to scan it and the expiry",
    )
    inv.add_argument("--card-language", choices=languages(), default="en", help="the card's language (default en)")
    inv.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="a team's data as CSV, FHIR R4 or REDCap (aliases only, no Telegram ids)")
    export.add_argument("--team", required=True)
    export.add_argument(
        "--format",
        choices=["csv", "fhir", "redcap"],
        default="csv",
        help="csv: one file per table and codebook.csv; fhir: one FHIR R4 Bundle per patient; "
        "redcap: a REDCap data dictionary, its repeating instruments and the records to import",
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="folder for one CSV file per table, or one FHIR JSON file per patient")
    target.add_argument("--zip", help="one zip file holding the CSV (or FHIR JSON) files")
    export.add_argument("--json", action="store_true")
    operator_cli.add_parsers(team, patient, sub)  # team list|members|remove-member|hours, patient list, invite revoke
    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(dest="action", required=True)
    verify = audit.add_parser("verify", help="check the audit hash chain; names the first broken row (exit 1)")
    verify.add_argument("--head", help="a head printed earlier (kept with a backup): it must still be in the chain")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"b12bot: {cli_errors.bad_settings(exc)}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(commands.dispatch(args, settings))
    except UserError as exc:
        print(f"b12bot: {t(exc.key, **exc.params)}", file=sys.stderr)
        return 2
    except ProtocolError as exc:
        cause = exc.__cause__
        said = str(exc)
        if isinstance(cause, ValidationError):
            said = cli_errors.bad_protocol(cause, settings.b12bot_protocol_file)
        print(f"b12bot: {said}", file=sys.stderr)
        return 2
    except (
        DatabaseUrlError,
        DatabaseUnreachable,
        SchemaOutOfDate,
        AlreadyRunning,
        cli_errors.ListenError,
        ConfigError,
        AuditKeyError,
    ) as exc:
        print(f"b12bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a database, Telegram or file error: one line; anything else keeps its traceback
        password = make_url(normalise_url(settings.db_url)).password
        line = cli_errors.one_line(exc, api_base=settings.telegram_api_base_url, password=password)
        if line is None:
            raise
        print(f"b12bot: {line}", file=sys.stderr)
        return 2


def ttl(settings: Settings) -> timedelta:
    return timedelta(days=settings.b12bot_invite_days)


if __name__ == "__main__":
    raise SystemExit(main())
