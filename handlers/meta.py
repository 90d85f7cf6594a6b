"""State carried through Slack: modal private_metadata and button values, as pydantic models."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from storage.errors import BadPayload
from storage.vocab import MAX_ID, MAX_NAME, TouchSource

Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]  # a JSON integer, as the bot wrote it
# Slack ids: channels C…/G…/D…, a message's "channel/ts" reference.
ChannelId = Annotated[str, StringConstraints(pattern=r"^[CGD][A-Z0-9]{1,30}$")]
SourceRef = Annotated[
    str, StringConstraints(pattern=r"^[CGD][A-Z0-9]{1,30}/[0-9]{1,12}\.[0-9]{1,8}$")
]
Key = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class _Compact(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def dump(self) -> str:
        """Serialise without defaults, to stay inside Slack's size limits."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def load(cls, raw: str | None) -> Self:
        """Read what the bot put in a button or modal; anything else is refused, not guessed."""
        try:
            return cls.model_validate_json(raw or "{}")
        except ValidationError:
            raise BadPayload() from None

    @classmethod
    def of(cls, **values: object) -> Self:
        """Build from values a Slack payload carried, refusing ones the bot never sends."""
        try:
            return cls.model_validate(values)
        except ValidationError:
            raise BadPayload() from None


class TouchModalMeta(_Compact):
    """What the touch modal remembers between open and submit."""

    source: TouchSource = TouchSource.MODAL
    source_ref: SourceRef | None = None
    channel_id: ChannelId | None = None
    from_home: bool = False  # refresh App Home after the submit


class RegisterValue(_Compact):
    """A "Register it" button: the name typed and, if it came from `/touch`, the key under
    which that command is parked."""

    name: Annotated[str, StringConstraints(max_length=MAX_NAME)] = ""
    touch_key: Key | None = None


class CustomerModalMeta(_Compact):
    """What the customer modal remembers between open and submit."""

    channel_id: ChannelId | None = None
    touch_key: Key | None = None  # a parked `/touch` to log once the customer exists
    edit_id: Id | None = None  # the customer being edited, if not a new one


class ChooseCustomerValue(_Compact):
    """A button resolving an ambiguous `/touch`: the customer, and the key under which the
    command is parked (also its request key, so a double click logs once)."""

    customer_id: Id
    key: Key


class SnoozeValue(_Compact):
    """A snooze button: the follow-up and the due date it showed."""

    id: Id
    due: date


class RecordsValue(_Compact):
    """A "Records" button: whose line, which metric and period, which page."""

    team: Id
    member: Id
    metric: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
    period: Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]  # YYYY-MM
    page: Annotated[int, Field(ge=0, le=10_000)] = 0
