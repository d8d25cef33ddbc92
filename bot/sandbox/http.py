"""The Bot API stand-in served over HTTP, for bot processes started as real subprocesses.

`POST /bot<token>/<method>` (form-encoded, as python-telegram-bot sends it) → `BotApiStandIn.do_request`.
Point a process at it with `TELEGRAM_API_BASE_URL=http://127.0.0.1:<port>/bot`. File uploads are not
carried over (nothing that runs against it sends files).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.sandbox.api import BotApiStandIn

# parameters that are free text: never decoded as JSON ("123" stays a string)
TEXT_PARAMETERS = frozenset(
    {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode", "inline_message_id", "ip_address"}
)


def decode(name: str, value: str) -> Any:
    """PTB sends non-string values JSON-encoded in form fields; Telegram decodes them, and so do we."""
    if name in TEXT_PARAMETERS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def parameters(request: Request) -> dict[str, Any]:
    """Form-encoded (what PTB sends without files) or JSON; multipart uploads are not supported here."""
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        data = json.loads(body or b"{}")
        return dict(data) if isinstance(data, dict) else {}
    return {key: decode(key, value) for key, value in parse_qsl(body.decode(), keep_blank_values=True)}


def standin_app(standin: BotApiStandIn) -> Starlette:
    async def call(request: Request) -> Response:
        method = request.path_params["method"]
        try:
            params = await parameters(request)
        except ClientDisconnect:  # the caller died mid-request (a kill -9): nothing arrived, nothing is done
            return Response(status_code=499)
        data = RequestData([RequestParameter(name, value, None) for name, value in params.items()])
        status, body = await standin.do_request(f"{request.url.path.rsplit('/', 1)[0]}/{method}", "POST", data)
        return Response(body, status_code=status, media_type="application/json")

    return Starlette(routes=[Route("/bot{token}/{method}", call, methods=["GET", "POST"])])
