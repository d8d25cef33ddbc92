"""Issue 17 (memory): the bot's two Telegram clients (sends, and getUpdates) share one TLS context, loaded once
with httpx's default verification (certifi's CA bundle: ~0.8 MB each when each loads its own), and keep the
pools and timeouts ApplicationBuilder would give them."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from bot.app import CONNECTION_POOL, POOL_TIMEOUT, build_application, build_services
from bot.settings import Settings

TOKEN = "123456789:AAtest-token-for-the-http-stand-in-only"


def pool(request: Any) -> Any:
    return request._client._transport._pool


def test_the_send_and_poll_clients_share_one_verifying_tls_context(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", telegram_bot_token=TOKEN)
    app = build_application(build_services(settings))
    polling, sending = app.bot._request
    context = pool(sending)._ssl_context
    assert pool(polling)._ssl_context is context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded
    assert pool(sending)._max_connections == CONNECTION_POOL and pool(polling)._max_connections == 1
    assert sending._client.timeout.pool == POOL_TIMEOUT and polling._client.timeout.pool == 1.0
