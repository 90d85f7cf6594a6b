"""Score a team's period: metrics → normalised → weighted → total → tier → pay → rank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from scoring.inputs import MemberIn, Period, TeamData
from scoring.metrics import METRIC_FUNCTIONS, Context, cutoff_text, team_days
from scoring.results import MemberScore, MetricLine, MetricValue, Pay, TeamScore
from scoring.scheme import COUNTS, METRICS, Scheme, Version
from scoring.tally import Tally, value_of

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)


def money(amount: Decimal) -> Decimal:
    """The one rounding money ever gets: to the cent, halves away from zero."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def normalise(
    version: Version, role: str, value: MetricValue, share: Decimal = ONE
) -> tuple[Decimal, Decimal | None]:
    """A metric's share of its weight (0–1, or up to a target's cap), and its target.

    `share` is the part of the period the member was on the team: an amount or count target
    (revenue, new customers) is that part of the monthly one; shares are not scaled.
    """
    if value.raw is None:
        return ZERO, None
    rule = version.normalisation[value.metric]
    target = version.roles[role].targets.get(value.metric)
    if rule.kind == "target":
        assert target is not None  # the scheme guarantees a target where one is needed
        if value.metric in COUNTS:
            target = target * share
        return min(value.raw / target, rule.cap), target
    if rule.kind == "inverted":
        assert rule.limit is not None
        return max(ONE - value.raw / rule.limit, ZERO), rule.limit
    return min(max(value.raw, ZERO), ONE), target


def weighted_metrics(version: Version, role: str) -> list[str]:
    """The metrics a role is scored on, in the scheme's order."""
    plan = version.roles[role]
    return [metric for metric in METRICS if plan.weights.get(metric, ZERO) > 0]


def member_values(ctx: Context, member: MemberIn) -> dict[str, MetricValue]:
    """Each weighted metric of one member, with the records behind it."""
    return {m: METRIC_FUNCTIONS[m](ctx, member) for m in weighted_metrics(ctx.version, member.role)}


def values_from_tallies(
    version: Version, role: str, tallies: dict[str, Tally]
) -> dict[str, MetricValue]:
    """The same values, read from kept tallies (no records: those are asked for on demand)."""
    cutoff = cutoff_text(version)
    out = {}
    for metric in weighted_metrics(version, role):
        tally = tallies.get(metric) or Tally()
        raw, detail = value_of(metric, tally, cutoff)
        out[metric] = MetricValue(metric, raw, [], detail, tally)
    return out


def _lines(
    version: Version, member: MemberIn, values: dict[str, MetricValue], share: Decimal
) -> list[MetricLine]:
    plan = version.roles[member.role]
    live = sum((plan.weights[m] for m, v in values.items() if v.applicable), ZERO)
    lines = []
    for metric, value in values.items():
        weight = plan.weights[metric]
        # A metric without data shares its weight out over the others, never a silent zero.
        effective = weight * 100 / live if value.applicable and live else ZERO
        normalised, target = normalise(version, member.role, value, share)
        lines.append(
            MetricLine(
                metric=metric,
                raw=value.raw,
                target=target,
                normalised=normalised,
                weight=weight,
                effective_weight=effective,
                points=effective * normalised,
                records=value.records,
                detail=value.detail,
                tally=value.tally,
            )
        )
    return lines


@dataclass(frozen=True)
class _Scored:
    member: MemberIn
    lines: list[MetricLine]
    total: Decimal
    days: int  # days on the team in the period


def score_team(data: TeamData, scheme: Scheme, as_of: datetime | None = None) -> TeamScore:
    """Score every member of a team for its period, as of `as_of` (default: period end).

    A member on the team for part of the period is scored on that part and paid pro rata
    by calendar days; one not on it at all is not scored.
    """
    version = scheme.version_for(data.period.first_day)
    ctx = Context(data, version, as_of)
    members = scored_members(version, data.period, data.members)
    values = {m.id: member_values(ctx, m) for m in members}
    return settle(data.team_id, data.period, data.members, values, scheme)


def scored_members(version: Version, period: Period, members: list[MemberIn]) -> list[MemberIn]:
    """Members scored in the period: in a scored role and on the team for a day of it."""
    return [
        m
        for m in sorted(members, key=lambda m: m.id)
        if m.role in version.roles and team_days(period, m)
    ]


def settle(
    team_id: int,
    period: Period,
    members: list[MemberIn],
    values: dict[int, dict[str, MetricValue]],
    scheme: Scheme,
) -> TeamScore:
    """Lines, totals, tiers, pay and ranks from each scored member's metric values."""
    version = scheme.version_for(period.first_day)
    month = period.days
    scored = []
    for member in scored_members(version, period, members):
        days = sum((b - a).days for a, b in team_days(period, member))
        lines = _lines(version, member, values[member.id], Decimal(days) / month)
        total = min(sum((line.points for line in lines), ZERO), Decimal(100))
        scored.append(_Scored(member, lines, total.quantize(CENT, rounding=ROUND_HALF_UP), days))
    # The pool is funded per member-month and split by score weighted by days on the team.
    pool = version.team_bonus_per_member * sum(s.days for s in scored) / month
    weighted = sum((s.total * s.days for s in scored), ZERO)
    results = []
    for s in scored:
        plan = version.roles[s.member.role]
        tier = version.tier_for(s.total)
        # When no one scored above zero the pool is not paid out (docs/scoring.md says why).
        bonus = pool * s.total * s.days / weighted if weighted else ZERO
        base = plan.base_pay * s.days / month
        variable = plan.variable_pay * tier.multiplier * s.days / month
        exact = base + variable + bonus
        cap = version.caps.max_pay * s.days / month if version.caps.max_pay else None
        capped = cap is not None and exact > cap
        pay = Pay(
            version.currency,
            base,
            variable,
            tier.multiplier,
            bonus,
            capped,
            money(cap if capped and cap is not None else exact),
            days=s.days,
            period_days=month,
            pool_unpaid=pool > 0 and not weighted,
        )
        results.append(
            MemberScore(s.member.id, s.member.name, s.member.role, s.lines, s.total, tier.name, pay)
        )
    return TeamScore(
        team_id,
        period.label,
        scheme.name,
        version.effective_from.isoformat(),
        _ranked(results),
    )


def _ranked(results: list[MemberScore]) -> list[MemberScore]:
    """Rank by total (ties share a rank: 1, 2, 2, 4), then list ties by name."""
    ordered = sorted(results, key=lambda r: (-r.total, r.name, r.member_id))
    ranked, rank = [], 0
    for i, r in enumerate(ordered):
        if i == 0 or r.total != ordered[i - 1].total:
            rank = i + 1
        ranked.append(
            MemberScore(r.member_id, r.name, r.role, r.lines, r.total, r.tier, r.pay, rank)
        )
    return ranked


@dataclass(frozen=True)
class Change:
    """One member's score and pay under the current and a proposed scheme."""

    member_id: int
    name: str
    old_total: Decimal
    new_total: Decimal
    old_pay: Decimal
    new_pay: Decimal

    @property
    def pay_delta(self) -> Decimal:
        return self.new_pay - self.old_pay


def replay(
    data: TeamData, current: Scheme, proposed: Scheme, as_of: datetime | None = None
) -> list[Change]:
    """Score a past period under both schemes and report each member's change."""
    old = score_team(data, current, as_of)
    new = score_team(data, proposed, as_of)
    return [
        Change(
            o.member_id,
            o.name,
            o.total,
            new.member(o.member_id).total,
            o.pay.total,
            new.member(o.member_id).pay.total,
        )
        for o in sorted(old.members, key=lambda m: m.member_id)
    ]
