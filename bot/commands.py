"""What each `b12bot` command does (argument parsing lives in bot.cli)."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import invite_commands, operator_cli, runner
from bot.app import build_services, configure_logging
from bot.context import Services
from bot.output import emit
from bot.settings import Settings
from storage import migrate
from storage.audit_key import check_key
from storage.engine import probe

log = logging.getLogger(__name__)


async def short_simulation() -> int:
    """After the demo: a small virtual clinic for two weeks, then how to go further."""
    from bot.simulate.clinic import Config
    from bot.simulate.profiles import PROFILES
    from bot.simulate.report import readable
    from bot.simulate.run import simulate

    print("\nNow a small virtual clinic: 8 patients, one of each kind, for 2 weeks (takes a little while)...\n")
    print(readable(await simulate(Config(8, 2, 7, PROFILES, ""))))
    print("\nMore: `.venv/bin/b12bot simulate --patients 40 --weeks 12 --transcript transcript.txt`.")
    print("To go live: export TELEGRAM_BOT_TOKEN=<token from @BotFather> and run `make run` again.")
    return 0


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:

    running = args.command == "run" or (args.command == "start" and settings.token is not None)
    configure_logging(settings.b12bot_log_level, settings.b12bot_log_format or ("json" if running else "text"))
    now = datetime.now(UTC)
    ttl = timedelta(days=settings.b12bot_invite_days)
    if args.command == "simulate":
        from bot.simulate.command import run_command

        logging.getLogger().setLevel(logging.WARNING)
        return await run_command(args)
    if args.command == "commands":
        from bot.command_table import PATIENT, TEAM, botfather_list

        print(botfather_list(TEAM if args.team else PATIENT))
        return 0
    if args.command == "regimens":
        from bot.regimen_list import regimen_lines

        print("\n".join(regimen_lines()))
        return 0
    if args.command in ("demo", "start") and (args.command == "demo" or settings.token is None):
        from bot.demo import run_demo

        logging.getLogger().setLevel(logging.WARNING)  # the demo prints the conversation itself

        if args.command == "start":
            print(
                "TELEGRAM_BOT_TOKEN is not set, so the bot cannot talk to Telegram.\n"
                "Here is the local sandbox instead: the real bot on a stand-in for the Telegram Bot API.\n"
                "To go live: get a token from @BotFather, then\n"
                "    export TELEGRAM_BOT_TOKEN=123456:ABC...  &&  make run\n"
            )
        exit_code = await run_demo()
        if args.command == "start" and exit_code == 0:
            exit_code = await short_simulation()
        return exit_code
    services = build_services(settings)
    try:
        await probe(services.engine)  # one clear line (password masked) when the database cannot be used
        if args.command == "db":
            return await _db(args, services.engine)
        await migrate.require_current(services.engine)
        if args.command != "audit":  # a wrong or missing B12BOT_AUDIT_KEY stops here; a plain chain becomes keyed
            await check_key(services.sessions, key=settings.audit_key, now=now)
        if args.command in ("run", "start"):
            return await runner.run(
                services, webhook=getattr(args, "webhook", False), http_port=getattr(args, "http_port", None)
            )
        if (args.command, getattr(args, "action", None)) in operator_cli.ACTIONS:
            return await operator_cli.run(args, services.sessions, now=now)
        if args.command == "team":
            return await invite_commands.team_link(args, services, now=now, ttl=ttl)
        if args.command == "audit":
            return await _audit_verify(services, head=args.head)
        if args.command == "export":
            exporter = _exporter(args.format)
            out, zip_file = (Path(args.out) if args.out else None), (Path(args.zip) if args.zip else None)
            summary = await exporter(
                services.sessions, team=args.team, out=out, zip_file=zip_file, now=now, protocol=services.protocol
            )
            emit(summary, args.json)
            return 0
        if args.command == "patient":
            return await invite_commands.invite(args, services, now=now, ttl=ttl)
    finally:
        await services.engine.dispose()
    raise AssertionError(args.command)


async def _db(args: argparse.Namespace, engine: AsyncEngine) -> int:
    if args.action == "upgrade":
        before = await migrate.current_revision(engine)
        await migrate.upgrade(engine)
        after = await migrate.current_revision(engine)
        print(f"schema at {after}" + (f" (upgraded from {before or 'an empty database'})" if before != after else ""))
    elif args.action == "downgrade":
        await migrate.downgrade(engine, args.revision)
        print(f"schema at {await migrate.current_revision(engine) or 'base'}")
    else:
        current, head = await migrate.current_revision(engine), migrate.head_revision()
        print(f"schema at {current or 'base'}; this version needs {head}")
    return 0


def _exporter(kind: str) -> Any:
    """The export's use case, imported only when asked for (fhir.resources is slow to import)."""
    if kind == "fhir":
        from services import fhir_export

        return fhir_export.export_to
    if kind == "redcap":
        from services import redcap_export

        return redcap_export.export_to
    from services import export

    return export.export_to


async def _audit_verify(services: Services, *, head: str | None) -> int:
    from storage import audit

    verdict = await audit.verify(services.sessions, key=services.settings.audit_key, head=head)
    if verdict.broken_id is None:
        keyed = f"; keyed from row {verdict.keyed_from}" if verdict.keyed_from is not None else ""
        print(f"ok: {verdict.rows} rows (head {verdict.head}{keyed})")
        return 0
    print(f"broken at row {verdict.broken_id}: {verdict.problem}")
    return 1
