"""Modal submissions parsed into typed forms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from handlers.ids import Block
from storage.customers import CustomerDraft
from storage.errors import FieldError, FieldErrors
from storage.fields import record_id
from storage.touches import TouchDraft
from storage.vocab import MAX_ID, TouchSource


def _picked_id(value: object) -> object:
    """A picker's value is the id the bot put there, in plain digits: nothing else parses."""
    if value is None:
        return value
    try:
        # A picker's selected value is always text; a number or anything else was forged.
        return record_id("customer", value if isinstance(value, str) else "")
    except FieldError:
        raise ValueError("not an id the picker offers") from None


# A picker or date field holding what no picker offers (a forged or mangled submission).
_NOT_OFFERED = "field.pick_from_list"


class _Form(BaseModel):
    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Self:
        """Parse a submitted modal; a value no input could produce is that field's error."""
        try:
            return cls.model_validate(state_values(view))
        except ValidationError as e:
            fields = dict.fromkeys(str(err["loc"][0]) for err in e.errors() if err["loc"])
            raise FieldErrors([FieldError(_NOT_OFFERED, field=f) for f in fields]) from None


def _value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "external_select"):
        option = element.get("selected_option")
        return option["value"] if option else None
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "datetimepicker":
        return element.get("selected_date_time")
    return element.get("value")


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    """Flatten `view.state.values` to {block_id: value} (each input block has one element)."""
    out: dict[str, Any] = {}
    for block_id, elements in view.get("state", {}).get("values", {}).items():
        for element in elements.values():
            out[block_id] = _value(element)
    return out


class CustomerForm(_Form):
    """The customer modal as submitted."""

    name: str | None = None
    company: str | None = None
    phone: str | None = None
    occupation: str | None = None
    segment: str | None = None
    status: str | None = None

    def draft(self) -> CustomerDraft:
        return CustomerDraft(**self.model_dump())


class TouchForm(_Form):
    """The touch modal as submitted."""

    customer: Annotated[int, BeforeValidator(_picked_id), Field(ge=1, le=MAX_ID)] | None = None
    kind: str | None = None
    when: Annotated[int, Field(ge=0, le=2**33)] | None = None  # seconds; 2242 at the latest
    note: str | None = None
    amount: str | None = None
    rating: str | None = None
    next: date | None = None

    def draft(self, source: TouchSource, source_ref: str | None) -> TouchDraft:
        return TouchDraft(
            kind=self.kind,
            customer_id=self.customer,
            occurred_at=datetime.fromtimestamp(self.when, UTC) if self.when is not None else None,
            note=self.note,
            amount=self.amount,
            rating=self.rating,
            next_followup=self.next,
            source=source,
            source_ref=source_ref,
        )


assert set(TouchForm.model_fields) | set(CustomerForm.model_fields) <= {b.value for b in Block}
