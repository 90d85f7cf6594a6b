"""The ten metrics: each reads one member's records and says which counted and why."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from scoring.calendar import WorkCalendar
from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn
from scoring.results import MetricValue, Record
from scoring.scheme import Version
from scoring.tally import Tally, value_of

# Touches that reach out to the customer: any of them answers an inquiry, and these are
# what the daily cap limits.
ANSWERS = frozenset({"response", "call", "email", "message", "visit", "meeting"})
OUTREACH = ANSWERS
# Entries anyone allowed may make on someone else's customer; they count for the owner.
CROSS_KINDS = frozenset({"satisfaction", "complaint", "inquiry"})
# Who may (TouchIn.logged_as): any service agent, and the manager of the owner's team. A peer
# rep or another team's manager could sway a rival, so their entries count for no one.
ALLOWED_LOGGERS = frozenset({"service", "manager"})


def _value(
    metric: str, records: list[Record], reach: frozenset[int] = frozenset(), cutoff: str = ""
) -> MetricValue:
    """A metric's value, read from the tally of its records (as kept scores read it)."""
    tally = Tally.of(records, customers=len(reach))
    raw, detail = value_of(metric, tally, cutoff)
    return MetricValue(metric, raw, records, detail, tally, reach)


@dataclass(frozen=True)
class Window:
    """The part of the period a member was on the team: half-open local days and the same
    spans as UTC moments, cut off at "now" for an open period."""

    days: tuple[tuple[date, date], ...]
    spans: tuple[tuple[datetime, datetime], ...]
    horizon: datetime
    # The spans cut off at the horizon: what `covers` tests, worked out once.
    cut: tuple[tuple[datetime, datetime], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        cut = tuple((lo, min(hi, self.horizon)) for lo, hi in self.spans)
        object.__setattr__(self, "cut", cut)

    @property
    def day_count(self) -> int:
        return sum((b - a).days for a, b in self.days)

    @property
    def start(self) -> datetime:
        return self.spans[0][0]

    @property
    def end(self) -> datetime:
        """Where the window stops: its last day's end, or now if that is earlier."""
        return min(self.spans[-1][1], self.horizon)

    def covers(self, moment: datetime) -> bool:
        for lo, hi in self.cut:
            if lo <= moment < hi:
                return True
        return False

    def covers_day(self, day: date) -> bool:
        return any(lo <= day < hi for lo, hi in self.days)


def team_days(period: Period, m: MemberIn) -> tuple[tuple[date, date], ...]:
    """The local days [from, to) of the period the member was on the team (all unless told)."""
    first, last = period.first_day, period.next_first_day
    given = m.on_team if m.on_team is not None else ((first, last),)
    return tuple(
        (max(a, first), min(b, last)) for a, b in sorted(given) if max(a, first) < min(b, last)
    )


def cutoff_text(version: Version) -> str:
    return version.timeliness_cutoff.strftime("%H:%M")


@dataclass
class Context:
    """One team period, indexed once; every metric reads from here."""

    data: TeamData
    version: Version
    as_of: datetime | None = None  # None: the period's end (a closed period)
    calendar: WorkCalendar = field(init=False)

    def __post_init__(self) -> None:
        v = self.version
        country = self.data.holidays_country or v.holidays_country
        self.calendar = WorkCalendar(self.data.period.timezone, country, v.work_start, v.work_end)
        zone = self.calendar.zone
        p = self.data.period
        self.start = datetime.combine(p.first_day, datetime.min.time(), zone).astimezone(UTC)
        self.end = datetime.combine(p.next_first_day, datetime.min.time(), zone).astimezone(UTC)
        if self.as_of is None:
            self.as_of = self.end
        self.horizon = min(self.end, self.as_of)
        self.customers = {c.id: c for c in self.data.customers}
        self._windows: dict[int, Window] = {}
        self._handled: dict[int, list[TouchIn]] = {}

    def in_period(self, moment: datetime) -> bool:
        return self.start <= moment < self.horizon

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), self.calendar.zone).astimezone(UTC)

    def window(self, m: MemberIn) -> Window:
        """The days of the period the member was on the team (all of it unless told)."""
        found = self._windows.get(m.id)
        if found is None:
            days = team_days(self.data.period, m)
            spans = tuple((self._midnight(a), self._midnight(b)) for a, b in days)
            found = self._windows[m.id] = Window(days, spans, self.horizon)
        return found

    def owner_of(self, customer_id: int) -> int | None:
        c = self.customers.get(customer_id)
        return c.owner_id if c is not None else None

    @cached_property
    def day_of(self) -> dict[int, date]:
        """Each touch's local date (when it happened), worked out once."""
        zone = self.calendar.zone
        return {t.id: t.occurred_at.astimezone(zone).date() for t in self.data.touches}

    @cached_property
    def excluded(self) -> dict[int, str]:
        """Touches left out of every score, with the anti-gaming rule that caught them."""
        rules = self.version.anti_gaming
        out: dict[int, str] = {}
        by_logger: dict[int, list[TouchIn]] = defaultdict(list)
        for t in (*self.data.touches, *self.data.neighbours):
            by_logger[t.member_id].append(t)
        window = timedelta(minutes=rules.burst_minutes)
        for touches in by_logger.values():
            touches.sort(key=lambda t: (t.logged_at, t.id))
            j = 0
            for i in range(len(touches)):
                j = max(j, i)
                while (
                    j + 1 < len(touches)
                    and touches[j + 1].logged_at - touches[i].logged_at < window
                ):
                    j += 1
                if j - i + 1 >= rules.burst_touches:
                    for t in touches[i : j + 1]:
                        if not t.burst_accepted:
                            out[t.id] = "burst_unreviewed"
        per_day: dict[tuple[int, int, object], list[TouchIn]] = defaultdict(list)
        for t in self.data.touches:
            if t.kind not in OUTREACH:
                continue  # orders, inquiries, ratings and complaints are not padding
            day = self.day_of[t.id]
            per_day[(t.member_id, t.customer_id, day)].append(t)
        for touches in per_day.values():
            touches.sort(key=lambda t: (t.occurred_at, t.id))
            for t in touches[rules.max_touches_per_customer_day :]:
                out.setdefault(t.id, "over_daily_cap")
        # Last, because accepting a burst must not make a disallowed entry count.
        for t in self.data.touches:
            if (
                t.kind in CROSS_KINDS
                and self.owner_of(t.customer_id) != t.member_id
                and t.logged_as not in ALLOWED_LOGGERS
            ):
                out[t.id] = "logger_not_allowed"
        return out

    @cached_property
    def on_owned(self) -> dict[int, list[TouchIn]]:
        """Touches on each owner's customers, whoever logged them, oldest first."""
        out: dict[int, list[TouchIn]] = defaultdict(list)
        for t in sorted(self.data.touches, key=lambda t: (t.occurred_at, t.id)):
            c = self.customers.get(t.customer_id)
            if c is not None:
                out[c.owner_id].append(t)
        return out

    def scope(self, m: MemberIn) -> list[TouchIn]:
        """The touches a member answers for: on their own customers (sales), or on the
        customers they handled while on the team (service, who own none)."""
        if m.role != "service":
            return self.on_owned[m.id]
        return self.handled(m)

    @cached_property
    def on_customer(self) -> dict[int, list[TouchIn]]:
        """Touches on each customer, whoever logged them, oldest first."""
        out: dict[int, list[TouchIn]] = defaultdict(list)
        for t in sorted(self.data.touches, key=lambda t: (t.occurred_at, t.id)):
            out[t.customer_id].append(t)
        return out

    def handled(self, m: MemberIn) -> list[TouchIn]:
        """Touches on the customers the member touched while on the team, oldest first."""
        found = self._handled.get(m.id)
        if found is None:
            w = self.window(m)
            cids = {t.customer_id for t in self.logged_by[m.id] if w.covers(t.occurred_at)}
            found = sorted(
                (t for cid in cids for t in self.on_customer[cid]),
                key=lambda t: (t.occurred_at, t.id),
            )
            self._handled[m.id] = found
        return found

    @cached_property
    def logged_by(self) -> dict[int, list[TouchIn]]:
        """Touches each member logged, by id."""
        out: dict[int, list[TouchIn]] = defaultdict(list)
        for t in sorted(self.data.touches, key=lambda t: t.id):
            out[t.member_id].append(t)
        return out

    @cached_property
    def owned(self) -> dict[int, list[CustomerIn]]:
        out: dict[int, list[CustomerIn]] = defaultdict(list)
        for c in sorted(self.data.customers, key=lambda c: c.id):
            out[c.owner_id].append(c)
        return out

    @cached_property
    def followups_of(self) -> dict[int, list[FollowupIn]]:
        out: dict[int, list[FollowupIn]] = defaultdict(list)
        for f in sorted(self.data.followups, key=lambda f: (f.due_on, f.id)):
            out[f.member_id].append(f)
        return out

    def credited(self, t: TouchIn) -> bool:
        return t.id not in self.excluded

    def touch_record(self, t: TouchIn, counted: bool, reason: str, **detail) -> Record:
        """A touch's record, naming the anti-gaming rule that left it out, if any."""
        if not self.credited(t):
            counted, reason = False, self.excluded[t.id]
            if reason == "over_daily_cap":
                detail["cap"] = self.version.anti_gaming.max_touches_per_customer_day
        return Record("touch", t.id, counted, reason, detail)

    def minimum_minor(self) -> int:
        return int(self.version.anti_gaming.min_order_amount * 100)

    def why_no_purchase(self, orders: list[TouchIn]) -> tuple[str, dict]:
        """Why orders in the window prove no purchase: the first rule one of them broke."""
        for o in orders:
            if not self.credited(o):
                return self.excluded[o.id], {}
        if orders:
            return "below_min_order", {
                "min_minor": self.minimum_minor(),
                "currency": self.version.currency,
            }
        return "", {}


