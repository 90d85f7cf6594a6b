"""Settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import phonenumbers
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.exc import ArgumentError

from storage.db import async_url
from storage.fields import known_zone

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///crmpay.db"


S = TypeVar("S", bound=BaseSettings)


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line naming the variable."""


class DatabaseSettings(BaseSettings):
    """Where the data lives; all that `crmpay db upgrade` needs."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_SQLITE_URL

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, v: str) -> str:
        try:
            return async_url(v)
        except ArgumentError as e:
            raise ValueError(f"not a database URL: {e}") from None


class Settings(DatabaseSettings):
    """Everything the bot reads from its environment."""

    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    default_timezone: str = "Asia/Shanghai"
    default_locale: str = "en"
    default_phone_region: str = "CN"
    currency: str = "CNY"
    schemes_dir: Path | None = None  # extra scheme files for `/crm scheme preview <name>`

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, v: str) -> str:
        return v if v.endswith("/") else v + "/"

    _known_zone = field_validator("default_timezone")(lambda cls, v: known_zone(v))

    @field_validator("default_phone_region")
    @classmethod
    def _known_region(cls, v: str) -> str:
        v = v.upper()
        if v not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {v!r} (use an ISO 3166 code such as CN)")
        return v

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, v: str) -> str:
        from handlers.ui.i18n import normalise_locale

        if not v.lower().startswith(("en", "zh")):
            raise ValueError(f"{v!r} is not a supported language; use en or zh")
        return normalise_locale(v)


def load_settings(cls: type[S] = Settings, **overrides: object) -> S:  # type: ignore[assignment]
    """Build settings, turning a validation failure into a one-line error naming the variable."""
    try:
        return cls(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        err = e.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        if err["type"] == "missing":
            raise SettingsError(f"{name} is not set") from None
        raise SettingsError(f"{name}: {err['msg']}") from None
