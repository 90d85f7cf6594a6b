"""Score cards, the records modal and the leaderboard."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from handlers.ids import Action, Callback
from handlers.meta import RecordsValue
from handlers.ui import kit
from handlers.ui.i18n import escape, fmt_date, fmt_datetime, fmt_money, t
from scoring.results import MemberScore, MetricLine, Record
from scoring.tally import Tally
from storage.kept import ScoreView
from storage.reviews import RecordLabel

GOOD = {
    "on_time",
    "within_sla",
    "complete",
    "done_on_time",
    "converted",
    "bought_again",
    "touched",
    "order",
    "rating",
}
RECORDS_PER_PAGE = 20


def _num(value: Decimal, places: int = 2) -> str:
    """Display a number rounded half up, the rule the docs give for the total."""
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _money(locale: str, amount: Decimal, currency: str) -> str:
    return fmt_money(locale, int((amount * 100).to_integral_value()), currency)


def _tally(line: MetricLine) -> Tally:
    """The counts behind a line (kept with it; computed from its records when scored whole)."""
    return line.tally if line.tally is not None else Tally.of(line.records)


def why(locale: str, line: MetricLine, currency: str) -> str:
    """One short sentence saying where a line's points come from."""
    if not line.applicable:
        return t(locale, "why.na", weight=_num(line.weight, 0))
    tally = _tally(line)
    ok = sum(n for reason, n in tally.reasons.items() if reason in GOOD)
    params: dict[str, Any] = {"ok": ok, "n": tally.counted, "target": _pct(line.target)}
    m = line.metric
    if m == "revenue":
        params["amount"] = _money(locale, line.raw or Decimal(0), currency)
        params["target"] = _money(locale, line.target or Decimal(0), currency)
    elif m == "new_customers":
        params["target"] = _num(line.target or Decimal(0), 0)
    elif m == "complaints":
        params["n"] = line.detail.get("customers", 0)
        params["ok"] = line.detail.get("complaints", 0)
    elif m == "timeliness":
        params["cutoff"] = line.detail.get("cutoff", "10:00")
    elif m == "satisfaction":
        params["ratings"] = tally.counted
        csat = line.detail.get("csat_avg")
        nps = line.detail.get("nps")
        params["csat"] = f" · CSAT {csat:.1f}" if csat is not None else ""
        params["nps"] = f" · NPS {nps:+.0f}" if nps is not None else ""
    elif m == "response_speed":
        median = line.detail.get("median_hours")
        params["median"] = f" · median {median} h" if median is not None else ""
    text = t(locale, f"why.{m}", **params)
    # Pending records (not due yet, still inside the SLA) are not "not counted": they wait.
    if tally.skipped:
        text += f" · {t(locale, 'why.not_counted', n=tally.skipped)}"
    return text


def score_message(
    locale: str, view: ScoreView, member: MemberScore, *, who: str, show_pay: bool
) -> dict[str, Any]:
    """A member's period: total, tier, rank, pay (to them and their manager only), each line."""
    score = view.score
    summary = t(
        locale,
        "score.summary",
        total=_num(member.total),
        tier=member.tier,
        rank=member.rank,
        of=len(score.members),
    )
    blocks: list[kit.Block] = [
        kit.header(t(locale, "score.header", who=who, period=view.period.label)),
        kit.section(summary),
    ]
    if show_pay:
        blocks.append(kit.context(pay_text(locale, member, projected=view.projected)))
    for line in member.lines:
        text = t(
            locale,
            "score.line" if line.applicable else "score.line_na",
            metric=t(locale, f"metric.{line.metric}"),
            points=_num(line.points),
            weight=_num(line.effective_weight),
            why=why(locale, line, member.pay.currency),
        )
        button = kit.button(
            t(locale, "score.records"),
            Action.SCORE_RECORDS,
            RecordsValue(
                team=view.team_id,
                member=member.member_id,
                metric=line.metric,
                period=view.period.label,
            ).dump(),
        )
        blocks.append(kit.section(text, accessory=button if _tally(line).shown else None))
    return kit.message(summary, blocks)


def pay_text(locale: str, member: MemberScore, *, projected: bool) -> str:
    """The pay line: "Projected pay" only while the period is open; an ended one's is "Pay"."""
    p = member.pay
    bonus = (
        t(locale, "score.bonus_unpaid")
        if p.pool_unpaid
        else t(locale, "score.bonus", bonus=_money(locale, p.team_bonus, p.currency))
    )
    return t(
        locale,
        "score.pay" if projected else "score.pay_past",
        total=_money(locale, p.total, p.currency),
        base=_money(locale, p.base, p.currency),
        variable=_money(locale, p.variable, p.currency),
        multiplier=p.multiplier,
        bonus=bonus,
        capped=t(locale, "score.capped") if p.capped else "",
        days=t(locale, "score.days", days=p.days, period_days=p.period_days)
        if p.part_of_period
        else "",
    )