OFF_TEAM = "off_team"  # in the period, but not while the member was on the team


def revenue(ctx: Context, m: MemberIn) -> MetricValue:
    """Order amounts on the member's own customers (orders not in the CRM earn nothing)."""
    w = ctx.window(m)
    records = []
    for t in ctx.on_owned[m.id]:
        if t.kind != "order" or not ctx.in_period(t.occurred_at):
            continue
        amount = t.amount_minor or 0
        if not w.covers(t.occurred_at):
            records.append(Record("touch", t.id, False, OFF_TEAM, {"amount_minor": amount}))
            continue
        records.append(ctx.touch_record(t, True, "order", amount_minor=amount))
    return _value("revenue", records)


def _real_order(ctx: Context, t: TouchIn) -> bool:
    """An order that proves a purchase: credited and at least the scheme's minimum."""
    return t.kind == "order" and ctx.credited(t) and (t.amount_minor or 0) >= ctx.minimum_minor()


def _orders_in(ctx: Context, m: MemberIn) -> dict[int, list[TouchIn]]:
    """The orders on each of the member's customers while they were on the team."""
    w = ctx.window(m)
    out: dict[int, list[TouchIn]] = defaultdict(list)
    for t in ctx.on_owned[m.id]:
        if t.kind == "order" and ctx.in_period(t.occurred_at) and w.covers(t.occurred_at):
            out[t.customer_id].append(t)
    return out


