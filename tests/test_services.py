"""Services on a real database: races, atomicity, idempotency, follow-up rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from storage import touches as touches_module
from storage.customers import CustomerDraft, register_customer
from storage.errors import DuplicateCustomer, NotFound
from storage.fields import match_key
from storage.followups import complete, open_followups, snooze
from storage.members import Actor, Profile, ensure_member
from storage.models import Customer, Followup, Member, Touch
from storage.touches import TouchDraft, log_touch
from tests.helpers import all_rows, count, days, scalars


async def _member(db, user: str, tz: str = "Asia/Shanghai") -> Actor:
    async def profile() -> Profile:
        return Profile(name=user, timezone=tz, locale="en")

    return await ensure_member(db.sessions, "T1", user, profile)


async def test_first_contact_creates_member_once_even_when_concurrent(db):
    calls = 0

    async def profile() -> Profile:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return Profile(name="Ann", timezone="Europe/Berlin", locale="zh")

    a, b = await asyncio.gather(
        ensure_member(db.sessions, "T1", "U1", profile),
        ensure_member(db.sessions, "T1", "U1", profile),
    )
    assert a.member_id == b.member_id
    c = await ensure_member(db.sessions, "T1", "U1", profile)
    assert c == a and calls == 2  # a known member is not looked up again
    assert (a.timezone, a.locale) == ("Europe/Berlin", "zh")


async def test_two_reps_registering_the_same_phone_at_once_cannot_both_win(db):
    # SQLite's single connection serialises the two; on PostgreSQL they truly race and the
    # loser takes the unique-constraint branch.
    ann, bob = await _member(db, "U1"), await _member(db, "U2")
    results = await asyncio.gather(
        register_customer(
            db.sessions, ann, CustomerDraft(name="Acme", phone="13800138000"), phone_region="CN"
        ),
        register_customer(
            db.sessions,
            bob,
            CustomerDraft(name="ACME Co", phone="+86 138 0013 8000"),
            phone_region="CN",
        ),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], DuplicateCustomer)
    assert lost[0].params["owner"] == won[0][0].owner_user_id
    assert await count(db, Customer) == 1


async def test_the_database_refuses_duplicates_even_without_the_service_check(db):
    ann = await _member(db, "U1")
    await register_customer(
        db.sessions, ann, CustomerDraft(name="Acme", company="X"), phone_region="CN"
    )
    with pytest.raises(IntegrityError):
        async with db.sessions.begin() as s:
            s.add(
                Customer(
                    workspace_id="T1",
                    owner_id=ann.member_id,
                    name="\u0410CME",  # a look-alike, written past the service
                    name_key=match_key("\u0410CME"),
                    company="x",
                    company_key=match_key("x"),
                )
            )


async def test_phone_region_is_a_setting(db):
    ann = await _member(db, "U1")
    c, _ = await register_customer(
        db.sessions, ann, CustomerDraft(name="Bo", phone="(415) 555-0100"), phone_region="US"
    )
    assert c.phone == "+14155550100"


async def test_a_failure_midway_rolls_the_whole_touch_back(db, monkeypatch):
    ann = await _member(db, "U1")
    c, _ = await register_customer(db.sessions, ann, CustomerDraft(name="Acme"), phone_region="CN")
    before = await all_rows(db)

    async def broken(session, **kwargs):
        # The last write of the touch's transaction, after the touch and its follow-up:
        # a row the database refuses (a check constraint).
        await session.execute(
            insert(Followup).values(
                workspace_id=ann.workspace_id,
                customer_id=c.id,
                member_id=ann.member_id,
                due_on=days(2),
                status="not-a-status",
            )
        )

    monkeypatch.setattr(touches_module, "record_change", broken)
    with pytest.raises(IntegrityError):
        await log_touch(
            db.sessions,
            ann,
            TouchDraft(kind="inquiry", customer_id=c.id, next_followup=days(2)),
            currency="CNY",
        )
    assert await all_rows(db) == before


async def test_outbound_touch_settles_open_followups_but_an_inquiry_does_not(db):
    ann = await _member(db, "U1")
    c, _ = await register_customer(db.sessions, ann, CustomerDraft(name="Acme"), phone_region="CN")
    await log_touch(
        db.sessions,
        ann,
        TouchDraft(kind="call", customer_id=c.id, next_followup=days(1)),
        currency="CNY",
    )
    inquiry = await log_touch(
        db.sessions, ann, TouchDraft(kind="inquiry", customer_id=c.id), currency="CNY"
    )
    assert inquiry.followups_closed == 0
    visit = await log_touch(
        db.sessions,
        ann,
        TouchDraft(kind="visit", customer_id=c.id, next_followup=days(5)),
        currency="CNY",
    )
    assert visit.followups_closed == 1
    rows = await scalars(db, select(Followup).order_by(Followup.id))
    assert [(f.status, f.due_on) for f in rows] == [("done", days(1)), ("open", days(5))]
    assert rows[0].done_touch_id == visit.touch.id


async def test_first_order_makes_a_lead_active(db):
    ann = await _member(db, "U1")
    c, _ = await register_customer(db.sessions, ann, CustomerDraft(name="Acme"), phone_region="CN")
    assert c.status == "lead"
    await log_touch(
        db.sessions, ann, TouchDraft(kind="order", customer_id=c.id, amount="1w"), currency="CNY"
    )
    [customer] = await scalars(db, select(Customer))
    [order] = await scalars(db, select(Touch))
    assert customer.status == "active" and order.amount_minor == 1_000_000


async def test_followups_are_listed_most_overdue_first_and_churned_customers_drop_out(db):
    ann = await _member(db, "U1")
    names = ["Soon", "Late", "Churned"]
    ids = {}
    for name in names:
        c, _ = await register_customer(
            db.sessions, ann, CustomerDraft(name=name), phone_region="CN"
        )
        ids[name] = c.id
    await log_touch(
        db.sessions,
        ann,
        TouchDraft(kind="call", customer_id=ids["Soon"], next_followup=days(3)),
        currency="CNY",
    )
    await log_touch(
        db.sessions,
        ann,
        TouchDraft(kind="call", customer_id=ids["Churned"], next_followup=days(0)),
        currency="CNY",
    )
    # A follow-up promised for today, seen two days later, is overdue.
    await log_touch(
        db.sessions,
        ann,
        TouchDraft(kind="call", customer_id=ids["Late"], next_followup=days(0)),
        currency="CNY",
    )
    async with db.sessions.begin() as s:
        late = await s.scalar(select(Followup).where(Followup.customer_id == ids["Late"]))
        late.due_on = days(-2)
        churned = await s.get(Customer, ids["Churned"])
        churned.status = "churned"
    listed = await open_followups(db.sessions, ann)
    assert [f.customer_name for f in listed.items] == ["Late", "Soon"]
    assert listed.total == 2
    due_soon = await open_followups(db.sessions, ann, due_by=days(1))
    assert [f.customer_name for f in due_soon.items] == ["Late"]


async def test_snooze_keeps_the_promised_date_and_complete_is_idempotent(db):
    ann = await _member(db, "U1")
    c, _ = await register_customer(db.sessions, ann, CustomerDraft(name="Acme"), phone_region="CN")
    await log_touch(
        db.sessions,
        ann,
        TouchDraft(kind="call", customer_id=c.id, next_followup=days(0)),
        currency="CNY",
    )
    [f] = (await open_followups(db.sessions, ann)).items
    s1 = await snooze(db.sessions, ann, f.id, from_due=f.effective_due)
    assert (s1.due_on, s1.effective_due, s1.snooze_count) == (days(0), days(1), 1)
    done = await complete(db.sessions, ann, f.id)
    again = await complete(db.sessions, ann, f.id)
    assert done.status == again.status == "done"
    bob = await _member(db, "U2")
    with pytest.raises(NotFound):
        await complete(db.sessions, bob, f.id)


async def test_follow_up_dates_use_the_members_own_calendar(db):
    # 23:30 UTC is already tomorrow in Shanghai but still today in Los Angeles.
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    shanghai = await _member(db, "U1", "Asia/Shanghai")
    la = await _member(db, "U2", "America/Los_Angeles")
    assert shanghai.today(now).isoformat() == "2026-03-11"
    assert la.today(now).isoformat() == "2026-03-10"
    c, _ = await register_customer(db.sessions, la, CustomerDraft(name="Acme"), phone_region="US")
    logged = await log_touch(
        db.sessions,
        la,
        TouchDraft(
            kind="call",
            customer_id=c.id,
            next_followup="today",
            occurred_at=now - timedelta(hours=1),
        ),
        currency="USD",
        now=now,
    )
    assert logged.touch.next_followup_on.isoformat() == "2026-03-10"


async def test_a_stale_profile_is_read_again_and_a_slack_outage_keeps_the_old_one(db):
    profiles = [
        Profile(name="Ann", timezone="Asia/Shanghai", locale="en"),
        Profile(name="Ann Li", timezone="Europe/Berlin", locale="zh"),
    ]

    async def fetch() -> Profile:
        return profiles.pop(0)

    first = await ensure_member(db.sessions, "T1", "U1", fetch)
    assert first.locale == "en"
    async with db.sessions.begin() as s:
        member = await s.get(Member, first.member_id)
        member.updated_at = member.updated_at - timedelta(days=2)
    refreshed = await ensure_member(db.sessions, "T1", "U1", fetch)
    assert (refreshed.name, refreshed.timezone, refreshed.locale) == (
        "Ann Li",
        "Europe/Berlin",
        "zh",
    )
    assert refreshed.member_id == first.member_id

    async def down() -> Profile:
        raise ConnectionError("slack unreachable")

    async with db.sessions.begin() as s:
        member = await s.get(Member, first.member_id)
        member.updated_at = member.updated_at - timedelta(days=2)
    assert (await ensure_member(db.sessions, "T1", "U1", down)).locale == "zh"
    with pytest.raises(ConnectionError):
        await ensure_member(db.sessions, "T1", "U2", down)


async def test_the_same_request_key_twice_at_once_writes_one_touch(db):
    ann = await _member(db, "U1")
    c, _ = await register_customer(db.sessions, ann, CustomerDraft(name="Acme"), phone_region="CN")
    draft = TouchDraft(kind="order", customer_id=c.id, amount="100", next_followup=days(1))
    a, b = await asyncio.gather(
        log_touch(db.sessions, ann, draft, currency="CNY", request_key="T1:view:V1"),
        log_touch(db.sessions, ann, draft, currency="CNY", request_key="T1:view:V1"),
    )
    assert a.touch.id == b.touch.id
    assert sorted([a.created, b.created]) == [False, True]
    assert await count(db, Touch) == 1 and await count(db, Followup) == 1
