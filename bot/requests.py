"""Check what arrives from Slack before bolt sees it: signature, encoding, then shape.

An HTTP request is verified on its raw bytes first (HMAC-SHA256 of `v0:{timestamp}:{body}`
with the signing secret, compared in constant time, the timestamp an integer within five
minutes): a bad or missing signature is `401`. Only then is the body decoded (UTF-8, no
repeated form fields, JSON objects only) and its shape checked against what Slack sends for
that kind of request: a malformed signed body is `400`. Socket Mode envelopes, which the
WebSocket already authenticates, go through the same parsing and shape checks. A refused
request is logged as a bounded summary and never reaches bolt, so neither bolt nor a
listener meets a body it was not written for, and bolt never logs one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yarl
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

log = logging.getLogger("crmpay.requests")

MAX_BODY = 1024 * 1024  # Slack's largest requests (a full modal's state) are far smaller.
MAX_EVENT_BODY = 64 * 1024  # app_home_opened and url_verification are under 2 kB
MAX_SKEW = 5 * 60  # Slack's advice: refuse a timestamp more than five minutes off.
MAX_FIELDS = 64  # a slash command has about fifteen form fields
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# The kinds of delivery, named as Socket Mode names them.
COMMAND, INTERACTIVE, EVENT, SSL_CHECK = "slash_commands", "interactive", "events_api", "ssl"


class Refused(Exception):
    """A request that must not reach bolt: `status` is the answer, `reason` says why."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.error = error
        self.reason = reason


def _unsigned(reason: str) -> Refused:
    return Refused(401, "invalid_request", reason)


def _malformed(reason: str) -> Refused:
    return Refused(400, "malformed_request", reason)


@dataclass(frozen=True)
class Delivery:
    """A checked request: its kind, its payload, and the payload as JSON for bolt."""

    kind: str
    payload: dict[str, Any]
    json: str


# -- HTTP ----------------------------------------------------------------------------------


def verify_signature(
    secret: bytes, timestamp: str | None, signature: str | None, raw: bytes, now: float
) -> None:
    """Refuse (401) unless `signature` signs `raw` with `secret` at a fresh `timestamp`."""
    if not timestamp or not signature:
        raise _unsigned("missing X-Slack-Request-Timestamp or X-Slack-Signature")
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        raise _unsigned("timestamp is not an integer")
    if abs(now - int(timestamp)) > MAX_SKEW:
        raise _unsigned("timestamp is more than five minutes off")
    mac = hmac.new(secret, b"v0:" + timestamp.encode() + b":", hashlib.sha256)
    mac.update(raw)
    expected = b"v0=" + mac.hexdigest().encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        raise _unsigned("signature does not match")


def decode(raw: bytes, content_type: str) -> Delivery:
    """Decode and shape-check a signed body, or raise `Refused` (400 or 415)."""
    kind, payload = parse_body(raw, content_type)
    return Delivery(kind, payload, check_payload(kind, payload))


