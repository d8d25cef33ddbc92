"""The dispatcher's sender keeps at most SENDS_IN_FLIGHT requests out at once (issue 17): httpcore's pool scans
every pooled connection whenever a request starts or ends, so a slice of 50 sent all at once cost the bot
process ~0.7 ms of CPU a message more (bench/README, branch `procs`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

from telegram import Bot

from bot.sending.delivery import SENDS_IN_FLIGHT, make_deliver
from care.protocol import default_protocol
from schedules.jobs import Job, Sent


class CountingBot:
    """Answers send_message after a few turns of the event loop, counting the requests out at once."""

    def __init__(self) -> None:
        self.out = 0
        self.most = 0
        self.sent: list[int] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        self.out += 1
        self.most = max(self.most, self.out)
        for _turn in range(3):
            await asyncio.sleep(0)
        self.out -= 1
        self.sent.append(chat_id)
        return type("Message", (), {"message_id": 1000 + chat_id})()


async def test_a_slice_of_50_goes_out_at_most_sends_in_flight_at_once_every_job_answered_in_order() -> None:
    bot = CountingBot()
    deliver = make_deliver(cast(Bot, bot), default_protocol())
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    jobs = [
        Job(outbox_id=i, kind="notice", chat_id=i, due_at=now, late=False, uncertain=False, payload={"key": "help"})
        for i in range(50)
    ]
    outcomes = await deliver(jobs)
    assert bot.most == SENDS_IN_FLIGHT == 8  # overlapping, but never the whole slice at once
    assert sorted(bot.sent) == list(range(50))
    assert outcomes == [Sent(1000 + i) for i in range(50)]
