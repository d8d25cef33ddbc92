"""The replay scenario: updates delivered 1-3 times, shuffled, in batches, through the durable inbox."""

from __future__ import annotations

import random
import time as clocks
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.inbox import drain, receive
from bot.sandbox.battery.rows import query
from bot.sandbox.harness import Sandbox
from bot.sandbox.procs import CHAT0
from bot.sandbox.procs import seed as seed_reminders
from bot.sandbox.updates import VirtualUser


async def replay(url: str, *, patients: int, replays: bool, rng: random.Random) -> dict[str, Any]:
    """Two updates per patient (Taken on its reminder, /help), each delivered 1-3 times (once when
    `replays` is off), shuffled, in batches of 1-50, through the durable inbox. Returns the effects."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await seed_reminders(url, patients, start)
    async with Sandbox(database_url=url, start=start + timedelta(seconds=1)) as sb:
        users = [VirtualUser(CHAT0 + i, f"P{i}") for i in range(patients)]
        for user in users:
            sb.api.add_private_chat(user.as_json())
        await sb.tick()  # every reminder goes out
        reminders = {user.id: sb.api.last_to(user.id) for user in users}
        unique: list[dict[str, Any]] = []
        for user in users:
            reminder = reminders[user.id]
            assert reminder is not None
            unique += [sb.users.press_button(user, reminder, "Taken"), sb.users.text(user, "/help")]
        deliveries = [u for u in unique for _ in range(rng.randint(1, 3) if replays else 1)]
        rng.shuffle(deliveries)
        total = len(deliveries)
        began = clocks.monotonic()
        new = handled = 0
        while deliveries:
            cut = rng.randint(1, 50)
            part, deliveries = deliveries[:cut], deliveries[cut:]
            new += len(await receive(sb.app, part))  # stored before it would be confirmed to Telegram
            handled += await drain(sb.app)
        seconds = clocks.monotonic() - began
        taken = await query(url, "SELECT count(*) FROM dose_event WHERE status = 'taken'")
        inbox = await query(url, "SELECT count(*), count(processed_at), count(error) FROM inbox_update")
        answers = Counter(query_id for query_id, _, _ in sb.api.callback_answers)
        per_chat = {user.id: sb.api.sent_to(user.id) for user in users}
    return {
        "updates": len(unique),
        "deliveries": total,
        "replays_ignored": total - new,  # the fault counter: deliveries the inbox recognised as seen
        "new": new,
        "handled": handled,
        "taken": int(taken[0][0]),
        "edits": sorted({m.edits for m in reminders.values() if m is not None}),
        "callback_answers": sorted(set(answers.values())),
        "answered_presses": len(answers),
        "messages_per_chat": sorted({len(sent) for sent in per_chat.values()}),
        "inbox": list(inbox[0]),
        "seconds": round(seconds, 1),
    }
