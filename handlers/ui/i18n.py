"""User-facing text in English and Simplified Chinese, plus locale-aware formatting.

The text itself lives by feature in `handlers.ui.text`; this module joins it into one
catalogue per locale and looks keys up.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.numbers import format_currency

from handlers.ui.text import FEATURES

LOCALES = ("en", "zh")
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}


def _catalogues() -> dict[str, dict[str, str]]:
    """One lookup per locale, joined from the feature modules of `handlers.ui.text`."""
    out: dict[str, dict[str, str]] = {locale: {} for locale in LOCALES}
    for feature in FEATURES:
        for key, texts in feature.TEXT.items():
            if key in out["en"]:
                raise ValueError(f"text {key!r} is defined twice ({feature.__name__})")
            for locale, text in zip(LOCALES, texts, strict=True):
                out[locale][key] = text
    return out


CATALOGUES = _catalogues()
EN = CATALOGUES["en"]
ZH = CATALOGUES["zh"]


def normalise_locale(value: str | None) -> str:
    """Map a Slack locale such as `zh-CN` or `en-US` to a supported catalogue."""
    if value and value.lower().replace("_", "-").startswith("zh"):
        return "zh"
    return "en"


def t(locale: str, key: str, **params: object) -> str:
    """Return the message `key` in `locale`, falling back to English."""
    template = CATALOGUES.get(locale, EN).get(key) or EN[key]
    return template.format(**params) if params else template


def escape(text: str) -> str:
    """Escape user text for Slack mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt_datetime(locale: str, value: datetime, tz: str) -> str:
    """Format a timestamp in the user's time zone, e.g. `Nov 23, 14:05`."""
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_skeleton('MMMd', local, locale=BABEL_LOCALE[locale])} {local:%H:%M}"


def fmt_date(locale: str, value: date) -> str:
    """Format a date with its weekday, e.g. `Tue, Dec 1, 2026`."""
    return format_skeleton("yMMMEd", value, locale=BABEL_LOCALE[locale])


def fmt_money(locale: str, minor: int, currency: str) -> str:
    """Format an amount held in minor units, e.g. `CN¥12,000.00`."""
    return format_currency(Decimal(minor) / 100, currency, locale=BABEL_LOCALE[locale])