def conversion(ctx: Context, m: MemberIn) -> MetricValue:
    """Share of the member's recent leads that placed their first order in the period."""
    w = ctx.window(m)
    since = w.start - timedelta(days=ctx.version.lead_window_days)
    orders = _orders_in(ctx, m)
    records = []
    for c in ctx.owned[m.id]:
        if c.created_at >= w.end or c.created_at < since:
            continue  # not registered yet, or aged out of the lead window
        if c.first_order_at is not None and c.first_order_at < w.start:
            continue  # already a buyer before the period
        if c.status == "churned":
            # Shown, because marking a lead churned takes it out of the count.
            records.append(Record("customer", c.id, False, "churned"))
            continue
        mine = orders.get(c.id, [])
        if any(_real_order(ctx, o) for o in mine):
            records.append(Record("customer", c.id, True, "converted"))
            continue
        reason, detail = ctx.why_no_purchase(mine)
        records.append(Record("customer", c.id, True, reason or "not_yet", detail))
    return _value("conversion", records)


def new_customers(ctx: Context, m: MemberIn) -> MetricValue:
    """Customers registered in the period that had a credited touch in it."""
    w = ctx.window(m)
    touches: dict[int, list[TouchIn]] = defaultdict(list)
    for t in ctx.on_owned[m.id]:
        if ctx.in_period(t.occurred_at) and w.covers(t.occurred_at):
            touches[t.customer_id].append(t)
    records = []
    for c in ctx.owned[m.id]:
        if not ctx.in_period(c.created_at):
            continue
        if not w.covers(c.created_at):
            records.append(Record("customer", c.id, False, OFF_TEAM))
            continue
        mine = touches.get(c.id, [])
        if any(ctx.credited(t) for t in mine):
            records.append(Record("customer", c.id, True, "touched"))
        elif mine:  # touched, but every touch was left out by a rule: name the rule
            records.append(Record("customer", c.id, False, ctx.excluded[mine[0].id]))
        else:
            records.append(Record("customer", c.id, False, "no_touch"))
    return _value("new_customers", records)


