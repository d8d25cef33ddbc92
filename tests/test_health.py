"""/healthz and /metrics through the real web app, and the JSON log lines."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlmodel import select

from bot.app import build_services
from bot.inbox import receive
from bot.logs import JsonFormatter
from bot.sandbox.harness import Sandbox
from bot.sandbox.updates import VirtualUser
from bot.settings import Settings
from bot.web import make_web_app
from storage.models import Flag, Patient
from tests.helpers import enrol, invite, team_with_member

PAT = VirtualUser(2001, "Pat")
START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FIRST_DOSE = datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # 09:00 in Berlin


def client(sb: Sandbox) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=make_web_app(sb.app))
    return httpx.AsyncClient(transport=transport, base_url="http://bot")


async def test_healthy_after_a_tick_with_the_numbers(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb, client(sb) as http:
        sb.services.telemetry.started_at = sb.clock()
        answer = await http.get("/healthz")  # just started, no tick yet: still healthy
        assert answer.status_code == 200
        sb.services.telemetry.tick_done(sb.clock(), 0.2)
        sb.clock.advance(timedelta(seconds=3))
        answer = await http.get("/healthz")
        assert answer.status_code == 200
        assert answer.json() == {
            "status": "ok",
            "problems": [],
            "database": "ok",
            "last_tick_age_seconds": 3.0,
            "inbox_backlog": 0,
            "inbox_lag_seconds": 0.0,
            "due_backlog": 0,
        }


async def test_unhealthy_when_ticks_stall_or_never_come(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb, client(sb) as http:
        sb.services.telemetry.started_at = sb.clock()
        sb.clock.advance(timedelta(minutes=5))
        answer = await http.get("/healthz")
        assert answer.status_code == 503 and answer.json()["problems"] == ["no tick since start"]
        sb.services.telemetry.tick_done(sb.clock(), 0.1)
        sb.clock.advance(timedelta(minutes=2))
        answer = await http.get("/healthz")
        assert answer.status_code == 503 and answer.json()["problems"] == ["ticks stalled"]
        assert answer.json()["last_tick_age_seconds"] == 120.0


async def test_unhealthy_when_the_inbox_is_not_processed(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb, client(sb) as http:
        await receive(sb.app, [sb.users.text(PAT, "/help")])  # stored, never processed
        sb.services.telemetry.tick_done(sb.clock(), 0.1)
        sb.clock.advance(timedelta(seconds=30))
        sb.services.telemetry.tick_done(sb.clock(), 0.1)
        body = (await http.get("/healthz")).json()
        assert body["inbox_backlog"] == 1 and body["inbox_lag_seconds"] == 30.0 and body["status"] == "ok"
        sb.clock.advance(timedelta(minutes=10))
        sb.services.telemetry.tick_done(sb.clock(), 0.1)
        answer = await http.get("/healthz")
        assert answer.status_code == 503 and answer.json()["problems"] == ["inbox not processed"]


async def test_unhealthy_while_stopping(sqlite_url: str) -> None:
    async with Sandbox(database_url=sqlite_url, start=START) as sb, client(sb) as http:
        sb.services.stopping.set()
        answer = await http.get("/healthz")
        assert answer.status_code == 503 and answer.json()["problems"] == ["stopping"]


async def test_unhealthy_when_the_database_is_unreachable() -> None:
    services = build_services(Settings(database_url="postgresql://postgres@127.0.0.1:9/nothing"))
    async with Sandbox(database_url="sqlite:///:memory:", start=START) as sb:
        sb.app.bot_data["b12bot"] = services  # the same web app, on a database that does not answer
        async with client(sb) as http:
            answer = await http.get("/healthz")
            metrics = (await http.get("/metrics")).text
    await services.engine.dispose()
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable" and "database unreachable" in answer.json()["problems"]
    assert "b12bot_database_up 0" in metrics


async def test_metrics_count_messages_by_kind_backlog_flags_and_ticks(database_url: str) -> None:
    async with Sandbox(database_url=database_url, start=START) as sb, client(sb) as http:
        await team_with_member(sb)
        await enrol(sb, PAT, await invite(sb, start=date(2026, 6, 2)))
        await sb.run_until(FIRST_DOSE + timedelta(seconds=5))
        sb.services.telemetry.tick_done(sb.clock(), 0.3)
        sb.services.telemetry.tick_done(sb.clock(), 7.0)
        async with sb.services.sessions() as session:
            patient = (await session.exec(select(Patient))).one()
            assert patient.id is not None
            session.add(
                Flag(
                    patient_id=patient.id, kind="test", severity="info", episode="e1", summary_key="k", raised_at=START
                )
            )
            await session.commit()
        sb.clock.advance(timedelta(days=1, hours=1))  # tomorrow's reminder is due and not yet sent
        answer = await http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = answer.text.splitlines()
    assert 'b12bot_messages_total{kind="dose_reminder",outcome="sent"} 1' in lines
    assert "b12bot_flags_raised 1" in lines
    assert "b12bot_database_up 1" in lines
    assert "b12bot_inbox_backlog 0" in lines
    assert next(line for line in lines if line.startswith("b12bot_outbox_due ")) != "b12bot_outbox_due 0"
    assert 'b12bot_tick_duration_seconds_bucket{le="0.5"} 1' in lines
    assert 'b12bot_tick_duration_seconds_bucket{le="10"} 2' in lines
    assert 'b12bot_tick_duration_seconds_bucket{le="+Inf"} 2' in lines
    assert "b12bot_tick_duration_seconds_count 2" in lines and "b12bot_tick_duration_seconds_sum 7.3" in lines
    assert "# TYPE b12bot_messages_total counter" in lines and "# TYPE b12bot_inbox_lag_seconds gauge" in lines


def test_json_log_lines_carry_ids_and_never_the_token() -> None:
    token = "123456789:AAverysecretpartofthetoken_abcdefghijk"
    record = logging.LogRecord("bot.x", logging.WARNING, __file__, 1, "calling %s", (f"/bot{token}/getMe",), None)
    record.update_id = 42
    record.outbox_id = 7
    line = JsonFormatter().format(record)
    assert "\n" not in line and token not in line
    out = json.loads(line)
    assert out["level"] == "WARNING" and out["logger"] == "bot.x" and out["event"] == "calling /bot[token]/getMe"
    assert out["update_id"] == 42 and out["outbox_id"] == 7 and "ts" in out
