"""Settings from the environment, validated once at start-up (fail fast, never print the token)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.engine import checked_url

TOKEN_PATTERN = re.compile(r"[0-9]{3,20}:[A-Za-z0-9_-]{30,}")
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,256}")  # Telegram allows 1-256; fewer than 32 is guessable
RESERVED_PATHS = ("/healthz", "/metrics")
AUDIT_KEY_MIN = 32


class Settings(BaseSettings):
    """Every setting the code reads; deploy/.env.example documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, env_ignore_empty=True, hide_input_in_errors=True
    )  # hide_input_in_errors: a bad value (a URL with its password, a token) is never echoed in the error

    telegram_bot_token: SecretStr | None = Field(default=None, description="Bot token from @BotFather")
    database_url: SecretStr = Field(
        default=SecretStr("sqlite:///./b12bot.db"),
        validate_default=True,
        description="SQLite file or PostgreSQL URL (may hold a password: read it with `db_url`)",
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", description="Bot API base URL (a local Bot API server)"
    )
    bot_username: str | None = Field(default=None, description="Bot username for links, without @")
    b12bot_protocol_file: Path | None = Field(default=None, description="TOML overrides of the protocol")
    b12bot_tick_seconds: float = Field(default=5.0, ge=0.5, le=300, description="Dispatcher tick interval")
    b12bot_rate_limiter: bool = Field(default=True, description="Use AIORateLimiter (keep on in production)")
    b12bot_invite_days: int = Field(default=14, ge=1, le=90, description="Invite links expire after this")
    b12bot_inbox_retention_days: int = Field(
        default=30, ge=1, le=3650, description="Handled inbox rows are deleted after this many days"
    )
    b12bot_log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    b12bot_log_format: Literal["json", "text"] | None = Field(
        default=None, description="json (one JSON object per line) or text; default json for `run`, text otherwise"
    )
    b12bot_mode: Literal["polling", "webhook"] = Field(
        default="polling", description="How `b12bot run` receives updates; `run --webhook` forces webhook"
    )
    webhook_url: str | None = Field(default=None, description="Public https URL Telegram posts updates to")
    webhook_secret: SecretStr | None = Field(default=None, description="secret_token Telegram sends in a header")
    listen: str = Field(default="127.0.0.1", description="Address the HTTP server binds (0.0.0.0 in containers)")
    port: int = Field(default=8080, ge=1, le=65535, description="Port of the webhook, /healthz and /metrics")
    b12bot_http_port: int | None = Field(
        default=None, ge=1, le=65535, description="Polling mode: serve /healthz and /metrics on this port"
    )
    b12bot_audit_key: SecretStr | None = Field(
        default=None, description="At least 32 characters: the audit chain becomes an HMAC under this key"
    )

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if not TOKEN_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:secret from @BotFather)")
        return value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: SecretStr) -> SecretStr:
        return SecretStr(checked_url(value.get_secret_value()))

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("TELEGRAM_API_BASE_URL must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        value = value.removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]", value):
            raise ValueError("BOT_USERNAME must be a Telegram bot username (5-32 characters, ending in 'bot')")
        return value

    @field_validator("b12bot_log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("B12BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("WEBHOOK_URL must be an https:// URL (Telegram posts only to HTTPS)")
        if parts.path.rstrip("/") in RESERVED_PATHS:
            raise ValueError("WEBHOOK_URL's path must not be /healthz or /metrics")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if not SECRET_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError(
                "WEBHOOK_SECRET must be at least 32 (at most 256) characters of A-Z, a-z, 0-9, _ and -; "
                "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("b12bot_audit_key")
    @classmethod
    def _audit_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if len(value.get_secret_value()) < AUDIT_KEY_MIN:
            raise ValueError(
                f"B12BOT_AUDIT_KEY must be at least {AUDIT_KEY_MIN} characters; "
                "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @property
    def webhook_path(self) -> str:
        """The local path the webhook listens on: the path of WEBHOOK_URL (a proxy passes it unchanged)."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def db_url(self) -> str:
        """The database URL with its password: for the engine only (show `storage.engine.masked` instead)."""
        return self.database_url.get_secret_value()

    @property
    def audit_key(self) -> bytes | None:
        return self.b12bot_audit_key.get_secret_value().encode() if self.b12bot_audit_key else None

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None