def retention(ctx: Context, m: MemberIn) -> MetricValue:
    """Share of recent buyers (an order in the lookback before the period) who bought again."""
    w = ctx.window(m)
    lookback = w.start - timedelta(days=ctx.version.retention_lookback_days)
    before = {
        t.customer_id
        for t in ctx.on_owned[m.id]
        if lookback <= t.occurred_at < w.start and _real_order(ctx, t)
    }
    orders = _orders_in(ctx, m)
    records = []
    for cid in sorted(before):
        mine = orders.get(cid, [])
        if any(_real_order(ctx, o) for o in mine):
            records.append(Record("customer", cid, True, "bought_again"))
            continue
        reason, detail = ctx.why_no_purchase(mine)
        records.append(Record("customer", cid, True, reason or "not_again", detail))
    return _value("retention", records)


def satisfaction(ctx: Context, m: MemberIn) -> MetricValue:
    """Customers' CSAT (1–5) and NPS (0–10) ratings; never one the scored member entered,
    and never one a customer's owner entered about their own customer (for anyone)."""
    w = ctx.window(m)
    records = []
    for t in ctx.scope(m):
        if t.kind != "satisfaction" or not ctx.in_period(t.occurred_at):
            continue
        if t.csat is None and t.nps is None:
            continue
        rating = {"csat": t.csat, "nps": t.nps}
        if not w.covers(t.occurred_at):
            records.append(Record("touch", t.id, False, OFF_TEAM, rating))
            continue
        if t.member_id == m.id:
            records.append(Record("touch", t.id, False, "self_rated", rating))
            continue
        if t.member_id == ctx.owner_of(t.customer_id):
            records.append(Record("touch", t.id, False, "owner_rated", rating))
            continue
        records.append(ctx.touch_record(t, True, "rating", **rating))
    return _value("satisfaction", records)


def complaints(ctx: Context, m: MemberIn) -> MetricValue:
    """Complaints per customer touched in the period (lower is better)."""
    w = ctx.window(m)
    records, touched = [], set()
    for t in ctx.scope(m):
        if not ctx.in_period(t.occurred_at):
            continue
        if not w.covers(t.occurred_at):
            if t.kind == "complaint":
                records.append(Record("touch", t.id, False, OFF_TEAM))
            continue
        if t.kind == "complaint":
            records.append(ctx.touch_record(t, True, "complaint"))
        if ctx.credited(t):
            touched.add(t.customer_id)
    return _value("complaints", records, frozenset(touched))