def parse_body(raw: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """Decode a signed body as Slack sends it: events as JSON, the rest as a form."""
    if content_type not in (JSON, FORM):
        raise Refused(415, "unsupported_media_type", "content type is not JSON or a form")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("body is not UTF-8") from None
    if content_type == JSON:
        if len(raw) > MAX_EVENT_BODY:
            # Events this app subscribes to are a few kB; a large JSON body costs the event
            # loop its parsing (here and in bolt) for nothing.
            raise Refused(413, "body_too_large", f"event body over {MAX_EVENT_BODY} bytes")
        return EVENT, _json_object(body, "body")
    pairs = _form_pairs(body)
    form = dict(pairs)
    if len(form) != len(pairs):
        raise _malformed("a form field is repeated")
    if "payload" in form:
        return INTERACTIVE, _json_object(form["payload"], "payload")
    if "ssl_check" in form:
        return SSL_CHECK, form
    return COMMAND, form


def _form_pairs(body: str) -> list[tuple[str, str]]:
    """Split and percent-decode a form strictly: every field `name=value`, UTF-8 escapes.

    yarl decodes in C: `urllib.parse.parse_qsl` takes a quarter of a second, on the event
    loop, for a megabyte of escapes, which one signed request could make everyone wait for.
    """
    if not body:
        return []
    fields = body.split("&")
    if len(fields) > MAX_FIELDS:
        raise _malformed("too many form fields")
    if any("=" not in f for f in fields):
        raise _malformed("body is not a form")
    pairs = list(yarl.URL.build(query_string=body, encoded=True).query.items())
    # yarl reads escapes that are not UTF-8 as U+FFFD: any it made means a malformed body.
    made = sum(k.count("\ufffd") + v.count("\ufffd") for k, v in pairs)
    if made > body.count("\ufffd") + body.upper().count("%EF%BF%BD"):
        raise _malformed("form escapes are not UTF-8")
    return pairs


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise _malformed(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise _malformed(f"{what} is not a JSON object")
    return value


# -- shape ---------------------------------------------------------------------------------


def check_payload(kind: str, payload: Any) -> str:
    """Check a payload's shape for its kind; return it as JSON text, or raise `Refused(400)`."""
    if not isinstance(payload, dict):
        raise _malformed("payload is not an object")
    try:
        _SHAPES[kind].validate_python(payload)
    except KeyError:
        raise _malformed(f"not a kind of request Slack sends: {kind!r:.40}") from None
    except ValidationError as e:
        raise _malformed(_first_problem(e)) from None
    text = json.dumps(payload, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _malformed("text holds lone surrogates, not Unicode") from None
    return text


def _first_problem(e: ValidationError) -> str:
    err = e.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part)[:40] for part in err["loc"]) or "payload"
    return f"{where}: {err['msg']}"[:200]


Id = Annotated[str, StringConstraints(min_length=1, max_length=255)]
# Workspace, enterprise and user ids (T…, E…, U…, W…, B…), stored as they are in 32 characters.
SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,32}$")]
_NOT_NULL = ("view", "event", "actions", "response_url", "response_urls")