def _record_line(locale: str, tz: str, r: Record, label: RecordLabel | None) -> str:
    icon = (
        ":white_check_mark:"
        if r.counted and r.reason in GOOD
        else (":heavy_minus_sign:" if r.counted else ":no_entry_sign:")
    )
    parts = []
    if label:
        if label.when:
            parts.append(fmt_datetime(locale, label.when, tz))
        if label.kind:
            parts.append(t(locale, f"kind.{label.kind}"))
        parts.append(f"*{escape(label.title)}*")
        if label.amount_minor and label.currency:
            parts.append(fmt_money(locale, label.amount_minor, label.currency))
        if label.due:
            parts.append(fmt_date(locale, label.due))
    reason = t(
        locale,
        f"reason.{r.reason}",
        fields=", ".join(t(locale, f"label.{f}") for f in r.detail.get("missing", [])),
        cutoff=r.detail.get("cutoff", "10:00"),
        cap=r.detail.get("cap", 3),
        min=fmt_money(locale, r.detail["min_minor"], r.detail.get("currency", "CNY"))
        if "min_minor" in r.detail
        else "",
    )
    if "hours" in r.detail:
        reason += f" ({r.detail['hours']} h)"
    return f"{icon} {' · '.join(parts)} — {reason}"


def records_modal(
    locale: str,
    tz: str,
    value: RecordsValue,
    line: MetricLine,
    labels: dict[tuple[str, int], RecordLabel],
    flagged_to_review: int = 0,
) -> dict[str, Any]:
    """The records behind one score line, a page at a time (Slack allows 100 blocks)."""
    pages = max(1, -(-len(line.records) // RECORDS_PER_PAGE))
    page = min(max(value.page, 0), pages - 1)
    chunk = line.records[page * RECORDS_PER_PAGE : (page + 1) * RECORDS_PER_PAGE]
    blocks: list[kit.Block] = [
        kit.section(
            t(
                locale,
                "records.header",
                metric=t(locale, f"metric.{line.metric}"),
                period=value.period,
            )
        ),
    ]
    if flagged_to_review:
        blocks.append(
            kit.actions(
                kit.button(
                    t(locale, "records.accept_burst", n=flagged_to_review),
                    Action.ACCEPT_BURST,
                    value.dump(),
                    style="primary",
                )
            )
        )
    if not chunk:
        blocks.append(kit.section(t(locale, "records.empty")))
    for r in chunk:
        blocks.append(kit.section(_record_line(locale, tz, r, labels.get((r.kind, r.id)))))
    if pages > 1:
        blocks.append(kit.context(t(locale, "records.page", page=page + 1, pages=pages)))
        nav = []
        if page > 0:
            nav.append(
                kit.button(
                    t(locale, "records.prev"),
                    Action.RECORDS_PREV,
                    value.model_copy(update={"page": page - 1}).dump(),
                )
            )
        if page < pages - 1:
            nav.append(
                kit.button(
                    t(locale, "records.next"),
                    Action.RECORDS_NEXT,
                    value.model_copy(update={"page": page + 1}).dump(),
                )
            )
        blocks.append(kit.actions(*nav))
    return kit.modal(
        t(locale, "records.title"),
        blocks,
        callback_id=Callback.RECORDS_MODAL,
        close=t(locale, "button.close"),
    )


def leaderboard(locale: str, view: ScoreView, pay_for: set[int]) -> dict[str, Any]:
    """The team's ranking: names, scores, tiers; pay only where the viewer may see it."""
    title = t(locale, "leaderboard.header", team=view.team_name, period=view.period.label)
    blocks: list[kit.Block] = [kit.header(title)]
    if not view.score.members:
        key = "score.none_scored" if view.projected else "score.none_scored_past"
        blocks.append(
            kit.section(t(locale, key, period=view.period.label, team=escape(view.team_name)))
        )
    lines = []
    for m in view.score.members:
        line = t(
            locale,
            "leaderboard.line",
            rank=m.rank,
            user=view.user_ids.get(m.member_id, "?"),
            total=_num(m.total),
            tier=m.tier,
        )
        if m.member_id in pay_for:
            line += t(locale, "leaderboard.pay", pay=_money(locale, m.pay.total, m.pay.currency))
        lines.append(line)
    for i in range(0, len(lines), 25):  # keeps each section well under 3,000 characters
        blocks.append(kit.section("\n".join(lines[i : i + 25])))
    return kit.message(title, blocks[:50])


def home_card(locale: str, view: ScoreView | None, member: MemberScore | None) -> list[kit.Block]:
    """The score card at the top of App Home."""
    if view is None or member is None:
        return [kit.section(t(locale, "home.no_team"))]
    summary = t(
        locale,
        "score.summary",
        total=_num(member.total),
        tier=member.tier,
        rank=member.rank,
        of=len(view.score.members),
    )
    return [
        kit.header(f"{t(locale, 'home.score')} ({view.period.label})"),
        kit.section(
            summary, accessory=kit.button(t(locale, "button.see_score"), Action.OPEN_SCORE)
        ),
        kit.context(pay_text(locale, member, projected=view.projected)),
    ]
