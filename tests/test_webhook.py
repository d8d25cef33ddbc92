"""Webhook mode on a real uvicorn server: the secret is checked, the update is stored before 200, then processed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.app import build_application, build_services
from bot.context import Services
from bot.inbox import drain
from bot.runner import run_bot
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.procs import SECRET, free_port, until
from bot.sandbox.updates import UpdateFactory, VirtualUser
from bot.settings import Settings
from bot.web import SECRET_HEADER, HttpServer, make_web_app
from care.regimens import build_regimen
from services import enrolment
from storage import migrate
from storage.models import InboxUpdate, Team, TeamMember

PAT = VirtualUser(2001, "Pat")
TTL = timedelta(days=14)


def settings_for(database_url: str, port: int) -> Settings:
    return Settings(
        database_url=database_url,
        telegram_bot_token=None,
        b12bot_rate_limiter=False,
        b12bot_tick_seconds=0.5,
        webhook_url="https://bot.example.org/telegram",
        webhook_secret=SECRET,
        listen="127.0.0.1",
        port=port,
    )


async def invite_token(services: Services) -> str:
    now = datetime.now(UTC)
    await enrolment.create_team(
        services.sessions, name="Neuro clinic", timezone="Europe/Berlin", digest_time=time(8), now=now, ttl=TTL
    )
    async with services.sessions() as session:  # a clinician has joined (the join link is tested elsewhere)
        team = (await session.exec(select(Team))).one()
        session.add(TeamMember(team_id=team.id, telegram_user_id=1001, joined_at=now))
        await session.commit()
    request = enrolment.PatientRequest(
        team="Neuro clinic",
        alias="MK-17",
        regimen=build_regimen("oral-high"),
        start=date.today() + timedelta(days=1),
        timezone="Europe/Berlin",
        reminder_time=time(9),
    )
    return (await enrolment.invite_patient(services.sessions, request=request, now=now, ttl=TTL)).token


async def inbox_count(services: Services) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(InboxUpdate))).scalar() or 0)


@dataclass
class Running:
    services: Services
    api: BotApiStandIn
    url: str
    stop: asyncio.Event
    task: asyncio.Task[None]


@pytest.fixture
async def running(database_url: str) -> AsyncIterator[Running]:
    """`run_bot(webhook=True)` in this event loop: uvicorn on a free loopback port, the Bot on the stand-in."""
    port = free_port()
    services = build_services(settings_for(database_url, port))
    await migrate.upgrade(services.engine)
    api = BotApiStandIn()
    stop = asyncio.Event()
    task = asyncio.ensure_future(run_bot(build_application(services, request=api), stop=stop, webhook=True))
    url = f"http://127.0.0.1:{port}"

    async def up() -> bool:
        if task.done():
            task.result()
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"{url}/healthz")).status_code == 200
        except httpx.TransportError:
            return False

    await until(up, within=20, what="the webhook server")
    yield Running(services, api, url, stop, task)
    stop.set()
    await asyncio.wait_for(task, 10)
    await services.engine.dispose()


async def test_webhook_is_registered_with_the_secret_and_every_update_type(running: Running) -> None:
    calls = [c for c in running.api.calls if c.method == "setWebhook"]
    assert len(calls) == 1
    assert calls[0].params["url"] == "https://bot.example.org/telegram"
    assert calls[0].params["secret_token"] == SECRET
    assert "callback_query" in calls[0].params["allowed_updates"]
    assert "my_chat_member" in calls[0].params["allowed_updates"]
    assert running.api.count("deleteWebhook") == 0


async def test_good_secret_is_stored_answered_and_processed(running: Running) -> None:
    token = await invite_token(running.services)
    update = UpdateFactory(running.api, start_update_id=700).text(PAT, f"/start {token}")
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{running.url}/telegram", json=update, headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200

    async def consent_asked() -> bool:
        return "Do you agree?" in (((m := running.api.last_to(PAT.id)) and m.text) or "")

    await until(consent_asked, within=10, what="the consent question")
    async with running.services.sessions() as session:
        row = await session.get(InboxUpdate, 700)
    assert row is not None and row.processed_at is not None and row.error is None


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: ""}])
async def test_wrong_or_missing_secret_is_refused_and_nothing_is_stored(
    running: Running, headers: dict[str, str]
) -> None:
    update = UpdateFactory(running.api, start_update_id=800).text(PAT, "/start whatever")
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{running.url}/telegram", json=update, headers=headers)
    assert answer.status_code == 403
    assert await inbox_count(running.services) == 0
    assert running.api.sent_to(PAT.id) == []


async def test_a_body_that_is_not_an_update_is_refused(running: Running) -> None:
    async with httpx.AsyncClient() as client:
        for body in (b"not json", b"[1, 2]", b'{"update_id": "7"}'):
            answer = await client.post(f"{running.url}/telegram", content=body, headers={SECRET_HEADER: SECRET})
            assert answer.status_code == 400
    assert await inbox_count(running.services) == 0


async def test_a_crash_after_the_inbox_write_loses_nothing(database_url: str) -> None:
    """The update is stored and 200 answered, the process dies before processing: the next process does it."""
    services = build_services(settings_for(database_url, 1))
    await migrate.upgrade(services.engine)
    api = BotApiStandIn()
    app = build_application(services, request=api)
    await app.initialize()
    token = await invite_token(services)
    # nothing wakes a drainer: the process "dies" right after answering 200
    server = await HttpServer.start(make_web_app(app, webhook_path="/telegram", secret=SECRET), "127.0.0.1", 0)
    update = UpdateFactory(api, start_update_id=900).text(PAT, f"/start {token}")
    try:
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"http://127.0.0.1:{server.port}/telegram", json=update, headers={SECRET_HEADER: SECRET}
            )
        assert answer.status_code == 200
    finally:
        await server.stop()
        await app.shutdown()
        await services.engine.dispose()
    assert api.sent_to(PAT.id) == []

    services = build_services(settings_for(database_url, 1))  # the restarted process
    app = build_application(services, request=api)
    await app.initialize()
    try:
        assert await drain(app) == 1
        assert "Do you agree?" in (api.last_to(PAT.id).text or "")  # type: ignore[union-attr]
        assert await drain(app) == 0
    finally:
        await app.shutdown()
        await services.engine.dispose()


async def test_start_up_sets_the_patients_menu_once_per_language(running: Running) -> None:
    """Issue 13: a real run sets the default (patients') menu, in English and in every catalogue's language."""
    calls = [c for c in running.api.calls if c.method == "setMyCommands"]
    scopes = [json.loads(c.params["scope"]) if isinstance(c.params["scope"], str) else c.params["scope"] for c in calls]
    assert all(s == {"type": "default"} for s in scopes)
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert sorted(by_language, key=str) == sorted([None, "es", "ru"], key=str) and len(calls) == 3
    spanish = by_language["es"]
    spanish = json.loads(spanish) if isinstance(spanish, str) else spanish
    assert [c["command"] for c in spanish][:3] == ["symptoms", "status", "pause"]  # a worrying symptom first
    assert spanish[0]["description"] == "Informar de un síntoma preocupante, en cualquier momento"
    assert all(c["command"] not in ("ack", "patients") for c in spanish)
