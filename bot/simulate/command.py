"""`b12bot simulate ...`: arguments, a progress bar, the readable summary or one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.simulate.profiles import PROFILES

if TYPE_CHECKING:  # the clinic, the stand-in and the harness load when a simulation runs, not with every
    from bot.simulate.clinic import Config  # `b12bot` command (issue 17: `b12bot run`'s memory)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("simulate", help="a virtual clinic through the real bot on the local stand-in")
    p.add_argument("--patients", type=int, default=16, help="number of virtual patients (default 16)")
    p.add_argument("--weeks", type=int, default=6, help="weeks of virtual time (default 6)")
    p.add_argument("--seed", type=int, default=7, help="same seed, same result")
    p.add_argument("--profiles", default=",".join(PROFILES), help=f"comma-separated mix of: {', '.join(PROFILES)}")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--transcript", type=Path, help="write every message both ways, with virtual times")
    p.add_argument("--database-url", default="", help="keep the simulation's database (default: a temporary one)")
    p.add_argument("--rate-limiter", action="store_true", help="use AIORateLimiter as in production (slower)")


def config_from(args: argparse.Namespace) -> Config:
    from bot.simulate.clinic import Config

    profiles = tuple(p.strip() for p in args.profiles.split(",") if p.strip())
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown or not profiles:
        raise SystemExit(
            f"b12bot: unknown profile(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(PROFILES)}"
        )
    if not 1 <= args.patients <= 100_000 or not 1 <= args.weeks <= 52:
        raise SystemExit("b12bot: --patients must be 1-100000 and --weeks 1-52")
    return Config(args.patients, args.weeks, args.seed, profiles, args.database_url, args.transcript, args.rate_limiter)


async def run_command(args: argparse.Namespace) -> int:
    from bot.simulate.report import readable
    from bot.simulate.run import simulate

    config = config_from(args)
    if args.json or not sys.stderr.isatty():
        data = await simulate(config)
    else:
        title = f"simulating {config.patients} patients × {config.weeks} weeks"

        def progress(done: float) -> None:
            sys.stderr.write(f"\r{title}: {done:4.0%}")
            sys.stderr.flush()

        data = await simulate(config, progress)
        sys.stderr.write("\r" + " " * (len(title) + 6) + "\r")
    print(json.dumps(data) if args.json else readable(data))
    return 0
