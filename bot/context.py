"""What every handler and tick needs, built once and stored in the Application's bot_data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox_queue import InboxQueue
from bot.settings import Settings
from bot.telemetry import Telemetry
from care.protocol import Protocol
from schedules.tick import TickState
from storage.engine import Sessions

Clock = Callable[[], datetime]
KEY = "b12bot"


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    protocol: Protocol
    engine: AsyncEngine
    sessions: Sessions
    clock: Clock = system_clock
    worker: str = "main"
    counters: dict[str, int] = field(default_factory=dict)
    tick_state: TickState = field(default_factory=TickState)  # throttled tick steps, per process
    draining: asyncio.Lock = field(default_factory=asyncio.Lock)  # one inbox drain at a time in this process
    stopping: asyncio.Event = field(default_factory=asyncio.Event)  # set on SIGTERM: claim nothing new
    telemetry: Telemetry = field(default_factory=Telemetry)
    forget: set[int] = field(default_factory=set)  # updates to keep as {"erased": true} once handled (erasure)
    checkpoint_due: bool = False  # SQLite: truncate the WAL once the erasure's updates are marked done
    inbox: InboxQueue = field(default_factory=InboxQueue)  # stores coalesced; SQLite: the updates waiting

    def now(self) -> datetime:
        return self.clock()

    def count(self, name: str, by: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + by


def services_of(bot_data: Any) -> Services:
    services = bot_data[KEY]
    assert isinstance(services, Services)
    return services