class _Shape(BaseModel):
    """Types only; Slack adds fields over time, so unknown ones pass."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Ref(_Shape):
    id: Id


class _Account(_Shape):
    id: SlackId


class _User(_Account):
    team_id: SlackId | None = None


class _Authorization(_Shape):
    enterprise_id: SlackId | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    is_enterprise_install: bool | None = None


class _ResponseUrl(_Shape):
    response_url: str


class _Context(_Shape):
    """What bolt reads from every request to build its context, typed as Slack sends it."""

    @model_validator(mode="before")
    @classmethod
    def _present_means_set(cls, data: Any) -> Any:
        # Bolt takes these keys' presence to mean a value: `"view": null` would crash it.
        if isinstance(data, dict):
            for key in _NOT_NULL:
                if key in data and data[key] is None:
                    raise ValueError(f"{key} is null")
        return data

    team: _Account | SlackId | None = None
    user: _User | SlackId | None = None
    channel: _Ref | Id | None = None
    enterprise: _Account | SlackId | None = None
    authorizations: list[_Authorization] | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | None = None
    enterprise_id: SlackId | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None
    channel_id: str | None = None
    response_url: str | None = None
    response_urls: list[_ResponseUrl] | None = None
    trigger_id: str | None = None
    thread_ts: str | None = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    event: dict[str, Any] | None = None
    view: _View | None = None


class _Command(_Context):
    command: Annotated[str, StringConstraints(pattern=r"^/[^\s/]{1,31}$")]
    team_id: SlackId
    user_id: SlackId
    trigger_id: Id
    response_url: str
    text: str = ""


class _SslCheck(_Shape):
    ssl_check: str


class _Option(_Shape):
    value: str


class _Block(_Shape):
    type: str
    block_id: str | None = None

    @model_validator(mode="after")
    def _input_has_id(self) -> _Block:
        if self.type == "input" and not self.block_id:
            raise ValueError("an input block needs a block_id")
        return self


class _View(_Shape):
    id: Id
    type: Id  # bolt reads it to tell a workflow step's view from a modal
    callback_id: str | None = None
    hash: str | None = None
    private_metadata: str | None = None
    blocks: list[_Block] | None = None
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None


class _Element(_Shape):
    type: str
    value: str | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None
    selected_date: str | None = None
    selected_time: str | None = None
    selected_date_time: int | None = None


class _State(_Shape):
    values: dict[str, dict[str, _Element]]


class _SubmittedView(_View):
    callback_id: Id
    blocks: list[_Block]
    state: _State


class _Interactive(_Context):
    user: _User
    team: _Account | None

    @model_validator(mode="after")
    def _team_known(self) -> _Interactive:
        if self.team is None and not self.user.team_id:
            raise ValueError("neither team nor user.team_id says which workspace")
        return self


class _Action(_Shape):
    action_id: Id
    type: str
    block_id: str | None = None
    value: str | None = None
    selected_option: _Option | None = None


class _BlockActions(_Interactive):
    type: Literal["block_actions"]
    actions: list[_Action] = Field(min_length=1, max_length=10)
    trigger_id: Id
    view: _View | None = None


class _ViewSubmission(_Interactive):
    type: Literal["view_submission"]
    view: _SubmittedView


class _ViewClosed(_Interactive):
    type: Literal["view_closed"]
    view: _View


class _BlockSuggestion(_Interactive):
    type: Literal["block_suggestion"]
    action_id: Id
    block_id: str | None = None
    value: str
    view: _View | None = None


class _Shortcut(_Interactive):
    type: Literal["shortcut"]
    callback_id: Id
    trigger_id: Id


class _Message(_Shape):
    ts: Id
    text: str = ""
    user: str | None = None


class _MessageAction(_Interactive):
    type: Literal["message_action"]
    callback_id: Id
    trigger_id: Id
    channel: _Ref
    message: _Message


class _Event(_Shape):
    type: Id
    user: _User | SlackId | None = None
    channel: _Ref | Id | None = None
    item: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _home_has_user(self) -> _Event:
        if self.type == "app_home_opened" and not isinstance(self.user, str):
            raise ValueError("app_home_opened needs the user's id")
        return self


class _EventCallback(_Context):
    type: Literal["event_callback"]
    team_id: SlackId
    event: _Event


class _UrlVerification(_Shape):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class _RateLimited(_Context):
    type: Literal["app_rate_limited"]
    team_id: SlackId


_SHAPES: dict[str, TypeAdapter[Any]] = {
    COMMAND: TypeAdapter(_Command),
    SSL_CHECK: TypeAdapter(_SslCheck),
    INTERACTIVE: TypeAdapter(
        Annotated[
            _BlockActions
            | _ViewSubmission
            | _ViewClosed
            | _BlockSuggestion
            | _Shortcut
            | _MessageAction,
            Field(discriminator="type"),
        ]
    ),
    EVENT: TypeAdapter(
        Annotated[
            _EventCallback | _UrlVerification | _RateLimited,
            Field(discriminator="type"),
        ]
    ),
}


# -- logging -------------------------------------------------------------------------------

_SECRET_VALUE = re.compile(rb"""(token["']?\s*[=:]\s*["']?)[^&"'\s,}]*""", re.IGNORECASE)


def log_refusal(
    where: str,
    status: int | str,
    reason: str,
    *,
    content_type: str | None = None,
    length: int | None = None,
    head: bytes = b"",
) -> None:
    """Log a refused request in one bounded line: never its body, at most its first bytes.

    A signed request Slack would not send (400) is a warning; strangers' requests are not.
    """
    log.log(
        logging.WARNING if status == 400 else logging.INFO,
        "refused %s request: %s %s; content type %.60r, %s bytes, starting %r",
        where,
        status,
        reason[:200],
        content_type,
        "unknown" if length is None else length,
        _SECRET_VALUE.sub(rb"\1***", head[:32]),
    )
