"""The small web app: Telegram's webhook (secret checked, update stored, then 200), /healthz, /metrics."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram.ext import Application

from bot import metrics
from bot.context import services_of
from bot.health import health, snapshot
from bot.inbox import receive

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header name, not a secret)
MAX_UPDATE_BYTES = 1_000_000
MAX_UPDATE_ID = 2**63 - 1  # the inbox's BIGINT; Telegram's ids are positive 32-bit numbers in practice


async def capped_body(request: Request, cap: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed `cap` (by its declared length, or while streaming)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            return None  # read no further: uvicorn closes the connection after the answer
    return bytes(body)


def is_update(update: object) -> bool:
    """A JSON object whose update_id is a plain integer the inbox can store (bool is not one)."""
    if not isinstance(update, dict):
        return False
    update_id = update.get("update_id")
    return type(update_id) is int and 0 <= update_id <= MAX_UPDATE_ID


def secret_matches(given: str | None, secret: str) -> bool:
    """Constant-time comparison; header values arrive as latin-1 text."""
    return given is not None and hmac.compare_digest(given.encode("latin-1"), secret.encode("latin-1"))


def make_web_app(
    app: Application,  # type: ignore[type-arg]
    *,
    webhook_path: str | None = None,
    secret: str | None = None,
    on_update: Callable[[], None] = lambda: None,
) -> Starlette:
    """`webhook_path` None: only /healthz and /metrics (polling mode). `on_update` wakes the processing."""
    services = services_of(app.bot_data)

    async def healthz(_: Request) -> Response:
        status, body = health(await snapshot(services), services)
        return JSONResponse(body, status_code=status)

    async def metrics_page(_: Request) -> Response:
        text = metrics.render(await snapshot(services), services.telemetry)
        return Response(text, media_type=metrics.CONTENT_TYPE)

    async def webhook(request: Request) -> Response:
        if secret is None or not secret_matches(request.headers.get(SECRET_HEADER), secret):
            log.warning("webhook: wrong or missing secret token, refused")
            return Response(status_code=403)
        try:
            body = await capped_body(request, MAX_UPDATE_BYTES)
        except ClientDisconnect:
            return Response(status_code=400)
        if body is None:
            log.warning("webhook: body over %d bytes, refused", MAX_UPDATE_BYTES)
            return Response(status_code=413)
        try:
            update = json.loads(body)
        except ValueError:
            update = None
        if not is_update(update):
            log.warning("webhook: body is not a Telegram update, refused")
            return Response(status_code=400)
        new = await receive(app, [update])  # durable before Telegram hears 200; a failure here answers 500
        log.debug("webhook: update stored", extra={"update_id": update["update_id"], "new": bool(new)})
        on_update()
        return Response(status_code=200)

    routes = [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics_page, methods=["GET"])]
    if webhook_path is not None:
        routes.append(Route(webhook_path, webhook, methods=["POST"]))
    return Starlette(routes=routes)
