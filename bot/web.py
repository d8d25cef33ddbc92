"""The bot's HTTP side: the small web app (Telegram's webhook: secret checked, update stored, then 200;
/healthz, /metrics), registering the webhook and draining the inbox it fills, and uvicorn inside the bot's own
event loop on a socket bound here (a busy port is a clear error)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
from collections.abc import Callable, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram.ext import Application

from bot import metrics
from bot.cli_errors import ListenError
from bot.context import services_of
from bot.health import health, snapshot
from bot.inbox import drain, receive
from storage.updates import ALLOWED_UPDATES

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


IDLE_SECONDS = 5.0  # drain at least this often even if no request woke us (another process stored updates)


async def set_webhook(app: Application) -> None:  # type: ignore[type-arg]
    settings = services_of(app.bot_data).settings
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise RuntimeError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    await app.bot.set_webhook(
        url=settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=list(ALLOWED_UPDATES),  # only the kinds the handlers take
        drop_pending_updates=False,
    )
    log.info("webhook set", extra={"url": settings.webhook_url})


class Drainer:
    """Processes the inbox after each webhook request (woken), and every few seconds anyway."""

    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.app = app
        self.woken = asyncio.Event()

    def wake(self) -> None:
        self.woken.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: the update being processed when it is set is finished, the rest waits in the inbox."""
        while not stop.is_set():
            self.woken.clear()
            try:
                await drain(self.app)
            except Exception:  # the database may be away for a moment; the inbox keeps the updates
                log.exception("draining the inbox failed; retrying")
            waiters = {asyncio.ensure_future(self.woken.wait()), asyncio.ensure_future(stop.wait())}
            await asyncio.wait(waiters, timeout=IDLE_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """The bot owns SIGTERM and SIGINT (it stops the tick and the server in order); uvicorn must not."""
        yield


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it: no Nagle delays
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port} (LISTEN/PORT): {exc.strerror}") from exc
    return sock


class HttpServer:
    """`await HttpServer.start(web, host, port)`, later `await server.stop()` (in-flight requests finish)."""

    def __init__(self, server: uvicorn.Server, task: asyncio.Task[None], sock: socket.socket) -> None:
        self.server, self.task, self.sock = server, task, sock
        self.port: int = sock.getsockname()[1]

    @classmethod
    async def start(cls, web: Starlette, host: str, port: int) -> HttpServer:
        sock = bind(host, port)
        config = uvicorn.Config(web, log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=5)
        server = _Server(config)
        task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                sock.close()
                task.result()
                raise ListenError(f"the HTTP server on {host}:{port} did not start")
            await asyncio.sleep(0.01)
        return cls(server, task, sock)

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        self.sock.close()
