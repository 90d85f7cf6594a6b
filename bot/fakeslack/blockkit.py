"""Slack's Block Kit limits, checked the way Slack refuses payloads that break them."""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
MODAL_TITLE = 24
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
PRIVATE_METADATA = 3000
ID_LEN = 255

BLOCK_TYPES = {"section", "header", "context", "divider", "actions", "input", "image", "rich_text"}


def _text_len(obj: dict[str, Any] | None) -> int:
    return len((obj or {}).get("text", ""))


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def need(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def text_obj(self, obj: Any, where: str, limit: int, plain_only: bool = False) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
            self.problems.append(f"{where}: must be a text object")
            return
        if plain_only:
            self.need(obj["type"] == "plain_text", f"{where}: must be plain_text")
        self.need(0 < _text_len(obj) <= limit, f"{where}: text must be 1-{limit} characters")

    def option(self, opt: dict[str, Any], where: str) -> None:
        self.text_obj(opt.get("text"), f"{where}.text", OPTION_TEXT)
        self.need(
            0 < len(str(opt.get("value", ""))) <= OPTION_VALUE,
            f"{where}.value: must be 1-{OPTION_VALUE} characters",
        )

    def element(self, el: dict[str, Any], where: str) -> None:
        kind = el.get("type")
        self.need(len(el.get("action_id", "")) <= ID_LEN, f"{where}.action_id: too long")
        if kind == "button":
            self.text_obj(el.get("text"), f"{where}.text", BUTTON_TEXT, plain_only=True)
            self.need(len(el.get("value", "")) <= BUTTON_VALUE, f"{where}.value: too long")
        elif kind in ("static_select", "external_select"):
            opts = el.get("options") or []
            groups = el.get("option_groups") or []
            self.need(len(opts) <= OPTIONS, f"{where}.options: at most {OPTIONS}")
            self.need(len(groups) <= OPTIONS, f"{where}.option_groups: at most {OPTIONS}")
            if kind == "static_select":
                self.need(
                    bool(opts) != bool(groups),
                    f"{where}: needs exactly one of options or option_groups",
                )
            for i, o in enumerate(opts):
                self.option(o, f"{where}.options[{i}]")
            for g, group in enumerate(groups):
                self.text_obj(group.get("label"), f"{where}.option_groups[{g}].label", OPTION_TEXT)
                for i, o in enumerate(group.get("options") or []):
                    self.option(o, f"{where}.option_groups[{g}].options[{i}]")
            if "initial_option" in el:
                self.option(el["initial_option"], f"{where}.initial_option")
        elif kind == "plain_text_input":
            max_len = el.get("max_length", 3000)
            self.need(1 <= max_len <= 3000, f"{where}.max_length: must be 1-3000")
            self.need(
                len(el.get("initial_value", "")) <= max_len,
                f"{where}.initial_value: longer than max_length",
            )
        elif kind == "datetimepicker":
            self.need(
                isinstance(el.get("initial_date_time", 0), int),
                f"{where}.initial_date_time: must be a UNIX timestamp",
            )
        elif kind not in (
            "datepicker",
            "timepicker",
            "overflow",
            "users_select",
            "checkboxes",
            "radio_buttons",
            "image",
        ):
            self.problems.append(f"{where}: unsupported element type {kind!r}")

    def block(self, block: dict[str, Any], where: str) -> None:
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.problems.append(f"{where}: unknown block type {kind!r}")
            return
        self.need(len(block.get("block_id", "")) <= ID_LEN, f"{where}.block_id: too long")
        if kind == "section":
            if "text" in block:
                self.text_obj(block["text"], f"{where}.text", SECTION_TEXT)
            fields = block.get("fields") or []
            self.need("text" in block or fields, f"{where}: needs text or fields")
            self.need(len(fields) <= 10, f"{where}.fields: at most 10")
            for i, f in enumerate(fields):
                self.text_obj(f, f"{where}.fields[{i}]", 2000)
            if "accessory" in block:
                self.element(block["accessory"], f"{where}.accessory")
        elif kind == "header":
            self.text_obj(block.get("text"), f"{where}.text", 150, plain_only=True)
        elif kind == "context":
            els = block.get("elements") or []
            self.need(0 < len(els) <= 10, f"{where}.elements: 1-10 required")
            for i, e in enumerate(els):
                if e.get("type") != "image":
                    self.text_obj(e, f"{where}.elements[{i}]", SECTION_TEXT)
        elif kind == "actions":
            els = block.get("elements") or []
            self.need(0 < len(els) <= 25, f"{where}.elements: 1-25 required")
            ids = [e.get("action_id") for e in els if e.get("action_id")]
            self.need(len(ids) == len(set(ids)), f"{where}: duplicate action_id")
            for i, e in enumerate(els):
                self.element(e, f"{where}.elements[{i}]")
        elif kind == "input":
            self.text_obj(block.get("label"), f"{where}.label", 2000, plain_only=True)
            if "hint" in block:
                self.text_obj(block["hint"], f"{where}.hint", 2000, plain_only=True)
            if "element" not in block:
                self.problems.append(f"{where}: input needs an element")
            else:
                self.element(block["element"], f"{where}.element")

    def blocks(self, blocks: list[dict[str, Any]], limit: int) -> None:
        self.need(len(blocks) <= limit, f"blocks: {len(blocks)} given, at most {limit}")
        ids = [b["block_id"] for b in blocks if "block_id" in b]
        self.need(len(ids) == len(set(ids)), "blocks: duplicate block_id")
        for i, b in enumerate(blocks):
            self.block(b, f"blocks[{i}]")


def message_problems(payload: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a message (chat.postMessage, response_url, slash ack)."""
    c = _Checker()
    blocks = payload.get("blocks")
    c.need(bool(payload.get("text")) or bool(blocks), "message: needs text or blocks")
    if blocks is not None:
        c.blocks(blocks, MESSAGE_BLOCKS)
    return c.problems


def view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a modal or Home tab view."""
    c = _Checker()
    kind = view.get("type")
    c.need(kind in ("modal", "home"), f"view.type: {kind!r} is not modal or home")
    c.blocks(view.get("blocks") or [], VIEW_BLOCKS)
    c.need(
        len(view.get("private_metadata", "")) <= PRIVATE_METADATA,
        f"private_metadata: at most {PRIVATE_METADATA} characters",
    )
    c.need(len(view.get("callback_id", "")) <= ID_LEN, "callback_id: too long")
    if kind == "modal":
        c.text_obj(view.get("title"), "title", MODAL_TITLE, plain_only=True)
        for key in ("submit", "close"):
            if key in view:
                c.text_obj(view[key], key, 24, plain_only=True)
        has_input = any(b.get("type") == "input" for b in view.get("blocks") or [])
        c.need(not has_input or "submit" in view, "submit: required when the view has inputs")
    return c.problems


def options_problems(payload: dict[str, Any]) -> list[str]:
    """What Slack would refuse in an options (block_suggestion) response."""
    c = _Checker()
    opts = payload.get("options") or []
    c.need(len(opts) <= OPTIONS, f"options: at most {OPTIONS}")
    for i, o in enumerate(opts):
        c.option(o, f"options[{i}]")
    return c.problems
