"""A metric's records folded into counts that add up: the shape kept scores are stored in.

Every metric's value is a function of its tally, and a tally is a sum over records. So a
member's month can be kept as one tally per customer and re-added when one customer's
records change; the full run and the kept one read the same `value_of`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol


class Record(Protocol):
    """What a tally reads of a record (`scoring.results.Record`)."""

    counted: bool
    reason: str
    detail: dict[str, Any]


# Not counted, but not left out either: they wait for a due date or the SLA.
PENDING = frozenset({"not_due", "waiting"})


@dataclass
class Tally:
    """Counts over a metric's records. Adding two tallies is adding their records."""

    shown: int = 0  # records listed behind the line
    skipped: int = 0  # not counted, and not merely pending
    reasons: Counter[str] = field(default_factory=Counter)  # counted records by reason
    amount_minor: int = 0  # counted orders
    csat_sum: int = 0
    csat_n: int = 0
    nps_sum: int = 0
    nps_n: int = 0
    promoters: int = 0
    detractors: int = 0
    seconds: list[float] = field(default_factory=list)  # counted answers' working seconds
    customers: int = 0  # complaints: customers with a credited touch

    @property
    def counted(self) -> int:
        return sum(self.reasons.values())

    def add(self, other: Tally, sign: int = 1) -> None:
        self.shown += sign * other.shown
        self.skipped += sign * other.skipped
        for reason, n in other.reasons.items():
            self.reasons[reason] += sign * n
            if not self.reasons[reason]:
                del self.reasons[reason]
        self.amount_minor += sign * other.amount_minor
        self.csat_sum += sign * other.csat_sum
        self.csat_n += sign * other.csat_n
        self.nps_sum += sign * other.nps_sum
        self.nps_n += sign * other.nps_n
        self.promoters += sign * other.promoters
        self.detractors += sign * other.detractors
        self.customers += sign * other.customers
        if sign > 0:
            self.seconds.extend(other.seconds)
        else:
            for s in other.seconds:
                self.seconds.remove(s)

    def copy(self) -> Tally:
        return replace(self, reasons=Counter(self.reasons), seconds=list(self.seconds))

    @property
    def empty(self) -> bool:
        return not (self.shown or self.customers)

    def add_record(self, r: Record) -> None:
        self.shown += 1
        if not r.counted:
            self.skipped += r.reason not in PENDING
            return
        self.reasons[r.reason] += 1
        d = r.detail
        if r.reason == "order":
            self.amount_minor += d.get("amount_minor") or 0
        if r.reason == "rating":
            if d.get("csat") is not None:
                self.csat_sum += d["csat"]
                self.csat_n += 1
            else:
                nps = d["nps"]
                self.nps_sum += nps
                self.nps_n += 1
                self.promoters += nps >= 9
                self.detractors += nps <= 6
        if "seconds" in d:
            self.seconds.append(d["seconds"])

    @classmethod
    def of(cls, records: list[Record], customers: int = 0) -> Tally:
        out = cls(customers=customers)
        for r in records:
            out.add_record(r)
        return out

    def dump(self) -> dict[str, Any]:
        """Only what is not zero, for storage as JSON."""
        out: dict[str, Any] = {}
        for name in (
            "shown",
            "skipped",
            "amount_minor",
            "csat_sum",
            "csat_n",
            "nps_sum",
            "nps_n",
            "promoters",
            "detractors",
            "customers",
        ):
            if value := getattr(self, name):
                out[name] = value
        if self.reasons:
            out["reasons"] = dict(sorted(self.reasons.items()))
        if self.seconds:
            out["seconds"] = sorted(self.seconds)
        return out

    @classmethod
    def load(cls, data: dict[str, Any]) -> Tally:
        return cls(
            **{k: v for k, v in data.items() if k not in ("reasons", "seconds")},
            reasons=Counter(data.get("reasons", {})),
            seconds=list(data.get("seconds", [])),
        )


def _ratio(num: int, den: int) -> Decimal | None:
    return Decimal(num) / Decimal(den) if den else None


def value_of(metric: str, t: Tally, cutoff: str = "") -> tuple[Decimal | None, dict[str, Any]]:
    """A metric's raw value (None: no data) and its detail, from its tally alone."""
    r = t.reasons
    if metric == "revenue":
        return Decimal(t.amount_minor) / 100, {}
    if metric == "new_customers":
        return Decimal(t.counted), {}
    if metric == "conversion":
        won, leads = r["converted"], t.counted
        return _ratio(won, leads), {"won": won, "leads": leads}
    if metric == "retention":
        kept, buyers = r["bought_again"], t.counted
        return _ratio(kept, buyers), {"kept": kept, "buyers": buyers}
    if metric == "satisfaction":
        detail: dict[str, Any] = {}
        if t.csat_n:
            detail["csat_avg"] = Decimal(t.csat_sum) / t.csat_n
        if t.nps_n:
            detail["nps"] = Decimal(100 * (t.promoters - t.detractors)) / t.nps_n
        n = t.csat_n + t.nps_n
        if not n:
            return None, detail
        values = Decimal(t.csat_sum - t.csat_n) / 4 + Decimal(t.nps_sum) / 10
        return values / n, detail
    if metric == "complaints":
        count = r["complaint"]
        return _ratio(count, t.customers), {"complaints": count, "customers": t.customers}
    if metric == "response_speed":
        detail = {}
        if t.seconds:
            median = statistics.median(s / 3600 for s in t.seconds)
            detail["median_hours"] = Decimal(str(round(median, 2)))
        return _ratio(r["within_sla"], t.counted), detail
    if metric == "timeliness":
        return _ratio(r["on_time"], t.counted), {"cutoff": cutoff}
    if metric == "data_quality":
        return _ratio(r["complete"], t.counted), {}
    if metric == "followups":
        return _ratio(r["done_on_time"], t.counted), {}
    raise KeyError(metric)
