"""App Home: actions, due follow-ups and recent touches."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.ids import Action
from handlers.ui import kit
from handlers.ui.i18n import t
from handlers.ui.messages import followup_section, touch_line
from storage.followups import FollowupList
from storage.touches import TouchView

HOME_FOLLOWUPS = 10
HOME_TOUCHES = 10


def home_view(
    locale: str,
    tz: str,
    today: date,
    followups: FollowupList,
    touches: list[TouchView],
    score_card: list[kit.Block] | None = None,
) -> dict[str, Any]:
    """The member's App Home tab: score card, actions, follow-ups, recent touches."""
    blocks: list[kit.Block] = [
        kit.header(t(locale, "home.header")),
        kit.context(t(locale, "home.intro")),
        *(score_card or []),
        kit.actions(
            kit.button(t(locale, "button.log_touch"), Action.OPEN_TOUCH_FORM, style="primary"),
            kit.button(t(locale, "button.register"), Action.OPEN_CUSTOMER_FORM),
        ),
        kit.divider(),
        kit.header(f"{t(locale, 'home.followups')} ({followups.total})"),
    ]
    blocks += followup_section(locale, followups, today, HOME_FOLLOWUPS, "home.no_followups")
    blocks += [kit.divider(), kit.header(t(locale, "home.recent"))]
    if touches:
        blocks.append(
            kit.section(
                "\n".join(f"• {touch_line(locale, tz, tv)}" for tv in touches[:HOME_TOUCHES])
            )
        )
    else:
        blocks.append(kit.section(t(locale, "home.no_touches")))
    return {"type": "home", "blocks": blocks}
