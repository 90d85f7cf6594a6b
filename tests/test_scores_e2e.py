"""/score, its records, /leaderboard, App Home's card and team set-up, end to end."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.fakeslack.driver import render_text
from handlers.ids import Action, Command
from storage.models import AuditEntry, Member, Team
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


@pytest.fixture
async def team(stack):
    for user, name in (("U0MGR", "Mia Manager"), ("U0HR", "Hana HR"), ("U0EVE", "Eve Else")):
        stack.fake.add_user(user, name)
    await import_org(stack.db.sessions, OrgFile.model_validate(ORG))
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
    assert "Only admins can change teams" in r.message_text
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


async def test_score_last_shows_the_previous_month(team):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    previous = f"{local.year - (local.month == 1):04d}-{(local.month - 2) % 12 + 1:02d}"
    r = await team.slack.command("U0ALICE", Command.SCORE, "last")
    assert f"Your score — {previous}" in r.message_text
    assert "CN¥0.00 of CN¥100,000.00 target" in r.message_text  # this month's order is not in it


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
