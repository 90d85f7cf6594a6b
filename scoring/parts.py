"""A team's period kept as tallies per customer, and how long each stays true.

Every record a metric produces belongs to one customer (a touch's, a follow-up's, or the
customer itself). So a member's tally for a metric is the sum of per-customer tallies, and
re-scoring one customer's records is enough to keep the sum right after a change to it.
Some records change with time alone (an inquiry still inside its SLA, a follow-up not due
yet, an entry dated ahead); each customer's part says until when it holds.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from scoring.engine import member_values, scored_members
from scoring.inputs import TeamData
from scoring.metrics import Context
from scoring.scheme import Scheme
from scoring.tally import Tally

# customer → member → metric → tally
Parts = dict[int, dict[int, dict[str, Tally]]]
MARGIN = timedelta(milliseconds=1)


def score_parts(
    data: TeamData, scheme: Scheme, as_of: datetime, only: Collection[int] | None = None
) -> tuple[Parts, dict[int, datetime]]:
    """Each customer's tallies (all customers with records, or those in `only`), and for
    those whose records would change with time alone, the last moment they hold."""
    version = scheme.version_for(data.period.first_day)
    ctx = Context(data, version, as_of)
    wanted = set(only) if only is not None else None
    touches = {t.id: t for t in data.touches}
    followups = {f.id: f for f in data.followups}
    sla = float(version.sla_working_hours) * 3600
    parts: Parts = {}
    until: dict[int, datetime] = {}

    def holds_until(cid: int, moment: datetime) -> None:
        if cid not in until or moment < until[cid]:
            until[cid] = moment

    members = scored_members(version, data.period, data.members)
    if wanted is not None:
        # Only a member who owns, touched or promised a follow-up to one of these customers
        # can have records on them.
        concerned = {c.owner_id for c in data.customers if c.id in wanted}
        concerned |= {t.member_id for t in data.touches if t.customer_id in wanted}
        concerned |= {f.member_id for f in data.followups if f.customer_id in wanted}
        members = [m for m in members if m.id in concerned]
    for member in members:
        for metric, value in member_values(ctx, member).items():
            for r in value.records:
                if r.kind == "touch":
                    cid = touches[r.id].customer_id
                elif r.kind == "followup":
                    cid = followups[r.id].customer_id
                else:
                    cid = r.id
                if wanted is not None and cid not in wanted:
                    continue
                mine = parts.setdefault(cid, {}).setdefault(member.id, {})
                mine.setdefault(metric, Tally()).add_record(r)
                if r.reason == "waiting":
                    ran_out = ctx.calendar.after_working(touches[r.id].occurred_at, sla)
                    holds_until(cid, ran_out - MARGIN)
                elif r.reason == "not_due":
                    due = followups[r.id].due_on + timedelta(days=1)
                    holds_until(cid, ctx.calendar.at(due, datetime.min.time()) - MARGIN)
            for cid in value.reach:
                if wanted is None or cid in wanted:
                    mine = parts.setdefault(cid, {}).setdefault(member.id, {})
                    mine.setdefault(metric, Tally()).customers += 1
    # Entries and customers dated ahead of now enter the period when their time comes.
    for t in data.touches:
        if as_of <= t.occurred_at < ctx.end and (wanted is None or t.customer_id in wanted):
            holds_until(t.customer_id, t.occurred_at)
    for c in data.customers:
        if c.created_at >= as_of and (wanted is None or c.id in wanted):
            holds_until(c.id, c.created_at)
    return parts, until


def add_parts(into: dict[int, dict[str, Tally]], part: dict[int, dict[str, Tally]], sign=1) -> None:
    """Add (or with sign −1, take away) one customer's tallies to members' totals."""
    for member_id, metrics in part.items():
        mine = into.setdefault(member_id, {})
        for metric, tally in metrics.items():
            mine.setdefault(metric, Tally()).add(tally, sign)
