"""Button presses through the real path (store the update, then the Application: ownership check, record,
edit the message, answer the query): throughput flat out, and p50/p99 latency at a fixed offered rate.

Baseline, same run: a bare python-telegram-bot Application with one CallbackQueryHandler that answers the
query and edits the message (no database), fed the same number of presses the same way (flat out, then paced):
presses on the reminder b12bot sends (its text and 5 buttons: bench/dispatch.py, checked against what b12bot
sent in the run), edited to the text b12bot edits to. Until 2026-12-06 the bare handler's message was one line
with one button and its edit a line (less PTB work to parse the press and its answer): still measured and
printed as "bare, 1 button (old)" to compare with earlier figures; the ratios are to the first.
Issue 17's floors: flat out >= 0.25 of the bare handler; p99 <= 50 ms at 100/s offered. Each press is "Taken"
on a different patient's reminder. `cpu_ms`: CPU time of this process (all its threads) per press, flat out.

    .venv/bin/python bench/presses.py [--presses 2000] [--rate 100] [--database sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import CHAT0, add_chats, databases, fresh_database, load, machine, report, seed
from dispatch import ROWS, TEXT, keyboard, same_as_baseline
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.app import SANDBOX_TOKEN
from bot.inbox import deliver_updates
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import UpdateFactory, VirtualUser
from bot.texts import t

# what b12bot edits a Taken reminder to (bot/handlers/doses.py), the time of the press shown as 09:00
EDITED = f"{TEXT.replace(t('footer'), '').rstrip()}\n\n{t('answer_taken', time='09:00')}\n\n{t('footer')}"
OLD_TEXT, OLD_EDIT = "Time for your vitamin B12.", "Time for your vitamin B12.\n\nTaken at 09:00."

Deliver = Any  # async (update dict) -> None


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def phases(
    name: str, one: Deliver, updates: list[dict[str, Any]], presses: int, rate: float, in_flight: int, profiler: Any
) -> list[dict[str, Any]]:
    """Flat out (`in_flight` at a time) on the first `presses` updates, then paced at `rate` on the rest."""
    flat, paced = updates[:presses], updates[presses:]
    if profiler is not None:
        profiler.start()
    began, cpu = time.perf_counter(), time.process_time()
    for start in range(0, presses, in_flight):
        await asyncio.gather(*(one(u) for u in flat[start : start + in_flight]))
    flat_s = time.perf_counter() - began
    cpu_ms = round((time.process_time() - cpu) * 1000 / presses, 2)  # this process, every thread (aiosqlite's too)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    flat_load = load()
    latencies: list[float] = []

    async def timed(update: dict[str, Any], due: float) -> None:
        await one(update)
        latencies.append(time.perf_counter() - due)

    tasks = []
    t0 = time.perf_counter() + 0.05
    for i, update in enumerate(paced):
        due = t0 + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(timed(update, due)))
    await asyncio.gather(*tasks)
    paced_s = time.perf_counter() - t0
    ms = [x * 1000 for x in latencies]
    return [
        {"database": name, "mode": f"flat out ({in_flight} in flight)", "presses": presses,
         "per_s": round(presses / flat_s), "p50_ms": None, "p99_ms": None, "load": flat_load, "cpu_ms": cpu_ms},
        {"database": name, "mode": f"offered {rate:g}/s", "presses": len(paced), "per_s": round(len(paced) / paced_s),
         "p50_ms": round(statistics.median(ms), 1), "p99_ms": round(pct(ms, 0.99), 1), "load": load(), "cpu_ms": None},
    ]  # fmt: skip


async def bare(presses: int, rate: float, in_flight: int, *, old: bool = False) -> list[dict[str, Any]]:
    """The bare PTB press handler: answer, edit; no database, no inbox. `old`: the one-button message."""
    n = 2 * presses
    api = BotApiStandIn()
    add_chats(api, n)
    edited = OLD_EDIT if old else EDITED

    async def pressed(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer("Saved")
        await query.edit_message_text(edited)

    app = Application.builder().token(SANDBOX_TOKEN).request(api).get_updates_request(api).build()
    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()
    factory = UpdateFactory(api)
    for i in range(n):
        if old:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Taken", callback_data=f"d1:{i}:t")]])
            await app.bot.send_message(CHAT0 + i, OLD_TEXT, reply_markup=markup)
        else:
            await app.bot.send_message(CHAT0 + i, TEXT, reply_markup=keyboard(ROWS, i))
    updates = []
    for i in range(n):
        message = api.last_to(CHAT0 + i)
        assert message is not None
        updates.append(factory.press(VirtualUser(CHAT0 + i, f"P{i}"), message, f"d1:{i}:t"))

    async def one(update: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(update, app.bot))

    name = "bare, 1 button (old)" if old else "bare PTB handler"
    rows = await phases(name, one, updates, presses, rate, in_flight, None)
    await app.shutdown()
    assert api.count("editMessageText") == n and len(api.callback_answers) == n
    return rows


async def run(kind: str, presses: int, rate: float, in_flight: int, profile: bool) -> list[dict[str, Any]]:
    n = 2 * presses
    now = datetime.now(UTC).replace(microsecond=0)
    async with fresh_database(kind) as url:
        await seed(url, n, now, due=n)
        async with Sandbox(database_url=url, start=now + timedelta(seconds=1)) as sb:
            add_chats(sb.api, n)
            while (await sb.tick()).dispatch.sent:
                pass
            updates = []
            for i in range(n):
                message = sb.api.last_to(CHAT0 + i)
                assert message is not None
                assert same_as_baseline(message), "the bare handler's message is not the reminder b12bot sends"
                user = VirtualUser(CHAT0 + i, f"P{i}")
                updates.append(sb.users.press(user, message, sb.users.button_data(message)[0]))  # Taken

            async def one(update: dict[str, Any]) -> None:
                await deliver_updates(sb.app, [update])

            profiler: Any = None
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(async_mode="enabled")
            rows = await phases(kind, one, updates, presses, rate, in_flight, profiler)
            edit = next(c for c in sb.api.calls if c.method == "editMessageText")
            shown = re.sub(r"at [0-9]{1,2}:[0-9]{2}", "at 09:00", str(edit.params.get("text")))  # the press's time
            assert shown == EDITED, "the bare handler's edit is not what b12bot edits to"
            edits = sb.api.count("editMessageText")
            answers = len(sb.api.callback_answers)
            assert edits >= n and answers == n, (edits, answers, n)
    return rows


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--presses", type=int, default=2000, help="presses per phase (flat out, then paced)")
    p.add_argument("--rate", type=float, default=100.0, help="offered presses per second in the paced phase")
    p.add_argument("--in-flight", type=int, default=50, help="concurrent presses in the flat-out phase")
    p.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--quick", action="store_true", help="300 presses per phase")
    p.add_argument("--profile", action="store_true", help="pyinstrument the flat-out phase (pip install pyinstrument)")
    args = p.parse_args()
    presses = 300 if args.quick else args.presses
    info = await machine()
    old = await bare(presses, args.rate, args.in_flight, old=True)  # first: the baseline runs warmed up
    rows = await bare(presses, args.rate, args.in_flight) + old
    base = rows[0]["per_s"]
    for kind in databases(args.database):
        rows += await run(kind, presses, args.rate, args.in_flight, args.profile)
    for r in rows:
        if r["p99_ms"] is None:
            r["ratio"] = round(r["per_s"] / base, 2)
            r["floor_met"] = r["ratio"] >= 0.25
        else:
            r["ratio"] = None
            r["floor_met"] = r["p99_ms"] <= 50
    report("presses", info, rows, floor="flat out >= 0.25 of the bare PTB handler; p99 <= 50 ms at 100/s offered")


if __name__ == "__main__":
    asyncio.run(main())
