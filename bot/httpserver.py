"""uvicorn inside the bot's own event loop, on a socket bound here so that a busy port is a clear error."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette


class ListenError(RuntimeError):
    pass


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
