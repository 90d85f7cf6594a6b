"""User-facing text by feature: each key once, with its English and Chinese side by side.

Every module here defines `TEXT: dict[str, tuple[str, str]]`, mapping a key to its text
in each of `handlers.ui.i18n.LOCALES` (English, then Simplified Chinese). A key belongs to
exactly one module; `handlers.ui.i18n` joins them into one catalogue per language.
"""

from __future__ import annotations

from handlers.ui.text import (
    admin,
    customers,
    errors,
    fields,
    followups,
    forms,
    help,
    home,
    records,
    scores,
    touches,
)

FEATURES = (
    fields,
    forms,
    errors,
    customers,
    touches,
    followups,
    home,
    help,
    scores,
    records,
    admin,
)
