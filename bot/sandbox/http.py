"""The Bot API stand-in served over HTTP, for bot processes started as real subprocesses.

`POST /bot<token>/<method>` (form-encoded, as python-telegram-bot sends it, or JSON) →
`BotApiStandIn.do_request`. Point a process at it with `TELEGRAM_API_BASE_URL=http://127.0.0.1:<port>/bot`.
File uploads are not carried over (nothing that runs against it sends files).

The stand-in plays Telegram's servers, which are not on the bot's machine, so its own cost per call is kept
small (issue 17): a plain HTTP/1.1 reader on asyncio streams (keep-alive, Content-Length bodies), not a web
framework, so that a benchmark's CPU goes to the bot rather than to its yardstick.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.sandbox.api import BotApiStandIn

# parameters that are free text: never decoded as JSON ("123" stays a string)
TEXT_PARAMETERS = frozenset(
    {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode", "inline_message_id", "ip_address"}
)
log = logging.getLogger(__name__)
ROUTE = re.compile(r"/bot[^/]+/(?P<method>[^/]+)")
MAX_HEAD = 64 * 1024
MAX_BODY = 50 * 1024 * 1024  # Telegram's own cap on a request


def decode(name: str, value: str) -> Any:
    """PTB sends non-string values JSON-encoded in form fields; Telegram decodes them, and so do we."""
    if name in TEXT_PARAMETERS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def parameters(content_type: str, body: bytes) -> dict[str, Any]:
    """Form-encoded (what PTB sends without files) or JSON; multipart uploads are not supported here."""
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return dict(data) if isinstance(data, dict) else {}
    return {key: decode(key, value) for key, value in parse_qsl(body.decode(), keep_blank_values=True)}


def head_of(status: int, length: int, *, close: bool = False) -> bytes:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    extra = b"Connection: close\r\n" if close else b""
    return b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n" % (
        status,
        phrase.encode(),
        length,
        extra,
    )


async def answer(
    standin: BotApiStandIn, verb: str, target: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    path = urlsplit(target).path
    route = ROUTE.fullmatch(path)
    if route is None:
        return 404, b'{"detail":"Not Found"}'
    if verb not in ("GET", "POST"):
        return 405, b'{"detail":"Method Not Allowed"}'
    params = parameters(headers.get("content-type", ""), body)
    data = RequestData([RequestParameter(name, value, None) for name, value in params.items()])
    return await standin.do_request(path, "POST", data)


class StandinServer:
    """`await StandinServer.start(api)` on 127.0.0.1 (a free port unless given), later `await server.stop()`."""

    def __init__(self, standin: BotApiStandIn) -> None:
        self.standin = standin
        self.port = 0
        self.server: asyncio.Server | None = None
        self.connections: set[asyncio.Task[None]] = set()

    @classmethod
    async def start(cls, standin: BotApiStandIn, host: str = "127.0.0.1", port: int = 0) -> StandinServer:
        self = cls(standin)
        self.server = await asyncio.start_server(self._connection, host, port, limit=MAX_HEAD)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.connections):
            task.cancel()
        for task in list(self.connections):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.server is not None:
            await self.server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            while await self._one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            pass  # the caller went away mid-request (a kill -9) or sent garbage: nothing is done for it
        finally:
            self.connections.discard(task)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """One request answered; False when the connection is to be closed."""
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head[:-4].decode("latin-1").split("\r\n")
        verb, target, version = request_line.split(" ", 2)
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        if "chunked" in headers.get("transfer-encoding", "").lower() or not 0 <= length <= MAX_BODY:
            writer.write(head_of(400, 0, close=True))
            return False
        body = await reader.readexactly(length)  # a caller killed mid-body: IncompleteReadError, nothing done
        try:
            status, payload = await answer(self.standin, verb, target, headers, body)
        except Exception:  # what a web framework would answer (python-telegram-bot: NetworkError)
            log.exception("stand-in: %s %s failed", verb, target.split("/")[-1])
            status, payload = 500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'
        close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
        writer.write(head_of(status, len(payload), close=close) + payload)
        await writer.drain()
        return not close
