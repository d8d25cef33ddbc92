"""Settings from the environment, validated once at start-up (fail fast, never print the token)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.engine import normalise_url

TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")


class Settings(BaseSettings):
    """Every setting the code reads; deploy/.env.example documents each one."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = Field(default=None, description="Bot token from @BotFather")
    database_url: str = Field(default="sqlite:///./b12bot.db", description="SQLite file or PostgreSQL URL")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", description="Bot API base URL (a local Bot API server)"
    )
    bot_username: str | None = Field(default=None, description="Bot username for links, without @")
    b12bot_protocol_file: Path | None = Field(default=None, description="TOML overrides of the protocol")
    b12bot_tick_seconds: float = Field(default=5.0, ge=0.5, le=300, description="Dispatcher tick interval")
    b12bot_rate_limiter: bool = Field(default=True, description="Use AIORateLimiter (keep on in production)")
    b12bot_invite_days: int = Field(default=14, ge=1, le=90, description="Invite links expire after this")
    b12bot_log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:secret from @BotFather)")
        return value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        return normalise_url(value)

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
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", value):
            raise ValueError("BOT_USERNAME must be a Telegram bot username like clinic_b12_bot")
        return value

    @field_validator("b12bot_log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("B12BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        return value

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None
