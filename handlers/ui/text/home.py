"""App Home."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # App Home
    "home.header": ("CRM Pay", "CRM Pay"),
    "home.intro": (
        "Log customer touches here or with /touch. Every touch counts towards your pay.",
        "在这里或用 /touch 记录客户接触，每一次记录都计入你的绩效。",
    ),
    "home.followups": ("Follow-ups due this week", "本周到期的跟进"),
    "home.no_followups": ("Nothing due this week.", "本周没有到期的跟进。"),
    "home.recent": ("Your recent touches", "你最近的客户接触"),
    "home.no_touches": (
        "No touches yet. Log one with /touch or the button above.",
        "还没有记录。用 /touch 或上方按钮记录一次吧。",
    ),
    "home.score": ("Your score this month", "本月得分"),
    "home.no_team": (
        "You are not on a team yet, so there is no score. An admin adds you with `/crm team add`.",
        "你还没有加入团队，因此没有得分。管理员可用 `/crm team add` 添加你。",
    ),
}
