"""The small web app: Telegram's webhook (secret checked, update stored, then 200), /healthz, /metrics."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
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
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response(status_code=413)
        try:
            update = json.loads(body)
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
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
