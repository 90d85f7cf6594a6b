"""Modal submissions parsed into typed forms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from handlers.ids import Block
from storage.customers import CustomerDraft
from storage.touches import TouchDraft
from storage.vocab import TouchSource


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


class CustomerForm(BaseModel):
    """The customer modal as submitted."""

    name: str | None = None
    company: str | None = None
    phone: str | None = None
    occupation: str | None = None
    segment: str | None = None
    status: str | None = None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> CustomerForm:
        return cls.model_validate(state_values(view))

    def draft(self) -> CustomerDraft:
        return CustomerDraft(**self.model_dump())


class TouchForm(BaseModel):
    """The touch modal as submitted."""

    customer: int | None = None
    kind: str | None = None
    when: int | None = None
    note: str | None = None
    amount: str | None = None
    rating: str | None = None
    next: date | None = None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> TouchForm:
        return cls.model_validate(state_values(view))

    def draft(self, source: TouchSource, source_ref: str | None) -> TouchDraft:
        return TouchDraft(
            kind=self.kind,
            customer_id=self.customer,
            occurred_at=datetime.fromtimestamp(self.when, UTC) if self.when else None,
            note=self.note,
            amount=self.amount,
            rating=self.rating,
            next_followup=self.next,
            source=source,
            source_ref=source_ref,
        )


assert set(TouchForm.model_fields) | set(CustomerForm.model_fields) <= {b.value for b in Block}
