"""What the webhook does with oversized bodies and out-of-range update ids (issue 12), on uvicorn over loopback.

For each case: the status, how long the answer took, how many body bytes the client had sent when it came,
and the server process's RSS growth. The body cap is bot.web.MAX_UPDATE_BYTES (1 MB).

    .venv/bin/python bench/webhook_body.py [--mb 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import machine, report, rss_mb

from bot.sandbox.harness import Sandbox
from bot.web import SECRET_HEADER, HttpServer, make_web_app

SECRET = "bench-webhook-secret-of-32-characters-or-more"  # noqa: S105  (a local bench)
CHUNK = b"x" * 65536


def head(port: int, extra: str) -> bytes:
    return (
        f"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{SECRET_HEADER}: {SECRET}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


async def send(port: int, extra: str, body: bytes | None, limit: int) -> dict[str, Any]:
    """Send the head, then `body` once (or, if None, 64 KB chunks until the answer comes or `limit` bytes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    rss0, sent, started = rss_mb(), 0, time.perf_counter()
    writer.write(head(port, extra))
    answer = asyncio.ensure_future(reader.readline())
    if body is not None:
        writer.write(body)
        sent = len(body)
    while body is None and not answer.done() and sent < limit:
        writer.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
        sent += len(CHUNK)
        try:
            await asyncio.wait_for(writer.drain(), 5)
        except (ConnectionError, TimeoutError):
            break
    try:
        line = await asyncio.wait_for(answer, 30)
        status = int(line.split()[1]) if line else 0
    except TimeoutError:
        status = 0
    seconds = time.perf_counter() - started
    writer.close()
    return {"status": status, "ms": round(seconds * 1000, 1), "client_sent_mb": round(sent / 1e6, 2),
            "rss_growth_mb": round(rss_mb() - rss0, 1)}  # fmt: skip


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--mb", type=int, default=200, help="how much an endless chunked body may send at most")
    args = p.parse_args()
    info = await machine()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        async with Sandbox(database_url=url, start=datetime.now(UTC)) as sb:
            web = make_web_app(sb.app, webhook_path="/telegram", secret=SECRET)
            server = await HttpServer.start(web, "127.0.0.1", 0)
            port = server.port
            cases: list[tuple[str, str, bytes | None]] = [
                ("10 GB declared, nothing sent", "Content-Length: 10000000000\r\n", b""),
                ("50 MB sent whole with its length", "Content-Length: 50000000\r\n", b"x" * 50_000_000),
                (f"chunked, endless (up to {args.mb} MB)", "Transfer-Encoding: chunked\r\n", None),
            ]
            for n, (name, extra, body) in enumerate(cases):
                rows.append({"case": name, **await send(port, extra, body, args.mb * 1_000_000)})
                if n == 0:
                    rows[-1]["client_sent_mb"] = 0.0
            for update_id in (2**63 - 1, 2**63):
                payload = json.dumps({"update_id": update_id}).encode()
                extra = f"Content-Length: {len(payload)}\r\n"
                rows.append({"case": f"update_id {update_id}", **await send(port, extra, payload, 0)})
            await server.stop()
    report("webhook_body", info, rows, note="status 0 = no answer within 30 s; RSS is this (client+server) process")


if __name__ == "__main__":
    asyncio.run(main())
