"""The real Application on the Bot API stand-in, with virtual time: for the demo, tests and simulator.

Time moves only when asked (`run_until`), from one due moment to the next, running the same tick as
production at each one. Nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from telegram.ext import Application

from bot.app import build_application, build_services
from bot.context import Services
from bot.inbox import deliver_updates
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.updates import UpdateFactory
from bot.settings import Settings
from bot.ticks import TickResult, run_tick
from schedules.moments import Moments, next_moments
from schedules.reviews import REVIEW_EVERY
from storage import migrate

STEP_WHEN_STUCK = timedelta(seconds=1)


UPKEEP_EVERY = timedelta(hours=6)


def _next_boundary(moment: datetime) -> datetime:
    """The first six-hour boundary (00, 06, 12, 18 UTC) at or after `moment`."""
    step = int(UPKEEP_EVERY.total_seconds())
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(-(-seconds // step) * step, tz=UTC)


class VirtualClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class Sandbox:
    """`async with Sandbox(database_url=..., start=...) as sb:` then drive users and time."""

    def __init__(
        self,
        *,
        database_url: str,
        start: datetime,
        rate_limiter: bool = False,
        protocol_file: Path | None = None,
        spec_path: Path | None = None,
        keep_calls: bool = True,
    ) -> None:
        self.clock = VirtualClock(start)
        self.keep_calls = keep_calls  # False: the stand-in counts its calls and hands them on (contract.Records)
        self.settings = Settings(
            database_url=database_url,
            b12bot_rate_limiter=rate_limiter,
            b12bot_protocol_file=protocol_file,
            telegram_bot_token=None,
        )
        self.spec_path = spec_path
        self.ticks = 0

    async def __aenter__(self) -> Sandbox:
        self.services: Services = build_services(self.settings, clock=self.clock, worker="sandbox")
        await migrate.upgrade(self.services.engine)
        self.api = BotApiStandIn(self.spec_path, clock=self.clock, keep=self.keep_calls)
        self.app: Application = build_application(self.services, request=self.api)  # type: ignore[type-arg]
        await self.app.initialize()
        self.users = UpdateFactory(self.api)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.shutdown()
        await self.services.engine.dispose()

    async def restart(self) -> None:
        """A new Application and engine on the same database, as after a crash and restart."""
        await self.app.shutdown()
        await self.services.engine.dispose()
        self.services = build_services(self.settings, clock=self.clock, worker="sandbox-2")
        self.app = build_application(self.services, request=self.api)
        await self.app.initialize()

    @property
    def username(self) -> str:
        return str(self.api.bot_user["username"])

    def link(self, token: str) -> str:
        return f"https://t.me/{self.username}?start={token}"

    @staticmethod
    def payload(link: str) -> str:
        return parse_qs(urlparse(link).query)["start"][0]

    async def send(self, *updates: dict[str, Any]) -> None:
        await deliver_updates(self.app, list(updates))

    async def tick(self, moments: Moments | None = None) -> TickResult:
        """One tick now; `moments` as `next_moment` read them, when nothing changed since."""
        self.ticks += 1
        return await run_tick(self.app, moments=moments)

    async def next_moment(self) -> tuple[datetime | None, Moments]:
        """The earliest moment the tick has something to do, and the moments it was found from (one query; an
        escalation's and the teams' planning moments are the ones the last tick found). The tick at that moment
        takes them as they are when nothing changed in between: time moves, from one due moment to the next, on
        one query each.

        Planning top-ups and the daily reviews are per patient; they are taken at the next
        six-hour boundary instead of each patient's own minute, as a production tick would do them
        within the day anyway (doses are planned 48 h ahead, topped up when less than 24 h remain).
        """
        half = self.services.protocol.doses.plan_ahead / 2
        async with self.services.sessions() as session:
            found = await next_moments(session)
        due, closing, expiring = found.due, found.closing, found.expiring
        planning, reviewing = found.planned_until, found.reviewed
        upkeep = [
            m
            for m in (planning - half if planning else None, reviewing + REVIEW_EVERY if reviewing else None)
            if m is not None
        ]
        upkeep_due = self.services.tick_state.next_upkeep  # schedules/upkeep.py
        escalation = upkeep_due.get("escalation_due")  # an unowned urgent alert
        team = upkeep_due.get("team")  # the teams' messages planned again before a digest
        moments = [m for m in (due, closing, expiring, escalation, team) if m is not None]
        if upkeep:
            moments.append(max(_next_boundary(min(upkeep)), self.clock()))
        return (min(moments) if moments else None), found

    async def run_until(self, when: datetime) -> None:
        """Step virtual time to `when`, ticking at every due moment on the way."""
        while True:
            nxt, m = await self.next_moment()
            if nxt is not None and nxt.tzinfo is None:
                nxt = nxt.replace(tzinfo=self.clock().tzinfo)
            if nxt is None or nxt > when:
                self.clock.set(max(when, self.clock()))
                await self.tick(m)
                return
            self.clock.set(max(nxt, self.clock() + (STEP_WHEN_STUCK if nxt <= self.clock() else timedelta(0))))
            await self.tick(m)

    async def run_for(self, delta: timedelta) -> None:
        await self.run_until(self.clock() + delta)
