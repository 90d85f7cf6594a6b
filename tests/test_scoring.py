"""The scoring engine: each metric, its edge cases, the worked example, and properties."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.calendar import WorkCalendar
from scoring.engine import replay, score_team
from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn
from scoring.scheme import SchemeError, load_scheme, parse_scheme
from tests.worked_example import ALICE, BOB, CAROL, SERVICE, at, team_data

DEFAULT = load_scheme("default")
NOV = Period(2026, 11, "Asia/Shanghai")
ROOT = Path(__file__).resolve().parent.parent


def one(members=None, customers=(), touches=(), followups=(), period=NOV, as_of=None):
    data = TeamData(
        1,
        period,
        members or [MemberIn(ALICE, "Alice", "sales")],
        list(customers),
        list(touches),
        list(followups),
    )
    return score_team(data, DEFAULT, as_of)


def cust(cid=1, owner=ALICE, created=None, first_order=None, **kw):
    fields = {"has_phone": True, "has_occupation": True, "has_segment": True} | kw
    return CustomerIn(
        cid,
        owner,
        created or at(10, 1, 9),
        "active" if first_order else "lead",
        first_order_at=first_order,
        **fields,
    )


# -- the worked example ------------------------------------------------------------------


def test_worked_example_to_the_cent():
    team = score_team(team_data(), DEFAULT)
    alice = team.member(ALICE)
    expected = {
        "revenue": ("75000", "22.5"),
        "conversion": ("0.25", "8.3333"),
        "new_customers": ("2", "2.5"),
        "retention": ("0.5", "10"),
        "satisfaction": ("0.9", "9"),
        "complaints": ("0.2", "1"),
        "response_speed": ("0.5", "2.5"),
        "timeliness": ("0.9231", "9.2308"),
        "data_quality": ("0.6667", "3.3333"),
        "followups": ("0.5", "2.5"),
    }
    for metric, (raw, points) in expected.items():
        line = alice.line(metric)
        assert round(line.raw, 4) == Decimal(raw), metric
        assert round(line.points, 4) == Decimal(points), metric
    assert alice.total == Decimal("70.90") and alice.tier == "C" and alice.rank == 2
    assert team.member(BOB).total == Decimal("85.71") and team.member(BOB).rank == 1
    assert alice.pay.base == 6000 and alice.pay.variable == 2800
    assert round(alice.pay.team_bonus, 4) == Decimal("452.7169")
    assert alice.pay.total == Decimal("9252.72")
    assert alice.line("response_speed").detail["median_hours"] == Decimal("5.5")


def test_the_documentation_shows_the_numbers_the_engine_gives():
    doc = (ROOT / "docs" / "scoring.md").read_text()
    for text in ("**70.90**", "¥9,252.72", "452.7169", "85.71", "9.2308", "8.3333"):
        assert text in doc


def test_each_anti_gaming_rule_is_explained_on_the_record():
    alice = score_team(team_data(), DEFAULT).member(ALICE)
    reasons = {(r.id, r.reason) for line in alice.lines for r in line.records if not r.counted}
    assert (23, "over_daily_cap") in reasons
    assert (17, "self_rated") in reasons
    late = [r for r in alice.line("timeliness").records if r.reason == "late_logged"]
    assert [r.id for r in late] == [14]


# -- metrics and edge cases ---------------------------------------------------------------


def test_no_data_is_not_applicable_and_its_weight_is_shared_out():
    alice = one(
        touches=[TouchIn(1, 1, ALICE, "call", at(11, 2, 10), at(11, 2, 10))], customers=[cust()]
    ).member(ALICE)
    applicable = [line for line in alice.lines if line.applicable]
    assert {line.metric for line in applicable} == {
        "revenue",
        "new_customers",
        "complaints",
        "timeliness",
        "data_quality",
        "conversion",
    }
    assert sum(line.effective_weight for line in applicable) == 100
    assert all(line.points == 0 for line in alice.lines if not line.applicable)


def test_a_member_with_nothing_scores_zero_not_an_error():
    alice = one().member(ALICE)
    assert alice.total == 0 and alice.tier == "D"


def test_month_boundaries_follow_the_team_time_zone():
    # 31 Oct 23:30 in Shanghai is 15:30 UTC; 1 Dec 00:30 Shanghai is still 30 Nov in UTC.
    shanghai = at(10, 31, 23, 30)
    december = datetime(2026, 12, 1, 0, 30, tzinfo=UTC) + timedelta(hours=-8)
    inside = at(11, 1, 0, 30)
    orders = [
        TouchIn(i, 1, ALICE, "order", when, when, amount_minor=100_00)
        for i, when in enumerate((shanghai, december, inside), 1)
    ]
    alice = one(customers=[cust()], touches=orders).member(ALICE)
    assert [r.id for r in alice.line("revenue").records] == [3]


def test_timeliness_cutoff_is_the_next_working_day_across_weekends_and_holidays():
    cal = WorkCalendar("Asia/Shanghai")
    friday = at(11, 20, 17)
    assert cal.next_day_cutoff(friday, time(10)) == at(11, 23, 10)
    national_day_eve = datetime(2026, 9, 30, 17, tzinfo=cal.zone)
    assert cal.next_day_cutoff(national_day_eve, time(10)).date() == date(2026, 10, 8)
    touches = [
        TouchIn(1, 1, ALICE, "call", friday, at(11, 23, 9, 59)),
        TouchIn(2, 1, ALICE, "call", friday, at(11, 23, 10, 1)),
    ]
    line = one(customers=[cust()], touches=touches).member(ALICE).line("timeliness")
    assert [(r.id, r.reason) for r in line.records] == [(1, "on_time"), (2, "late_logged")]


def test_response_time_counts_working_hours_and_waits_inside_the_sla():
    inquiry = TouchIn(1, 1, ALICE, "inquiry", at(11, 20, 16), at(11, 20, 16))
    answer = TouchIn(2, 1, ALICE, "email", at(11, 23, 10), at(11, 23, 10))  # Mon 10:00
    line = one(customers=[cust()], touches=[inquiry, answer]).member(ALICE).line("response_speed")
    assert line.records[0].reason == "within_sla" and line.records[0].detail["hours"] == 3
    # Unanswered but still inside the SLA as of now: not decided, not counted.
    waiting = one(customers=[cust()], touches=[inquiry], as_of=at(11, 23, 9, 30))
    assert waiting.member(ALICE).line("response_speed").raw is None
    missed = one(customers=[cust()], touches=[inquiry])
    assert missed.member(ALICE).line("response_speed").records[0].reason == "unanswered"


def test_bursts_are_left_out_until_accepted():
    base = at(11, 2, 10)
    burst = [
        TouchIn(i, i, ALICE, "order", base, base + timedelta(seconds=i), amount_minor=1000_00)
        for i in range(1, 11)
    ]
    customers = [cust(i) for i in range(1, 11)]
    alice = one(customers=customers, touches=burst).member(ALICE)
    assert alice.line("revenue").raw == 0
    assert {r.reason for r in alice.line("revenue").records} == {"burst_unreviewed"}
    accepted = [dataclasses.replace(t, burst_accepted=True) for t in burst]
    alice = one(customers=customers, touches=accepted).member(ALICE)
    assert alice.line("revenue").raw == 10_000


def test_credit_goes_to_the_owner_and_self_ratings_do_not_count():
    touches = [
        TouchIn(1, 1, CAROL, "satisfaction", at(11, 3, 10), at(11, 3, 10), csat=1, **SERVICE),
        TouchIn(2, 1, ALICE, "satisfaction", at(11, 3, 11), at(11, 3, 11), csat=5),
    ]
    line = one(customers=[cust()], touches=touches).member(ALICE).line("satisfaction")
    assert line.raw == 0  # only Carol's CSAT 1 counts
    assert [(r.id, r.counted, r.reason) for r in line.records] == [
        (1, True, "rating"),
        (2, False, "self_rated"),
    ]


def test_followups_not_yet_due_are_not_counted():
    fus = [
        FollowupIn(1, ALICE, 1, date(2026, 11, 25), None),
        FollowupIn(2, ALICE, 1, date(2026, 11, 10), None),
    ]
    line = (
        one(customers=[cust()], followups=fus, as_of=at(11, 20, 12)).member(ALICE).line("followups")
    )
    assert [(r.id, r.reason, r.counted) for r in line.records] == [
        (2, "missed", True),
        (1, "not_due", False),
    ]
    assert line.raw == 0


def test_service_roles_have_their_own_weights():
    carol = one(members=[MemberIn(CAROL, "Carol", "service")]).member(CAROL)
    assert {line.metric for line in carol.lines} == {
        "satisfaction",
        "complaints",
        "response_speed",
        "timeliness",
        "data_quality",
        "followups",
    }


def test_pay_is_capped_and_rounded_once():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    tight = parse_scheme(text.replace("max_pay: 20000", "max_pay: 7000"))
    alice = score_team(team_data(), tight).member(ALICE)
    assert alice.pay.capped and alice.pay.total == Decimal("7000.00")


def test_replay_reports_each_members_change():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    proposed = parse_scheme(
        text.replace("revenue: 30", "revenue: 40").replace(
            "conversion: 10\n          new_customers: 10",
            "conversion: 5\n          new_customers: 5",
        )
    )
    changes = {c.member_id: c for c in replay(team_data(), DEFAULT, proposed)}
    assert changes[ALICE].old_total == Decimal("70.90")
    assert changes[ALICE].new_total != changes[ALICE].old_total
    assert changes[BOB].new_pay - changes[BOB].old_pay == changes[BOB].pay_delta


# -- schemes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("revenue: 30", "revenue: 31"), r"proposed.yml:9: .*weights must sum to 100, not 101"),
        (
            ("          followups: 10", "          folowups: 10"),
            r"proposed.yml:28: .*unknown metric 'folowups'",
        ),
        (
            ("revenue: 100000 ", "revenue: 0 "),
            r"proposed.yml:20: .*the target for revenue must be more than zero",
        ),
        (
            ("effective_from: 2026-01-01", "effective_from: 2026-01-01\n    bogus: 1"),
            r"proposed.yml:6: versions.0.bogus: Extra inputs are not permitted",
        ),
        (
            ("{name: B, min_score: 75", "{name: B, min_score: 95"),
            r"proposed.yml:48: .*tiers must be listed",
        ),
    ],
)
def test_a_bad_scheme_is_refused_naming_the_line(change, message):
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    assert change[0] in text
    with pytest.raises(SchemeError, match=message):
        parse_scheme(text.replace(*change, 1), "proposed.yml")


def test_overlapping_versions_are_refused():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    version = text[text.index("  - effective_from") :]
    with pytest.raises(SchemeError, match="versions overlap"):
        parse_scheme(text + version, "twice.yml")


def test_the_version_in_force_scores_the_period():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    version = text[text.index("  - effective_from") :]
    later = version.replace("2026-01-01", "2026-12-01").replace("base_pay: 6000", "base_pay: 9000")
    scheme = parse_scheme(text + later)
    assert score_team(team_data(), scheme).member(ALICE).pay.base == 6000
    december = dataclasses.replace(team_data(), period=Period(2026, 12, "Asia/Shanghai"))
    assert score_team(december, scheme).member(ALICE).pay.base == 9000


# -- properties ---------------------------------------------------------------------------

KINDS = ["call", "visit", "order", "inquiry", "response", "complaint", "satisfaction"]


@st.composite
def months(draw):
    n_customers = draw(st.integers(1, 6))
    customers = [
        cust(
            i,
            owner=draw(st.sampled_from([ALICE, BOB])),
            created=at(draw(st.integers(9, 11)), draw(st.integers(1, 28)), 9),
            has_phone=draw(st.booleans()),
        )
        for i in range(1, n_customers + 1)
    ]
    touches = []
    burst_at = at(11, 10, 9)  # some touches are logged together, to exercise burst rules
    for tid in range(1, draw(st.integers(0, 30)) + 1):
        kind = draw(st.sampled_from(KINDS))
        when = at(
            draw(st.sampled_from([9, 10, 11, 11, 11])),
            draw(st.integers(1, 30)),
            draw(st.integers(0, 23)),
        )
        logged = (
            burst_at + timedelta(seconds=tid)
            if draw(st.booleans())
            else when + timedelta(hours=draw(st.integers(0, 80)))
        )
        nps = kind == "satisfaction" and draw(st.booleans())
        touches.append(
            TouchIn(
                tid,
                draw(st.integers(1, n_customers)),
                draw(st.sampled_from([ALICE, BOB, CAROL])),
                kind,
                when,
                max(logged, when),
                amount_minor=draw(st.integers(1, 10**8)) if kind == "order" else None,
                csat=draw(st.integers(1, 5)) if kind == "satisfaction" and not nps else None,
                nps=draw(st.integers(0, 10)) if nps else None,
                burst_accepted=draw(st.booleans()),
                logged_as=draw(st.sampled_from([None, "service", "manager", "other"])),
            )
        )
    followups = [
        FollowupIn(
            i,
            ALICE,
            1,
            date(2026, 11, draw(st.integers(1, 30))),
            draw(st.none() | st.just(at(11, 15, 12))),
        )
        for i in range(3)
    ]
    members = [
        MemberIn(ALICE, "Alice", "sales"),
        MemberIn(BOB, "Bob", "sales"),
        MemberIn(CAROL, "Carol", "service"),
    ]
    return TeamData(1, NOV, members, customers, touches, followups)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(months())
def test_totals_stay_within_0_and_100_and_are_deterministic(data):
    a, b = score_team(data, DEFAULT), score_team(data, DEFAULT)
    assert a == b
    for m in a.members:
        assert 0 <= m.total <= 100
        assert all(0 <= line.normalised <= 1 for line in m.lines)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(months(), st.randoms(use_true_random=False))
def test_permuting_the_input_changes_nothing(data, rnd: random.Random):
    shuffled = TeamData(
        data.team_id,
        data.period,
        rnd.sample(data.members, len(data.members)),
        rnd.sample(data.customers, len(data.customers)),
        rnd.sample(data.touches, len(data.touches)),
        rnd.sample(data.followups, len(data.followups)),
    )
    assert score_team(shuffled, DEFAULT) == score_team(data, DEFAULT)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(months(), st.integers(1, 10**9))
def test_more_revenue_never_lowers_a_score(data, extra):
    owned = {c.id for c in data.customers if c.owner_id == ALICE}
    # More revenue means a bigger order in the period (an older order is not revenue now).
    orders = [
        t
        for t in data.touches
        if t.kind == "order" and t.customer_id in owned and t.occurred_at >= at(11, 1, 0)
    ]
    assume(orders)
    bigger = orders[0]
    richer = dataclasses.replace(
        data,
        touches=[
            dataclasses.replace(t, amount_minor=t.amount_minor + extra) if t is bigger else t
            for t in data.touches
        ],
    )
    before = score_team(data, DEFAULT).member(ALICE)
    after = score_team(richer, DEFAULT).member(ALICE)
    assert after.total >= before.total
    assert after.line("revenue").raw >= before.line("revenue").raw


def test_conversion_leaves_out_churned_leads_and_earlier_buyers():
    customers = [
        cust(1, first_order=at(11, 5, 10)),  # converted this month
        cust(2),  # still a lead
        dataclasses.replace(cust(3), status="churned"),  # churned: not a lead any more
        cust(4, first_order=at(9, 5, 10)),  # bought before: not a lead
    ]
    order = TouchIn(1, 1, ALICE, "order", at(11, 5, 10), at(11, 5, 10), amount_minor=500_00)
    line = one(customers=customers, touches=[order]).member(ALICE).line("conversion")
    assert [(r.id, r.reason, r.counted) for r in line.records] == [
        (1, "converted", True),
        (2, "not_yet", True),
        (3, "churned", False),  # shown: marking a lead churned takes it out of the count
    ]
    assert line.raw == Decimal("0.5")
    # A token order (under the scheme's ¥100 minimum) proves no purchase, and says so.
    token = dataclasses.replace(order, amount_minor=1)
    line = one(customers=customers, touches=[token]).member(ALICE).line("conversion")
    assert line.raw == 0
    assert (line.records[0].reason, line.records[0].detail["min_minor"]) == (
        "below_min_order",
        100_00,
    )


def test_retention_without_recent_buyers_is_not_applicable():
    line = one(customers=[cust()]).member(ALICE).line("retention")
    assert line.raw is None and line.points == 0 and line.effective_weight == 0


def test_new_customers_need_a_touch_in_the_period():
    customers = [cust(1, created=at(11, 3, 9)), cust(2, created=at(11, 4, 9))]
    touches = [TouchIn(1, 1, ALICE, "call", at(11, 3, 10), at(11, 3, 10))]
    line = one(customers=customers, touches=touches).member(ALICE).line("new_customers")
    assert [(r.id, r.counted) for r in line.records] == [(1, True), (2, False)]
    assert line.raw == 1


def test_complaints_from_service_count_against_the_owner():
    touches = [
        TouchIn(1, 1, CAROL, "complaint", at(11, 3, 10), at(11, 3, 10), **SERVICE),
        TouchIn(2, 2, ALICE, "call", at(11, 3, 11), at(11, 3, 11)),
    ]
    line = one(customers=[cust(1), cust(2)], touches=touches).member(ALICE).line("complaints")
    assert line.raw == Decimal("0.5") and line.normalised == 0  # over the 0.25 limit


def test_late_touches_stay_late_even_when_a_burst_leaves_them_out():
    base = at(11, 2, 10)
    late = [
        TouchIn(i, i, ALICE, "call", base, at(11, 20, 10) + timedelta(seconds=i))
        for i in range(1, 11)
    ]
    customers = [cust(i) for i in range(1, 11)]
    line = one(customers=customers, touches=late).member(ALICE).line("timeliness")
    assert line.raw == 0 and {r.reason for r in line.records} == {"late_logged"}


def test_the_daily_cap_limits_outreach_not_orders():
    day = at(11, 3, 9)
    touches = [
        TouchIn(i, 1, ALICE, kind, day + timedelta(hours=i), day + timedelta(hours=i))
        for i, kind in enumerate(["inquiry", "call", "visit", "email"], 1)
    ]
    touches.append(
        TouchIn(
            9,
            1,
            ALICE,
            "order",
            day + timedelta(hours=6),
            day + timedelta(hours=6),
            amount_minor=50_000_00,
        )
    )
    alice = one(customers=[cust()], touches=touches).member(ALICE)
    assert alice.line("revenue").raw == 50_000
    capped = [r.id for r in alice.line("timeliness").records if r.reason == "over_daily_cap"]
    assert capped == []  # call, visit, email: three outreach touches, within the cap


def test_service_agents_answer_for_the_customers_they_handled():
    carol = MemberIn(CAROL, "Carol", "service")
    touches = [
        TouchIn(1, 1, CAROL, "inquiry", at(11, 3, 10), at(11, 3, 10), **SERVICE),
        TouchIn(2, 1, CAROL, "response", at(11, 3, 11), at(11, 3, 11)),
        TouchIn(3, 1, ALICE, "satisfaction", at(11, 4, 10), at(11, 4, 10), csat=2),
        TouchIn(4, 1, ALICE, "complaint", at(11, 5, 10), at(11, 5, 10)),
    ]
    result = one(
        members=[MemberIn(ALICE, "Alice", "sales"), carol], customers=[cust()], touches=touches
    ).member(CAROL)
    assert result.line("response_speed").raw == 1
    # Alice owns the customer: her rating of it counts for no one, Carol included.
    assert result.line("satisfaction").raw is None
    assert [r.reason for r in result.line("satisfaction").records] == ["owner_rated"]
    assert result.line("complaints").raw == 1
    assert result.total < 100


def test_unquoted_times_in_a_scheme_are_refused():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    with pytest.raises(SchemeError, match="write times in quotes"):
        parse_scheme(text.replace('timeliness_cutoff: "10:00"', "timeliness_cutoff: 10:00"))


def test_counts_must_be_scored_against_a_target():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    with pytest.raises(SchemeError, match="revenue is an amount or a count"):
        parse_scheme(text.replace("revenue: {kind: target}", "revenue: {kind: rate}"))


def test_a_target_cap_rewards_overachievement_but_the_total_stays_within_100():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    generous = parse_scheme(
        text.replace("revenue: {kind: target}", "revenue: {kind: target, cap: 1.5}")
    )
    bob_default = score_team(team_data(), DEFAULT).member(BOB)
    bob = score_team(team_data(), generous).member(BOB)
    assert bob.line("revenue").normalised == Decimal("1.2")  # ¥120,000 of ¥100,000
    assert bob.total > bob_default.total and bob.total <= 100


def test_working_days_follow_the_teams_holidays():
    # Christmas Day 2026 is a Friday: a working day in China, a holiday in Germany.
    berlin = Period(2026, 12, "Europe/Berlin")
    eve = datetime(2026, 12, 24, 17, tzinfo=ZoneInfo("Europe/Berlin"))
    logged = datetime(2026, 12, 27, 12, tzinfo=ZoneInfo("Europe/Berlin"))  # Sunday
    touch = TouchIn(1, 1, ALICE, "call", eve, logged)
    members = [MemberIn(ALICE, "Alice", "sales")]
    for country, reason in (("CN", "late_logged"), ("DE", "on_time")):
        data = TeamData(
            1,
            berlin,
            members,
            [cust(created=eve - timedelta(days=30))],
            [touch],
            holidays_country=country,
        )
        line = score_team(data, DEFAULT).member(ALICE).line("timeliness")
        assert line.records[0].reason == reason, country


# -- pay must be right: who rates, why records do not count, part months, empty pools -----

MIA, RIVAL = 9, 8  # Alice's manager; another team's manager
MANAGER, OTHER = {"logged_as": "manager"}, {"logged_as": "other"}


def test_an_owners_rating_of_their_own_customer_counts_for_no_one():
    carol = MemberIn(CAROL, "Carol", "service")
    touches = [
        TouchIn(1, 1, CAROL, "satisfaction", at(11, 3, 10), at(11, 3, 10), csat=3, **SERVICE),
        TouchIn(2, 1, ALICE, "satisfaction", at(11, 3, 11), at(11, 3, 11), csat=5),
        TouchIn(3, 1, MIA, "satisfaction", at(11, 4, 11), at(11, 4, 11), csat=4, **MANAGER),
    ]
    team = one(
        members=[MemberIn(ALICE, "Alice", "sales"), carol], customers=[cust()], touches=touches
    )
    alice, agent = team.member(ALICE).line("satisfaction"), team.member(CAROL).line("satisfaction")
    # Alice's 5 counts for neither of them; each line says why.
    assert [(r.id, r.counted, r.reason) for r in alice.records] == [
        (1, True, "rating"),
        (2, False, "self_rated"),
        (3, True, "rating"),
    ]
    assert [(r.id, r.counted, r.reason) for r in agent.records] == [
        (1, False, "self_rated"),
        (2, False, "owner_rated"),
        (3, True, "rating"),
    ]
    assert alice.raw == Decimal("0.625")  # CSAT 3 and 4
    assert agent.raw == Decimal("0.75")  # the manager's 4 only
    assert agent.detail["csat_avg"] == 4


def test_a_lead_whose_only_order_is_below_the_minimum_says_so():
    lead = cust(1, created=at(11, 2, 9))
    token = TouchIn(1, 1, ALICE, "order", at(11, 3, 10), at(11, 3, 10), amount_minor=99_99)
    alice = one(customers=[lead], touches=[token]).member(ALICE)
    [record] = alice.line("conversion").records
    assert (record.reason, record.counted) == ("below_min_order", True)  # a lead, not converted
    assert alice.line("revenue").raw == Decimal("99.99")  # small orders still add revenue


def test_a_recent_buyer_whose_repeat_order_is_too_small_or_in_a_burst_says_so():
    customers = [cust(i, first_order=at(9, 20, 10)) for i in (1, 2)]
    before = [
        TouchIn(i, i, ALICE, "order", at(9, 20, 10), at(9, 20, 10), amount_minor=500_00)
        for i in (1, 2)
    ]
    small = TouchIn(3, 1, ALICE, "order", at(11, 3, 10), at(11, 3, 10), amount_minor=10_00)
    base = at(11, 10, 10)
    burst = [
        TouchIn(10 + i, 2, ALICE, "order", base, base + timedelta(seconds=i), amount_minor=900_00)
        for i in range(10)
    ]
    line = (
        one(customers=customers, touches=[*before, small, *burst]).member(ALICE).line("retention")
    )
    assert [(r.id, r.reason) for r in line.records] == [
        (1, "below_min_order"),
        (2, "burst_unreviewed"),
    ]


def test_a_new_customer_touched_only_by_left_out_touches_names_the_rule():
    customers = [cust(i, created=at(11, 2, 9)) for i in range(1, 11)]
    base = at(11, 2, 10)
    burst = [TouchIn(i, i, ALICE, "call", base, base + timedelta(seconds=i)) for i in range(1, 11)]
    line = one(customers=customers, touches=burst).member(ALICE).line("new_customers")
    assert {(r.counted, r.reason) for r in line.records} == {(False, "burst_unreviewed")}


def test_churned_customers_are_listed_as_left_out_of_data_quality():
    customers = [cust(1), dataclasses.replace(cust(2, has_phone=False), status="churned")]
    line = one(customers=customers).member(ALICE).line("data_quality")
    assert [(r.id, r.counted, r.reason) for r in line.records] == [
        (1, True, "complete"),
        (2, False, "churned"),
    ]
    assert line.raw == 1


def test_only_service_and_the_owners_own_manager_may_rate_complain_or_ask():
    touches = [
        TouchIn(1, 1, RIVAL, "complaint", at(11, 3, 10), at(11, 3, 10), **OTHER),
        TouchIn(2, 1, RIVAL, "satisfaction", at(11, 3, 11), at(11, 3, 11), csat=1, **OTHER),
        TouchIn(3, 1, RIVAL, "inquiry", at(11, 3, 12), at(11, 3, 12), **OTHER),
        TouchIn(4, 1, BOB, "complaint", at(11, 3, 13), at(11, 3, 13)),  # a peer; not recorded
        TouchIn(5, 1, MIA, "complaint", at(11, 4, 10), at(11, 4, 10), **MANAGER),
        TouchIn(6, 1, ALICE, "call", at(11, 4, 11), at(11, 4, 11)),
    ]
    alice = one(customers=[cust()], touches=touches).member(ALICE)
    complaints = alice.line("complaints")
    assert [(r.id, r.counted, r.reason) for r in complaints.records] == [
        (1, False, "logger_not_allowed"),
        (4, False, "logger_not_allowed"),
        (5, True, "complaint"),
    ]
    assert complaints.detail == {"complaints": 1, "customers": 1}  # only her manager's counts
    [rating] = alice.line("satisfaction").records
    assert (rating.counted, rating.reason) == (False, "logger_not_allowed")
    assert alice.line("satisfaction").raw is None
    [inquiry] = alice.line("response_speed").records
    assert (inquiry.counted, inquiry.reason) == (False, "logger_not_allowed")
    # Accepting a burst never makes a disallowed entry count.
    accepted = [dataclasses.replace(t, burst_accepted=True) for t in touches]
    again = one(customers=[cust()], touches=accepted).member(ALICE)
    assert again.line("complaints").detail["complaints"] == 1


def _pay(base, variable, multiplier, days, month=30):
    return (Decimal(base) + Decimal(variable) * Decimal(multiplier)) * days / month


def test_a_member_who_joined_mid_month_is_scored_and_paid_for_their_days():
    alice = MemberIn(ALICE, "Alice", "sales", on_team=((date(2026, 11, 21), date(2026, 12, 1)),))
    bob = MemberIn(BOB, "Bob", "sales")
    customers = [cust(1, first_order=at(9, 1, 9)), cust(2, owner=BOB, first_order=at(9, 1, 9))]
    touches = [
        TouchIn(1, 1, ALICE, "order", at(11, 10, 10), at(11, 10, 10), amount_minor=90_000_00),
        TouchIn(2, 1, ALICE, "order", at(11, 25, 10), at(11, 25, 10), amount_minor=30_000_00),
        TouchIn(3, 2, BOB, "order", at(11, 5, 10), at(11, 5, 10), amount_minor=30_000_00),
    ]
    team = one(members=[alice, bob], customers=customers, touches=touches)
    a, b = team.member(ALICE), team.member(BOB)
    revenue = a.line("revenue")
    # Before she joined: shown, not counted. Her target is 10/30 of the monthly ¥100,000.
    assert [(r.id, r.counted, r.reason) for r in revenue.records] == [
        (1, False, "off_team"),
        (2, True, "order"),
    ]
    assert revenue.raw == 30_000 and round(revenue.target, 2) == Decimal("33333.33")
    assert round(revenue.normalised, 4) == Decimal("0.9")
    assert (a.pay.days, a.pay.period_days, a.pay.part_of_period) == (10, 30, True)
    assert (b.pay.days, b.pay.part_of_period) == (30, False)
    assert a.pay.base == 2000  # 6,000 × 10/30
    tier = {"A": "1.3", "B": "1.0", "C": "0.7", "D": "0.3"}
    assert a.pay.variable == Decimal(4000) * Decimal(tier[a.tier]) * 10 / 30
    # The pool is 500 per member-month (500 × 40/30) split by score × days on the team.
    pool = Decimal(500) * 40 / 30
    weighted = a.total * 10 + b.total * 30
    assert a.pay.team_bonus == pool * a.total * 10 / weighted
    assert a.pay.team_bonus + b.pay.team_bonus == pool
    exact = _pay(6000, 4000, tier[a.tier], 10) + a.pay.team_bonus
    assert a.pay.total == exact.quantize(Decimal("0.01"))


def test_a_member_not_on_the_team_in_the_period_is_not_scored_at_all():
    gone = MemberIn(BOB, "Bob", "sales", on_team=((date(2026, 10, 1), date(2026, 11, 1)),))
    team = one(members=[MemberIn(ALICE, "Alice", "sales"), gone], customers=[cust()])
    assert [m.member_id for m in team.members] == [ALICE]
    assert team.members[0].pay.days == 30


def test_a_pro_rata_cap_is_that_part_of_the_monthly_cap():
    text = (ROOT / "scoring" / "schemes" / "default.yml").read_text()
    tight = parse_scheme(text.replace("max_pay: 20000", "max_pay: 3000"))
    data = team_data()
    half = ((date(2026, 11, 1), date(2026, 11, 16)),)  # 15 of 30 days
    data = dataclasses.replace(
        data,
        members=[dataclasses.replace(m, on_team=half) for m in data.members],
    )
    alice = score_team(data, tight).member(ALICE)
    assert alice.pay.capped and alice.pay.total == Decimal("1500.00")


def test_an_all_zero_team_leaves_its_pool_unpaid_and_says_so():
    members = [MemberIn(ALICE, "Alice", "sales"), MemberIn(BOB, "Bob", "sales")]
    team = one(members=members)
    for m in team.members:
        assert m.total == 0 and m.tier == "D"
        assert m.pay.team_bonus == 0 and m.pay.pool_unpaid
        assert m.pay.total == Decimal("7200.00")  # 6,000 + 4,000 × 0.3, no pool share
    # As soon as anyone scores, the whole pool is paid out, to those who scored.
    order = TouchIn(1, 1, ALICE, "order", at(11, 3, 10), at(11, 3, 10), amount_minor=500_00)
    team = one(members=members, customers=[cust()], touches=[order])
    assert not any(m.pay.pool_unpaid for m in team.members)
    assert team.member(ALICE).pay.team_bonus == 1000 and team.member(BOB).pay.team_bonus == 0


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    months(), st.lists(st.tuples(st.integers(1, 30), st.integers(0, 30)), min_size=3, max_size=3)
)
def test_pay_is_pro_rata_and_a_paid_pool_is_paid_out_exactly(data, spans):
    members = [
        dataclasses.replace(m, on_team=((date(2026, 11, a), date(2026, 11, a) + timedelta(b)),))
        for m, (a, b) in zip(data.members, spans, strict=True)
    ]
    team = score_team(dataclasses.replace(data, members=members), DEFAULT)
    version = DEFAULT.versions[0]
    for m in team.members:
        assert 0 < m.pay.days <= 30
        plan = version.roles[m.role]
        assert m.pay.base == plan.base_pay * m.pay.days / 30
        assert m.pay.total <= version.caps.max_pay * m.pay.days / 30 + Decimal("0.005")
    days = sum(m.pay.days for m in team.members)
    paid = sum((m.pay.team_bonus for m in team.members), Decimal(0))
    if any(m.total > 0 for m in team.members):
        assert abs(paid - version.team_bonus_per_member * days / 30) < Decimal("1e-20")
    else:
        assert paid == 0 and all(m.pay.pool_unpaid for m in team.members)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(months())
def test_every_record_left_out_names_a_rule_the_user_can_read(data):
    from handlers.ui.i18n import EN, ZH
    from handlers.ui.scores import GOOD

    for m in score_team(data, DEFAULT).members:
        for line in m.lines:
            for r in line.records:
                assert f"reason.{r.reason}" in EN and f"reason.{r.reason}" in ZH, r.reason
                if not r.counted:
                    assert r.reason not in GOOD and r.reason not in ("not_yet", "not_again")
