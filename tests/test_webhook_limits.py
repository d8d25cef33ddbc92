"""Webhook limits, over HTTP against the real Starlette app on uvicorn (issue 12).

- WEBHOOK_SECRET shorter than 32 characters is refused at start-up (a one-character secret was accepted).
- A body over MAX_UPDATE_BYTES is answered 413 as soon as the cap is passed: the server reads no further
  (it read the whole body first, so a client sending a huge or endless body held the request open).
- An `update_id` that does not fit the inbox's BIGINT (≥ 2^63), or that is not a plain positive integer, is
  answered 400 (≥ 2^63 answered 500 from the database).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.app import build_application, build_services
from bot.context import Services
from bot.sandbox.api import BotApiStandIn
from bot.sandbox.procs import SECRET
from bot.settings import Settings
from bot.web import MAX_UPDATE_BYTES, SECRET_HEADER, HttpServer, make_web_app
from storage import migrate
from storage.models import InboxUpdate

TIMEOUT = 10.0


@dataclass
class Served:
    services: Services
    port: int

    async def stored(self) -> int:
        async with self.services.sessions() as session:
            return int((await session.execute(select(func.count()).select_from(InboxUpdate))).scalar() or 0)


@pytest.fixture
async def served(database_url: str) -> AsyncIterator[Served]:
    settings = Settings(
        database_url=database_url,
        telegram_bot_token=None,
        b12bot_rate_limiter=False,
        webhook_url="https://bot.example.org/telegram",
        webhook_secret=SECRET,
    )
    services = build_services(settings)
    await migrate.upgrade(services.engine)
    app = build_application(services, request=BotApiStandIn())
    await app.initialize()
    server = await HttpServer.start(make_web_app(app, webhook_path="/telegram", secret=SECRET), "127.0.0.1", 0)
    try:
        yield Served(services, server.port)
    finally:
        await server.stop()
        await app.shutdown()
        await services.engine.dispose()


def head(port: int, extra: str) -> bytes:
    return (
        f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{SECRET_HEADER}: {SECRET}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


async def status_of(reader: asyncio.StreamReader) -> int:
    """The status code of the response, read within TIMEOUT seconds (the body is still being 'sent')."""
    line = await asyncio.wait_for(reader.readline(), TIMEOUT)
    return int(line.split()[1])


@pytest.mark.parametrize("secret", ["x", "A" * 31, "a-b_c" * 6])
def test_a_webhook_secret_under_32_characters_is_refused_at_start_up(
    secret: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings()
    assert main(["regimens"]) == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_SECRET" in err and "at least 32" in err
    if len(secret) > 1:
        assert secret not in err
    monkeypatch.setenv("WEBHOOK_SECRET", "A" * 32)
    assert Settings().webhook_secret is not None


async def test_a_declared_huge_body_is_refused_before_any_of_it_is_read(served: Served) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write(head(served.port, "Content-Length: 10000000000\r\n"))  # 10 GB announced, none sent
    await writer.drain()
    assert await status_of(reader) == 413
    writer.close()
    assert await served.stored() == 0


async def test_a_streamed_body_is_cut_off_at_the_cap(served: Served) -> None:
    """Chunked, no length: 1.25 MB sent, and the body never ends. 413 comes without waiting for the end."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write(head(served.port, "Transfer-Encoding: chunked\r\n"))
    chunk = b"x" * 65536
    for _ in range(MAX_UPDATE_BYTES // len(chunk) + 4):
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    await writer.drain()
    assert await status_of(reader) == 413
    writer.close()
    assert await served.stored() == 0


async def test_a_body_just_under_the_cap_is_stored(served: Served) -> None:
    update = {"update_id": 41, "padding": ""}
    update["padding"] = "x" * (MAX_UPDATE_BYTES - len(json.dumps(update)))
    body = json.dumps(update).encode()
    assert len(body) == MAX_UPDATE_BYTES
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"http://127.0.0.1:{served.port}/telegram", content=body, headers={SECRET_HEADER: SECRET}
        )
        assert answer.status_code == 200
        over = await client.post(
            f"http://127.0.0.1:{served.port}/telegram", content=body + b" ", headers={SECRET_HEADER: SECRET}
        )
        assert over.status_code == 413
    assert await served.stored() == 1


@pytest.mark.parametrize("update_id", [2**63, 2**64 + 5, 10**30, -1, True, 1.0, None])
async def test_an_update_id_out_of_range_is_a_bad_request(served: Served, update_id: object) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"http://127.0.0.1:{served.port}/telegram",
            content=json.dumps({"update_id": update_id, "message": {}}),
            headers={SECRET_HEADER: SECRET},
        )
    assert answer.status_code == 400
    assert await served.stored() == 0


async def test_the_largest_update_id_is_stored(served: Served) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"http://127.0.0.1:{served.port}/telegram",
            content=json.dumps({"update_id": 2**63 - 1}),
            headers={SECRET_HEADER: SECRET},
        )
    assert answer.status_code == 200
    assert await served.stored() == 1