def response_speed(ctx: Context, m: MemberIn) -> MetricValue:
    """Share of inquiries answered within the SLA, in working hours; and the median."""
    w = ctx.window(m)
    sla = float(ctx.version.sla_working_hours) * 3600
    # The member's own credited answers on each customer, oldest first, with their place
    # in the scope's order (an answer must come after the inquiry there).
    answers: dict[int, list[tuple[int, TouchIn]]] = defaultdict(list)
    touches = ctx.scope(m)
    for i, a in enumerate(touches):
        if a.member_id == m.id and a.kind in ANSWERS and ctx.credited(a):
            answers[a.customer_id].append((i, a))
    records = []
    for i, t in enumerate(touches):
        if t.kind != "inquiry" or not ctx.in_period(t.occurred_at):
            continue
        if not w.covers(t.occurred_at):
            records.append(Record("touch", t.id, False, OFF_TEAM))
            continue
        answer = next(
            (
                a
                for j, a in answers.get(t.customer_id, ())
                if j > i and a.occurred_at >= t.occurred_at
            ),
            None,
        )
        if answer is None:
            waited = ctx.calendar.working_seconds(t.occurred_at, ctx.as_of)
            if waited <= sla:
                records.append(ctx.touch_record(t, False, "waiting"))
            else:
                records.append(ctx.touch_record(t, True, "unanswered"))
            continue
        took = ctx.calendar.working_seconds(t.occurred_at, answer.occurred_at)
        reason = "within_sla" if took <= sla else "over_sla"
        records.append(
            ctx.touch_record(
                t, True, reason, hours=round(took / 3600, 2), seconds=took, answer_id=answer.id
            )
        )
    return _value("response_speed", records)


def timeliness(ctx: Context, m: MemberIn) -> MetricValue:
    """Share of the member's touches logged by the cutoff of the next working day."""
    w = ctx.window(m)
    cutoff = cutoff_text(ctx.version)
    records = []
    for t in ctx.logged_by[m.id]:
        if not ctx.in_period(t.occurred_at):
            continue
        if not w.covers(t.occurred_at):
            records.append(Record("touch", t.id, False, OFF_TEAM))
            continue
        deadline = ctx.calendar.cutoff_after(ctx.day_of[t.id], ctx.version.timeliness_cutoff)
        if t.logged_at > deadline:
            # A late touch stays late even if a burst or the cap leaves it out elsewhere:
            # the rules take credit away, never a penalty.
            records.append(Record("touch", t.id, True, "late_logged", {"cutoff": cutoff}))
        else:
            records.append(ctx.touch_record(t, True, "on_time"))
    return _value("timeliness", records, cutoff=cutoff)


def data_quality(ctx: Context, m: MemberIn) -> MetricValue:
    """Share of the member's live customers with phone, occupation/industry and age/size."""
    w = ctx.window(m)
    records = []
    for c in ctx.owned[m.id]:
        if c.created_at >= w.end:
            continue  # not registered yet
        if c.status == "churned":
            # Shown, because marking a customer churned takes it out of the count.
            records.append(Record("customer", c.id, False, "churned"))
            continue
        missing = [
            name
            for name, has in (
                ("phone", c.has_phone),
                ("occupation", c.has_occupation),
                ("segment", c.has_segment),
            )
            if not has
        ]
        records.append(
            Record(
                "customer", c.id, True, "missing" if missing else "complete", {"missing": missing}
            )
        )
    return _value("data_quality", records)


def followups(ctx: Context, m: MemberIn) -> MetricValue:
    """Share of follow-ups due in the period that were done by their due date."""
    w = ctx.window(m)
    p = ctx.data.period
    today = ctx.calendar.local(ctx.as_of).date()
    records = []
    for f in ctx.followups_of[m.id]:
        if not p.first_day <= f.due_on < p.next_first_day:
            continue
        if not w.covers_day(f.due_on):
            records.append(Record("followup", f.id, False, OFF_TEAM))
            continue
        done_day = ctx.calendar.local(f.done_at).date() if f.done_at else None
        if done_day is not None and done_day <= f.due_on:
            records.append(Record("followup", f.id, True, "done_on_time"))
        elif done_day is not None:
            records.append(Record("followup", f.id, True, "done_late"))
        elif f.due_on < today:
            records.append(Record("followup", f.id, True, "missed"))
        else:
            records.append(Record("followup", f.id, False, "not_due"))
    return _value("followups", records)


METRIC_FUNCTIONS: dict[str, Callable[[Context, MemberIn], MetricValue]] = {
    "revenue": revenue,
    "conversion": conversion,
    "new_customers": new_customers,
    "retention": retention,
    "satisfaction": satisfaction,
    "complaints": complaints,
    "response_speed": response_speed,
    "timeliness": timeliness,
    "data_quality": data_quality,
    "followups": followups,
}
