"""Running a simulation: set up the database and the Sandbox, drive the clinic, report."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.sandbox.harness import Sandbox
from bot.simulate.clinic import START, Clinic, Config
from bot.simulate.report import summary
from storage.engine import DatabaseUnreachable, DatabaseUrlError, checked_url, make_engine, probe


async def simulate(config: Config, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    began = time.perf_counter()
    with contextlib.ExitStack() as stack:
        url = config.database_url
        if not url:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{Path(folder) / 'simulation.db'}"
        await _usable(url)  # a --database-url that cannot be used: one line (bot.cli), not a traceback
        out = stack.enter_context(config.transcript.open("w", encoding="utf-8")) if config.transcript else None
        async with Sandbox(database_url=url, start=START, rate_limiter=config.rate_limiter, keep_calls=False) as sb:
            clinic = Clinic(sb, config, out)
            await clinic.run(progress)
            return await summary(clinic, wall_seconds=time.perf_counter() - began)
    raise AssertionError("unreachable")


async def _usable(url: str) -> None:
    try:
        engine = make_engine(checked_url(url))
        try:
            await probe(engine)
        finally:
            await engine.dispose()
    except (DatabaseUnreachable, DatabaseUrlError) as exc:
        raise type(exc)(str(exc).replace("DATABASE_URL", "--database-url")) from None
