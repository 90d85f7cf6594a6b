"""/score, its records, /leaderboard, App Home's card and team set-up, end to end."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.fakeslack.driver import render_text
from handlers.ids import Action, Command
from storage.models import AuditEntry, Customer, Member, Team, TeamMembership, Touch
from storage.org import OrgFile, import_org
from tests.helpers import scalars

ORG = {
    "workspace": "T0TEAM",
    "admins": ["U0HR"],
    "teams": [
        {
            "name": "East Sales",
            "channel": "C0EAST",
            "timezone": "Asia/Shanghai",
            "manager": "U0MGR",
            "members": [
                {"user": "U0ALICE", "role": "sales"},
                {"user": "U0BOB", "role": "sales"},
                {"user": "U0LI", "role": "service"},
            ],
        }
    ],
}


SHANGHAI = ZoneInfo("Asia/Shanghai")


def month_start(months_back: int = 0) -> datetime:
    """Midnight on the first of this month (or an earlier one) in Shanghai, as UTC."""
    local = datetime.now(UTC).astimezone(SHANGHAI)
    year, month = divmod(local.year * 12 + local.month - 1 - months_back, 12)
    return datetime(year, month + 1, 1, tzinfo=SHANGHAI).astimezone(UTC)


def label(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m}"


async def placed_since(db, when: datetime) -> None:
    """Date every placement back (or forward) to `when`, as if the team was set up then."""
    async with db.sessions.begin() as s:
        await s.execute(update(TeamMembership).values(valid_from=when))


@pytest.fixture
async def team(stack):
    for user, name in (("U0MGR", "Mia Manager"), ("U0HR", "Hana HR"), ("U0EVE", "Eve Else")):
        stack.fake.add_user(user, name)
    await import_org(stack.db.sessions, OrgFile.model_validate(ORG))
    # As if the team had been set up on the first of the month, whatever today's date.
    await placed_since(stack.db, month_start())
    slack = stack.slack
    await slack.command("U0ALICE", Command.CUSTOMER, "add Acme Ltd, , 13800138000")
    await slack.command("U0ALICE", Command.TOUCH, "acme order 60000 renewal")
    await slack.command("U0BOB", Command.CUSTOMER, "add Globex, , 13900139000")
    await slack.command("U0BOB", Command.TOUCH, "globex order 20000 pilot")
    return stack


async def test_score_shows_every_line_rank_and_pay(team):
    r = await team.slack.command("U0ALICE", Command.SCORE)
    text = r.message_text
    assert r.json["response_type"] == "ephemeral"
    assert "rank *1* of 3" in text
    assert "Projected pay" in text
    for metric in ("Revenue", "Conversion", "New customers", "Data timeliness", "Data quality"):
        assert f"*{metric}*" in text
    assert "CN¥60,000.00 of CN¥100,000.00 target" in text
    assert "no data yet" in text  # e.g. satisfaction: weight shared out, not a zero


async def test_records_modal_lists_what_counted_and_why(team):
    r = await team.slack.command("U0ALICE", Command.SCORE)
    revenue_at = next(
        i
        for i, b in enumerate(r.json["blocks"])
        if "*Revenue*" in b.get("text", {}).get("text", "")
    )
    await team.slack.click("U0ALICE", [r.json["blocks"][revenue_at]], Action.SCORE_RECORDS)
    [opened] = await team.fake.wait_for("views.open")
    shown = render_text(opened.args["view"])
    assert "Revenue · " in shown and "*Acme Ltd*" in shown and "CN¥60,000.00" in shown
    # Bob may not open Alice's records.
    await team.slack.click("U0BOB", [r.json["blocks"][revenue_at]], Action.SCORE_RECORDS)
    [posted] = await team.fake.wait_posted()
    assert "your own reports only" in render_text(posted.payload)


async def test_records_modal_pages_within_block_kit_limits(team):
    for i in range(45):
        await team.slack.command("U0ALICE", Command.CUSTOMER, f"add Lead {i:02d}")
    r = await team.slack.command("U0ALICE", Command.SCORE)
    quality = next(
        b for b in r.json["blocks"] if "*Data quality*" in b.get("text", {}).get("text", "")
    )
    await team.slack.click("U0ALICE", [quality], Action.SCORE_RECORDS)
    [opened] = await team.fake.wait_for("views.open")
    view = opened.response["view"]
    assert "Page 1 of 3" in render_text(view)
    await team.slack.click("U0ALICE", view["blocks"], Action.RECORDS_NEXT, view=view)
    [updated] = await team.fake.wait_for("views.update")
    assert "Page 2 of 3" in render_text(updated.args["view"])


async def test_score_of_a_report_is_for_their_manager_only(team):
    r = await team.slack.command("U0MGR", Command.SCORE, "<@U0BOB|bob>")
    assert "Bob Smith — " in r.message_text and "Projected pay" in r.message_text
    assert "<@U0BOB>" not in r.message_text  # a header is plain text: no raw mentions
    r = await team.slack.command("U0ALICE", Command.SCORE, "<@U0BOB|bob>")
    assert "your own reports only" in r.message_text
    assert "Projected pay" not in r.message_text


async def test_leaderboard_shows_pay_to_the_member_and_the_manager_only(team):
    r = await team.slack.command("U0BOB", Command.LEADERBOARD)
    text = r.message_text
    assert r.json["response_type"] == "ephemeral"
    assert text.index("<@U0ALICE>") < text.index("<@U0BOB>")
    bob_line = next(line for line in text.splitlines() if "<@U0BOB>" in line)
    alice_line = next(line for line in text.splitlines() if "<@U0ALICE>" in line)
    assert "CN¥" in bob_line and "CN¥" not in alice_line
    r = await team.slack.command("U0MGR", Command.LEADERBOARD)
    assert r.message_text.count("CN¥") == 3


async def test_home_shows_the_score_card(team):
    await team.slack.open_home("U0ALICE")
    await team.fake.wait_for("views.publish")
    home = render_text(team.fake.homes["U0ALICE"])
    assert "Your score this month" in home and "rank *1* of 3" in home
    await team.slack.click_home("U0ALICE", Action.OPEN_SCORE)
    [opened] = await team.fake.wait_for("views.open")
    assert "*Revenue*" in render_text(opened.args["view"])


async def test_someone_without_a_team_is_told_how_to_get_one(team):
    r = await team.slack.command("U0EVE", Command.SCORE)
    assert "not on a team yet" in r.message_text


async def test_admins_set_up_teams_and_everyone_else_is_refused(team):
    r = await team.slack.command("U0EVE", Command.CRM, 'team create "West" <#C0WEST|west>')
    assert "Only admins can set up teams or preview schemes" in r.message_text
    r = await team.slack.command(
        "U0HR", Command.CRM, 'team create "West Sales" <#C0WEST|west> Europe/Berlin'
    )
    assert "Team *West Sales* is set up" in r.message_text
    r = await team.slack.command("U0HR", Command.CRM, 'team add "West Sales" <@U0EVE|eve> service')
    assert "<@U0EVE> is on *West Sales* as service" in r.message_text
    r = await team.slack.command("U0HR", Command.CRM, 'team add "Nowhere" <@U0EVE|eve> sales')
    assert "There is no team called “Nowhere”" in r.message_text
    r = await team.slack.command("U0EVE", Command.CRM, "team list")
    assert "*West Sales* · <#C0WEST> · Europe/Berlin" in r.message_text
    [west] = await scalars(team.db, select(Team).where(Team.name == "West Sales"))
    [eve] = await scalars(team.db, select(Member).where(Member.slack_user_id == "U0EVE"))
    assert (eve.team_id, eve.role) == (west.id, "service")
    actions = [a.action for a in await scalars(team.db, select(AuditEntry))]
    assert actions.count("team.create") == 2 and "member.place" in actions


async def test_scheme_preview_replays_last_month_for_admins(team):
    r = await team.slack.command("U0HR", Command.CRM, "scheme preview default")
    assert "*East Sales*" in r.message_text and "replayed on" in r.message_text
    r = await team.slack.command("U0ALICE", Command.CRM, "scheme preview default")
    assert "Only admins" in r.message_text
    r = await team.slack.command("U0HR", Command.CRM, "scheme preview ../../etc/passwd")
    assert "is not a scheme name" in r.message_text


def test_org_import_cli(tmp_path, database_url):
    import yaml

    def run(org: dict) -> subprocess.CompletedProcess:
        path = tmp_path / "org.yml"
        path.write_text(yaml.safe_dump(org))
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "org", "import", str(path)],
            env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )

    out = run(ORG)
    assert out.returncode == 0, out.stderr
    assert "imported 1 team(s)" in out.stdout
    out = run({**ORG, "teams": [{"name": "X", "timezone": "Mars/Base"}]})
    assert out.returncode == 2 and "Mars/Base" in out.stderr
    out = run({**ORG, "teams": [{"name": "X", "scheme": "nosuch"}]})
    assert out.returncode == 2 and "nosuch" in out.stderr
    out = run({**ORG, "teams": [{"name": "X", "holidays": "XX"}]})
    assert out.returncode == 2 and "XX" in out.stderr
    out = run({**ORG, "teams": [{"name": "Berlin", "timezone": "Europe/Berlin", "holidays": "de"}]})
    assert out.returncode == 0, out.stderr


async def test_a_burst_waits_for_the_manager_then_counts(team):
    slack = team.slack
    for i in range(10):
        await slack.command("U0BOB", Command.CUSTOMER, f"add Burst {i}")
        await slack.command("U0BOB", Command.TOUCH, f"burst {i} call hello")
    r = await slack.command("U0BOB", Command.SCORE)
    assert "not counted" in r.message_text
    r = await slack.command("U0MGR", Command.SCORE, "<@U0BOB|bob>")
    timeliness = next(
        b for b in r.json["blocks"] if "*Data timeliness*" in b.get("text", {}).get("text", "")
    )
    await slack.click("U0MGR", [timeliness], Action.SCORE_RECORDS)
    [opened] = await team.fake.wait_for("views.open")
    view = opened.response["view"]
    shown = render_text(view)
    assert "waits for your manager's review" in shown
    assert "Let 11 flagged touches count" in shown  # the pilot order came in the same burst
    await slack.click("U0MGR", view["blocks"], Action.ACCEPT_BURST, view=view)
    [updated] = await team.fake.wait_for("views.update")
    assert "flagged touches count" not in render_text(updated.args["view"])
    r = await slack.command("U0BOB", Command.SCORE)
    assert "not counted" not in r.message_text
    assert "burst.accept" in [a.action for a in await scalars(team.db, select(AuditEntry))]
    # Bob himself cannot accept his own burst: the button is not offered to him.
    r = await slack.command("U0BOB", Command.SCORE)
    own = next(
        b for b in r.json["blocks"] if "*Data timeliness*" in b.get("text", {}).get("text", "")
    )
    await slack.click("U0BOB", [own], Action.SCORE_RECORDS)
    opened = (await team.fake.wait_for("views.open", 2))[1]
    assert "flagged touches count" not in render_text(opened.args["view"])


async def test_score_last_for_a_month_before_the_team_existed_gives_no_card(team):
    previous = label(month_start(1))
    r = await team.slack.command("U0ALICE", Command.SCORE, "last")
    text = r.message_text
    assert f"You were not on East Sales in {previous}" in text
    assert "rank" not in text and "CN¥" not in text and "Projected" not in text
    r = await team.slack.command("U0MGR", Command.SCORE, "last <@U0BOB|bob>")
    assert f"<@U0BOB> was not on East Sales in {previous}" in r.message_text
    r = await team.slack.command("U0BOB", Command.LEADERBOARD, "last")
    assert f"No one on East Sales was scored in {previous}" in r.message_text
    assert "<@U0" not in r.message_text
    # A records button for that month (stale or hand-made) gets the same answer, no crash.
    r = await team.slack.command("U0ALICE", Command.SCORE)
    revenue = next(b for b in r.json["blocks"] if "*Revenue*" in b.get("text", {}).get("text", ""))
    value = json.loads(revenue["accessory"]["value"]) | {"period": previous}
    revenue["accessory"]["value"] = json.dumps(value)
    await team.slack.click("U0ALICE", [revenue], Action.SCORE_RECORDS)
    [posted] = await team.fake.wait_posted()
    assert f"You were not on East Sales in {previous}" in render_text(posted.payload)


async def test_an_ended_month_says_pay_is_pro_rata_and_an_all_zero_pool_is_unpaid(team):
    start = month_start(1)
    local = start.astimezone(SHANGHAI)
    days_in_month = (month_start() - start).days
    await placed_since(team.db, datetime(local.year, local.month, 21, 15, tzinfo=SHANGHAI))
    days = days_in_month - 20  # the 21st (the day of joining counts) to the month's end
    r = await team.slack.command("U0ALICE", Command.SCORE, "last")
    text = r.message_text
    assert f"Your score — {label(start)}" in text and "rank *1* of 3" in text
    assert "Projected" not in text  # an ended month's pay is not a projection
    cent = Decimal("0.01")
    base = (Decimal(6000) * days / days_in_month).quantize(cent)
    total = (Decimal(7200) * days / days_in_month).quantize(cent)  # base + 4,000 × 0.3
    assert f"Pay CN¥{total:,} = base CN¥{base:,}" in text
    assert f"pro rata for {days} of {days_in_month} days on the team" in text
    # Nobody had any work last month: the pool is not paid, and the line says so.
    assert "no team bonus: no one on the team scored above zero" in text
    r = await team.slack.command("U0MGR", Command.LEADERBOARD, "last")
    assert r.message_text.count(f"CN¥{total:,}") == 2  # Alice and Bob
    # This month is open: projected, and a full month on the team.
    r = await team.slack.command("U0ALICE", Command.SCORE)
    assert "Projected pay" in r.message_text and "pro rata" not in r.message_text
    assert "team bonus CN¥" in r.message_text


async def test_someone_who_joins_today_is_paid_for_the_rest_of_the_month(team):
    r = await team.slack.command("U0HR", Command.CRM, 'team add "East Sales" <@U0EVE|eve> sales')
    assert "<@U0EVE> is on *East Sales* as sales" in r.message_text
    today = datetime.now(UTC).astimezone(SHANGHAI)
    days_in_month = (month_start(-1) - month_start()).days
    days = days_in_month - today.day + 1
    r = await team.slack.command("U0EVE", Command.SCORE)
    assert "Projected pay" in r.message_text
    if days < days_in_month:
        assert f"pro rata for {days} of {days_in_month} days on the team" in r.message_text
    r = await team.slack.command("U0EVE", Command.SCORE, "last")
    assert "You were not on East Sales in " in r.message_text
    await team.slack.open_home("U0EVE")
    await team.fake.wait_for("views.publish")
    assert "Projected pay" in render_text(team.fake.homes["U0EVE"])


async def test_placements_are_kept_as_history(team):
    slack = team.slack
    await slack.command("U0HR", Command.CRM, 'team create "West Sales"')
    await slack.command("U0HR", Command.CRM, 'team add "West Sales" <@U0BOB|bob> service')
    await slack.command("U0HR", Command.CRM, 'team add "West Sales" <@U0BOB|bob> manager')
    [bob] = await scalars(team.db, select(Member).where(Member.slack_user_id == "U0BOB"))
    rows = await scalars(
        team.db,
        select(TeamMembership)
        .where(TeamMembership.member_id == bob.id)
        .order_by(TeamMembership.id),
    )
    teams = {t.id: t.name for t in await scalars(team.db, select(Team))}
    assert [(teams[r.team_id], r.role, r.valid_to is None) for r in rows] == [
        ("East Sales", "sales", False),
        ("West Sales", "service", False),
        ("West Sales", "manager", True),
    ]
    assert all(a.valid_to == b.valid_from for a, b in itertools.pairwise(rows))
    # Bob left East Sales today: this month he is scored there for the days before today.
    r = await slack.command("U0MGR", Command.LEADERBOARD)
    today = datetime.now(UTC).astimezone(SHANGHAI).day
    assert ("<@U0BOB>" in r.message_text) == (today > 1)


async def test_service_rates_a_reps_customer_and_the_rating_counts_for_the_owner(team):
    slack = team.slack
    r = await slack.command("U0LI", Command.TOUCH, "acme satisfaction csat:5 很满意")
    assert "已记录与*Acme Ltd*的满意度调查" in r.message_text
    r = await slack.command("U0LI", Command.TOUCH, "acme complaint late delivery")
    assert "Acme Ltd" in r.message_text and "投诉" in r.message_text
    r = await slack.command("U0LI", Command.TOUCH, "acme call follow up")
    assert "归属于 <@U0ALICE>" in r.message_text  # other kinds stay with the owner
    r = await slack.command("U0ALICE", Command.SCORE)
    sat = next(b for b in r.json["blocks"] if "*Satisfaction*" in b.get("text", {}).get("text", ""))
    assert "customer ratings: 1 · CSAT 5.0" in sat["text"]["text"]
    comp = next(b for b in r.json["blocks"] if "*Complaints*" in b.get("text", {}).get("text", ""))
    assert "complaints: 1 from 1 customers touched" in comp["text"]["text"]


async def test_admins_do_not_see_others_pay_and_moved_managers_lose_their_reports(team):
    r = await team.slack.command("U0HR", Command.SCORE, "<@U0BOB|bob>")
    assert "your own reports only" in r.message_text
    r = await team.slack.command("U0HR", Command.CRM, 'team create "North"')
    r = await team.slack.command("U0HR", Command.CRM, 'team add "North" <@U0MGR|mia> manager')
    r = await team.slack.command("U0MGR", Command.SCORE, "<@U0BOB|bob>")
    assert "your own reports only" in r.message_text
    [east] = await scalars(team.db, select(Team).where(Team.name == "East Sales"))
    assert east.manager_id is None


async def test_a_sales_rep_cannot_rate_or_complain_about_a_peers_customer(team):
    r = await team.slack.command("U0BOB", Command.TOUCH, "acme satisfaction csat:1")
    assert "belongs to <@U0ALICE>" in r.message_text
    r = await team.slack.command("U0BOB", Command.TOUCH, "acme complaint rude")
    assert "belongs to <@U0ALICE>" in r.message_text


async def test_a_manager_asking_for_their_own_score_is_pointed_to_their_reports(team):
    r = await team.slack.command("U0MGR", Command.SCORE)
    assert "Managers and admins are not scored" in r.message_text


async def test_a_month_before_the_scheme_existed_is_explained(team):
    from datetime import UTC, datetime

    from storage.errors import NoRules
    from storage.scores import team_scores

    [east] = await scalars(team.db, select(Team).where(Team.name == "East Sales"))
    with pytest.raises(NoRules):
        await team_scores(
            team.db.sessions, east.id, month="2025-06", now=datetime(2026, 11, 23, tzinfo=UTC)
        )


def _block(reply, metric: str) -> dict:
    return next(
        b for b in reply.json["blocks"] if f"*{metric}*" in b.get("text", {}).get("text", "")
    )


async def _opened(team, action) -> dict:
    """Do something that opens a modal; return the modal Slack opened."""
    before = len(team.fake.calls_to("views.open"))
    await action
    return (await team.fake.wait_for("views.open", before + 1))[-1].response["view"]


async def _records(team, user: str, reply, metric: str) -> str:
    button = team.slack.click(user, [_block(reply, metric)], Action.SCORE_RECORDS)
    return render_text(await _opened(team, button))


async def test_an_owners_rating_of_her_own_customer_counts_for_no_one(team):
    slack = team.slack
    await slack.command("U0LI", Command.TOUCH, "acme satisfaction csat:3")
    r = await slack.command("U0ALICE", Command.TOUCH, "acme satisfaction csat:5")
    assert "Logged: satisfaction survey with *Acme Ltd*" in r.message_text
    # The service agent's score: her own 3 and Alice's 5 are both set aside, with reasons.
    r = await slack.command("U0LI", Command.SCORE)
    assert "暂无数据" in _block(r, "满意度")["text"]["text"]  # no counted rating: no data
    shown = await _records(team, "U0LI", r, "满意度")
    assert "由本人录入" in shown and "由客户负责人本人录入" in shown
    # Alice's score: the agent's 3 counts, her own 5 does not.
    r = await slack.command("U0ALICE", Command.SCORE)
    assert "customer ratings: 1 · CSAT 3.0" in _block(r, "Satisfaction")["text"]["text"]
    shown = await _records(team, "U0ALICE", r, "Satisfaction")
    assert "entered by this member — a rating you enter never counts for you" in shown


async def test_a_lead_whose_only_order_is_under_the_minimum_says_so(team):
    slack = team.slack
    await slack.command("U0ALICE", Command.CUSTOMER, "add Tiny Co")
    r = await slack.command("U0ALICE", Command.TOUCH, "tiny order 50 sample")
    assert "CN¥50.00" in r.message_text
    r = await slack.command("U0ALICE", Command.SCORE)
    assert "1 of 2 leads placed a first order" in _block(r, "Conversion")["text"]["text"]
    shown = await _records(team, "U0ALICE", r, "Conversion")
    assert "*Tiny Co* — the order is under the CN¥100.00 minimum — proves no purchase" in shown
    assert "no order yet" not in shown


async def test_only_service_and_the_owners_own_manager_may_complain_about_her_customer(team):
    slack, fake = team.slack, team.fake
    fake.add_user("U0RIV", "Rita Rival")
    await slack.command("U0HR", Command.CRM, 'team create "West Sales"')
    await slack.command("U0HR", Command.CRM, 'team add "West Sales" <@U0RIV|rita> manager')
    r = await slack.command("U0RIV", Command.TOUCH, "acme complaint rude on the phone")
    assert "who is not on a team you manage" in r.message_text
    r = await slack.command("U0MGR", Command.TOUCH, "acme complaint late delivery")
    assert "Logged: complaint with *Acme Ltd*" in r.message_text
    # A rival's complaint already in the database (from before this rule) counts for no one.
    [rita] = await scalars(team.db, select(Member).where(Member.slack_user_id == "U0RIV"))
    [acme] = await scalars(team.db, select(Customer).where(Customer.name == "Acme Ltd"))
    async with team.db.sessions.begin() as s:
        now = datetime.now(UTC)
        s.add(
            Touch(
                workspace_id=acme.workspace_id,
                customer_id=acme.id,
                member_id=rita.id,
                kind="complaint",
                occurred_at=now,
                logged_at=now,
                source="command",
            )
        )
    r = await slack.command("U0ALICE", Command.SCORE)
    complaints = _block(r, "Complaints")["text"]["text"]
    assert "complaints: 1 from 1 customers touched" in complaints and "1 not counted" in complaints
    shown = await _records(team, "U0ALICE", r, "Complaints")
    assert shown.count("entered by someone who may not") == 1
    # The form's customer picker offers a manager her own team's customers only.
    for user, offered in (("U0RIV", set()), ("U0MGR", {"Acme Ltd", "Globex"})):
        view = await _opened(team, slack.command(user, Command.TOUCH, ""))
        r = await slack.suggest(user, view["id"], Action.CUSTOMER_PICK, "")
        assert {o["text"]["text"] for o in r.json["options"]} == offered


async def test_a_service_desk_on_its_own_team_sees_the_same_rules(team):
    slack = team.slack
    await slack.command("U0HR", Command.CRM, 'team create "Service Desk"')
    r = await slack.command("U0HR", Command.CRM, 'team add "Service Desk" <@U0LI|li> service')
    assert "<@U0LI> is on *Service Desk* as service" in r.message_text
    await slack.command("U0LI", Command.TOUCH, "acme satisfaction csat:4")
    await slack.command("U0ALICE", Command.TOUCH, "acme satisfaction csat:5")
    await slack.command("U0MGR", Command.TOUCH, "acme satisfaction csat:2")  # Alice's manager
    r = await slack.command("U0LI", Command.SCORE)
    assert "你的得分 — " in r.message_text  # scored on Service Desk, her team now
    sat = _block(r, "满意度")["text"]["text"]
    assert "1 条客户评分 · CSAT 2.0" in sat  # only the manager's rating counts for Li
    shown = await _records(team, "U0LI", r, "满意度")
    assert "由本人录入" in shown and "由客户负责人本人录入" in shown
    r = await slack.command("U0ALICE", Command.SCORE)
    assert "customer ratings: 2 · CSAT 3.0" in _block(r, "Satisfaction")["text"]["text"]
