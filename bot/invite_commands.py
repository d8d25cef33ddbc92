"""The commands that hand out links: a team's join link, a patient's invite (with its QR code and card)."""

from __future__ import annotations

import argparse
import os
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot

from bot.context import Services
from bot.links import link
from bot.output import emit
from bot.settings import Settings
from care.regimens import RegimenError, build_regimen
from services import enrolment
from services.errors import UserError
from services.private_files import private_file


async def bot_username(settings: Settings) -> str:
    if settings.bot_username:
        return settings.bot_username
    if settings.token is None:
        raise UserError("err_no_username")
    async with Bot(settings.token, base_url=settings.telegram_api_base_url) as bot:
        return bot.username


def check_qr_path(path: str) -> Path:
    """Refuse a --qr path that cannot be written, before anything changes (nothing is created here)."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise UserError("err_qr_path", path=path, reason=f"the folder {folder} does not exist")
    if target.is_dir() or not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UserError("err_qr_path", path=path, reason="permission denied")
    return target


def write_qr(text: str, target: Path) -> None:
    """The PNG, owner-only (0600), never half-written (services.private_files)."""
    import segno

    with private_file(target) as out:
        segno.make(text, error="m").save(out, kind="png", scale=8, border=4)


async def team_link(args: argparse.Namespace, services: Services, *, now: datetime, ttl: timedelta) -> int:
    """`team create` (a new team and its first join link) or `team link` (a new join link for a team)."""
    if args.action == "create":
        issued = await enrolment.create_team(
            services.sessions,
            name=args.name,
            timezone=args.timezone,
            digest_time=args.digest_time,
            now=now,
            ttl=ttl,
        )
    else:
        issued = await enrolment.new_join_link(services.sessions, team_name=args.team, now=now, ttl=ttl)
    username = await bot_username(services.settings)
    emit(
        {
            "team": issued.team,
            "join_link": link(username, issued.token),
            "expires_at": issued.expires_at.isoformat(),
        },
        args.json,
    )
    return 0


async def invite(args: argparse.Namespace, services: Services, *, now: datetime, ttl: timedelta) -> int:
    """`patient invite`: the patient's invite link, and its QR code and printable card when asked."""
    try:
        regimen = build_regimen(args.regimen, dose_mcg=args.dose, step_down=args.step_down)
    except RegimenError as exc:
        raise UserError("err_regimen", message=str(exc)) from exc
    request = enrolment.PatientRequest(
        team=args.team,
        alias=args.alias,
        regimen=regimen,
        start=args.start,
        timezone=args.timezone,
        reminder_time=args.time,
        clinician_user_id=args.clinician,
    )
    username = await bot_username(services.settings)  # before any change: no orphan invite on error
    qr = check_qr_path(args.qr) if args.qr else None  # likewise: an unwritable --qr path fails first
    card = check_qr_path(args.qr_card) if args.qr_card else None
    issued = await enrolment.invite_patient(services.sessions, request=request, now=now, ttl=ttl)
    url = link(username, issued.token)
    if qr is not None:
        write_qr(url, qr)
    if card is not None:
        from bot.invite_card import write_card

        lang, zone = args.card_language, args.timezone
        write_card(
            card, url, team=issued.team, alias=args.alias, expires_at=issued.expires_at, timezone=zone, lang=lang
        )
    emit(
        {
            "patient": args.alias,
            "invite_link": url,
            "expires_at": issued.expires_at.isoformat(),
            **({"qr": args.qr} if args.qr else {}),
            **({"qr_card": args.qr_card} if args.qr_card else {}),
        },
        args.json,
    )
    return 0
