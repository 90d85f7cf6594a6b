"""Turn domain errors into user text, modal field errors and ephemeral messages."""

from __future__ import annotations

from typing import Any

from handlers.ui import kit
from handlers.ui.i18n import escape, t
from storage.errors import DomainError, DuplicateCustomer, FieldError, FieldErrors
from storage.vocab import TouchKind

QUOTED_MAX = 80


def _params(locale: str, err: DomainError) -> dict[str, Any]:
    # User text quoted back is kept short: the message is about the field, not an echo.
    params: dict[str, Any] = {
        k: escape(kit.clip(v, QUOTED_MAX)) if isinstance(v, str) else v
        for k, v in err.params.items()
    }
    if err.field:
        params.setdefault("label", t(locale, f"label.{err.field}"))
    if "kinds" in params:
        params["kinds"] = kinds_list(locale)
    if isinstance(err, DuplicateCustomer):
        phone = err.params.get("phone")
        params["phone_note"] = (
            t(locale, "error.duplicate_phone_note", phone=phone) if err.field == "phone" else ""
        )
    return params


def kinds_list(locale: str) -> str:
    """The touch kinds a rep can type, in the rep's language."""
    if locale == "en":
        return ", ".join(TouchKind)
    return "、".join(f"{t(locale, f'kind.{k}')}（{k}）" for k in TouchKind)


def error_lines(locale: str, err: DomainError) -> list[str]:
    """One sentence per problem, each naming the field and the fix."""
    if isinstance(err, FieldErrors):
        return [line for e in err.errors for line in error_lines(locale, e)]
    return [t(locale, err.code, **_params(locale, err))]


def error_text(locale: str, err: DomainError) -> str:
    return "\n".join(error_lines(locale, err))


def unexpected_text(locale: str, ref: str) -> str:
    return t(locale, "error.unexpected", ref=ref)


def view_errors(locale: str, err: DomainError, block_ids: list[str]) -> dict[str, str]:
    """Map errors to modal input blocks; errors on a field the modal lacks go on the first."""
    found: dict[str, list[str]] = {}
    fallback = block_ids[0] if block_ids else "customer"
    items = err.errors if isinstance(err, FieldErrors) else [err]
    for e in items:
        block = e.field if e.field in block_ids else fallback
        found.setdefault(block, []).extend(error_lines(locale, e))
    return {block: kit.clip(" ".join(lines), 2000) for block, lines in found.items()}


def error_message(
    locale: str,
    text: str,
    *,
    usage: str | None = None,
    form_button: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An ephemeral refusal: what is wrong, the usage, and a button to the form."""
    blocks = [kit.section(f":warning: {text}")]
    if usage:
        blocks.append(kit.context(t(locale, "error.usage", usage=usage)))
    if form_button:
        blocks.append(kit.actions(form_button))
    return kit.message(text, blocks)


__all__ = ["FieldError", "error_lines", "error_message", "error_text", "view_errors"]
