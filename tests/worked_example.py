"""The worked example of docs/scoring.md: Alice's November 2026, record by record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from scoring.inputs import CustomerIn, FollowupIn, MemberIn, Period, TeamData, TouchIn

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALICE, BOB, CAROL = 1, 2, 3  # Carol is a service agent in another team
SERVICE = {"logged_as": "service"}  # what storage says of an entry a service agent made


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def customer(cid, owner, created, first_order=None, phone=True, occupation=True, segment=True):
    return CustomerIn(
        cid,
        owner,
        created,
        "active" if first_order else "lead",
        phone,
        occupation,
        segment,
        first_order,
    )


def touch(tid, cid, who, kind, when, logged, **kw):
    return TouchIn(tid, cid, who, kind, when, logged, **kw)


def team_data() -> TeamData:
    customers = [
        customer(1, ALICE, at(8, 1, 10), first_order=at(9, 20, 10)),  # Acme
        customer(2, ALICE, at(10, 1, 10), first_order=at(10, 15, 10)),  # Globex
        customer(3, ALICE, at(11, 3, 14), first_order=at(11, 20, 10)),  # Initech
        customer(4, ALICE, at(11, 5, 9), segment=False),  # Umbrella
        customer(5, ALICE, at(10, 20, 9)),  # Hooli
        customer(6, ALICE, at(11, 25, 9), phone=False),  # Stark
        customer(7, BOB, at(10, 1, 9), first_order=at(11, 8, 10)),  # Wayne
    ]
    touches = [
        # Before November: the orders that make Acme and Globex recent buyers.
        touch(1, 1, ALICE, "order", at(9, 20, 10), at(9, 20, 10, 5), amount_minor=2_000_000),
        touch(2, 2, ALICE, "order", at(10, 15, 10), at(10, 15, 10, 5), amount_minor=1_000_000),
        # Alice's November.
        touch(11, 1, ALICE, "order", at(11, 12, 11), at(11, 12, 11, 5), amount_minor=4_500_000),
        touch(12, 3, ALICE, "call", at(11, 3, 15), at(11, 3, 15, 10)),
        touch(13, 3, ALICE, "order", at(11, 20, 10), at(11, 20, 10, 30), amount_minor=3_000_000),
        touch(14, 4, ALICE, "visit", at(11, 5, 10), at(11, 9, 9)),  # logged late
        touch(15, 4, ALICE, "inquiry", at(11, 5, 16), at(11, 5, 16, 5)),
        touch(16, 4, ALICE, "response", at(11, 6, 10), at(11, 6, 10, 2)),
        touch(17, 4, ALICE, "satisfaction", at(11, 6, 11), at(11, 6, 11, 1), csat=5),
        touch(18, 5, ALICE, "inquiry", at(11, 13, 15), at(11, 13, 15, 1)),
        touch(19, 5, ALICE, "call", at(11, 16, 14), at(11, 16, 14, 5)),
        touch(20, 3, ALICE, "call", at(11, 10, 9), at(11, 10, 9, 5)),
        touch(21, 3, ALICE, "call", at(11, 10, 10), at(11, 10, 10, 5)),
        touch(22, 3, ALICE, "call", at(11, 10, 11), at(11, 10, 11, 5)),
        touch(23, 3, ALICE, "call", at(11, 10, 12), at(11, 10, 12, 5)),  # 4th that day
        touch(24, 2, ALICE, "call", at(11, 18, 9, 30), at(11, 18, 9, 35)),
        # Carol, from service, rates and records a complaint on Alice's customers.
        touch(31, 1, CAROL, "satisfaction", at(11, 14, 10), at(11, 14, 10), csat=5, **SERVICE),
        touch(32, 3, CAROL, "satisfaction", at(11, 21, 10), at(11, 21, 10), nps=8, **SERVICE),
        touch(33, 2, CAROL, "complaint", at(11, 18, 15), at(11, 18, 15), **SERVICE),
        # Bob's November: one big first order, logged on time.
        touch(41, 7, BOB, "order", at(11, 8, 10), at(11, 8, 10, 10), amount_minor=12_000_000),
    ]
    followups = [
        FollowupIn(1, ALICE, 4, date(2026, 11, 6), at(11, 6, 10)),
        FollowupIn(2, ALICE, 3, date(2026, 11, 20), at(11, 21, 9)),
        FollowupIn(3, ALICE, 5, date(2026, 11, 27), None),
        FollowupIn(4, ALICE, 1, date(2026, 11, 16), at(11, 16, 17)),
    ]
    members = [MemberIn(ALICE, "Alice", "sales"), MemberIn(BOB, "Bob", "sales")]
    return TeamData(1, Period(2026, 11, "Asia/Shanghai"), members, customers, touches, followups)
