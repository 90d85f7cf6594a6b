"""Block Kit primitives that keep every piece inside Slack's size limits."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

SECTION_TEXT_MAX = 3000
PLAIN_TEXT_MAX = 75  # buttons, options
MODAL_TITLE_MAX = 24


def clip(text: str, limit: int) -> str:
    """Shorten text to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = PLAIN_TEXT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}


def section(
    text: str, accessory: dict[str, Any] | None = None, block_id: str | None = None
) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str | None = None, style: str | None = None
) -> dict[str, Any]:
    el: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id}
    if value is not None:
        el["value"] = value[:2000]
    if style:
        el["style"] = style
    return el


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value[:150]}


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str | None = None,
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str | None = None,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": plain(title, MODAL_TITLE_MAX),
        "blocks": blocks,
    }
    if callback_id:
        view["callback_id"] = callback_id
    if submit:
        view["submit"] = plain(submit, 24)
    if close:
        view["close"] = plain(close, 24)
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message payload: fallback text for notifications plus blocks."""
    return {"text": clip(text, 3000), "blocks": blocks[:50]}
