"""`/crm` help for everyone."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "help.text": (
        "*CRM Pay* — log your customer work, see it count.\n"
        "• `/customer` register or find a customer\n"
        "• `/touch` log a call, visit, order, inquiry…\n"
        "• `/followup` your open follow-ups\n"
        "• Message menu → *Log as customer touch* turns a message into a touch.",
        "*CRM Pay* — 记录客户工作，让它计入绩效。\n"
        "• `/customer` 登记或查找客户\n"
        "• `/touch` 记录电话、拜访、订单、咨询……\n"
        "• `/followup` 你的待跟进\n"
        "• 消息菜单 → *Log as customer touch* 把一条消息记为客户接触。",
    ),
}
