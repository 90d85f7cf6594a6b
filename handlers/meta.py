"""State carried through Slack: modal private_metadata and button values, as pydantic models."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from storage.vocab import TouchSource


class _Compact(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def dump(self) -> str:
        """Serialise without defaults, to stay inside Slack's size limits."""
        return self.model_dump_json(exclude_defaults=True)


class TouchModalMeta(_Compact):
    """What the touch modal remembers between open and submit."""

    source: TouchSource = TouchSource.MODAL
    source_ref: str | None = None
    channel_id: str | None = None
    from_home: bool = False  # refresh App Home after the submit


class RegisterValue(_Compact):
    """A "Register it" button: the name typed and, if it came from `/touch`, the key under
    which that command is parked."""

    name: str = ""
    touch_key: str | None = None


class CustomerModalMeta(_Compact):
    """What the customer modal remembers between open and submit."""

    channel_id: str | None = None
    touch_key: str | None = None  # a parked `/touch` to log once the customer exists
    edit_id: int | None = None  # the customer being edited, if not a new one


class ChooseCustomerValue(_Compact):
    """A button resolving an ambiguous `/touch`: the customer, and the key under which the
    command is parked (also its request key, so a double click logs once)."""

    customer_id: int
    key: str


class SnoozeValue(_Compact):
    """A snooze button: the follow-up and the due date it showed."""

    id: int
    due: date


class RecordsValue(_Compact):
    """A "Records" button: whose line, which metric and period, which page."""

    team: int
    member: int
    metric: str
    period: str  # YYYY-MM
    page: int = 0
