"""Fault injection for the Bot API stand-in (mixed into ``BotApiStandIn``), with a counter per fault.

Queued faults (``fail_next``, ``raise_next``, ``delivered_then_timeout``) fire on the next matching call;
``random_faults`` makes a share of the calls fail at random (seeded), cycling through the kinds so that
each kind fires. Every fault that fires is counted in ``fired`` (by kind) and ``faults_fired`` (total), so a
test can show its fault really happened. Each 429 opens a retry_after window for its chat; a later request
to that chat inside the window is recorded in ``window_violations`` (Telegram would refuse it again).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.error import NetworkError, TimedOut

# what random_faults injects: flood control, server errors, transport errors before and after delivery
FAULT_KINDS = ("429", "500", "502", "refused", "read_timeout", "delivered_timeout")


@dataclass
class Fault:
    method: str | None  # None matches any method
    kind: str  # "fail" | "raise" | "deliver_timeout"
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    exc: Exception | None = None
    times: int = 1
    label: str = ""  # the counter it adds to


def make_fault(kind: str, rng: random.Random, retry_after: tuple[int, int] = (1, 5)) -> Fault:
    """One fault of a kind in ``FAULT_KINDS``, as Telegram or the network would produce it."""
    if kind == "429":
        after = rng.randint(*retry_after)
        return Fault(None, "fail", 429, f"Too Many Requests: retry after {after}", after, label=kind)
    if kind == "500":
        return Fault(None, "fail", 500, "Internal Server Error", label=kind)
    if kind == "502":
        return Fault(None, "fail", 502, "Bad Gateway", label=kind)
    if kind == "refused":  # what HTTPXRequest raises for httpx.ConnectError: nothing reached the server
        return Fault(None, "raise", exc=NetworkError("httpx.ConnectError: [Errno 111] Connection refused"), label=kind)
    if kind == "read_timeout":  # the request was lost before the server acted on it
        return Fault(None, "raise", exc=TimedOut("Timed out (sandbox: read timeout)"), label=kind)
    if kind == "delivered_timeout":  # carried out, but the answer never came back
        return Fault(None, "deliver_timeout", label=kind)
    raise ValueError(f"unknown fault kind {kind!r}; one of {FAULT_KINDS}")


@dataclass
class RandomFaults:
    rate: float
    methods: frozenset[str]
    kinds: tuple[str, ...]
    retry_after: tuple[int, int]
    rng: random.Random
    drawn: int = 0


class FaultInjection:
    """Queued and random transport and HTTP faults; the first matching queued one fires first."""

    clock: Callable[[], datetime]  # provided by the stand-in

    def __init__(self) -> None:
        self.faults_fired = 0
        self.fired: Counter[str] = Counter()
        self._faults: list[Fault] = []
        self._random: RandomFaults | None = None
        self.windows: dict[int, datetime] = {}  # chat -> end of the last retry_after window announced
        self.window_violations: list[tuple[int, str, float]] = []  # (chat, method, seconds still to wait)

    def fail_next(
        self,
        method: str | None,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (any method if None) with this HTTP error."""
        self._faults.append(Fault(method, "fail", status, description, retry_after, times=times, label=str(status)))

    def raise_next(self, method: str | None, exc: Exception) -> None:
        """Make the next call of ``method`` raise ``exc`` from do_request (e.g. TimedOut, NetworkError)."""
        self._faults.append(Fault(method, "raise", exc=exc, label=type(exc).__name__))

    def delivered_then_timeout(self, method: str | None) -> None:
        """Carry out the next call of ``method`` (a message IS stored), then raise TimedOut."""
        self._faults.append(Fault(method, "deliver_timeout", label="delivered_timeout"))

    def random_faults(
        self,
        rate: float,
        *,
        methods: tuple[str, ...] = ("sendMessage",),
        kinds: tuple[str, ...] = FAULT_KINDS,
        retry_after: tuple[int, int] = (1, 5),
        seed: int = 0,
    ) -> None:
        """From now on, answer a share ``rate`` of the calls of ``methods`` with a fault, the kinds in turn."""
        for kind in kinds:
            make_fault(kind, random.Random(0))  # fail fast on an unknown kind
        self._random = RandomFaults(rate, frozenset(methods), kinds, retry_after, random.Random(seed))

    def take_fault(self, method: str) -> Fault | None:
        fault = self._queued(method) or self._drawn(method)
        if fault is not None:
            self.faults_fired += 1
            self.fired[fault.label] += 1
        return fault

    def _queued(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method in (None, method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _drawn(self, method: str) -> Fault | None:
        r = self._random
        if r is None or method not in r.methods or r.rng.random() >= r.rate:
            return None
        kind = r.kinds[r.drawn % len(r.kinds)]
        r.drawn += 1
        return make_fault(kind, r.rng, r.retry_after)

    def check_window(self, chat_id: int | None, method: str) -> None:
        """Record a request to a chat still inside a retry_after window it was given."""
        if chat_id is None or chat_id not in self.windows:
            return
        left = (self.windows[chat_id] - self.clock()).total_seconds()
        if left > 0:
            self.window_violations.append((chat_id, method, left))

    def open_window(self, chat_id: int | None, retry_after: int) -> None:
        if chat_id is not None:
            self.windows[chat_id] = self.clock() + timedelta(seconds=retry_after)


def chat_of(params: dict[str, Any]) -> int | None:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None


__all__ = ["FAULT_KINDS", "Fault", "FaultInjection", "chat_of", "make_fault"]
