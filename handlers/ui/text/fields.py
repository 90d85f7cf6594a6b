"""Field labels, hints and pickers; the kinds of touch and customer statuses."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Field labels (also used to name the field in error messages)
    "label.customer": ("Customer", "客户"),
    "label.kind": ("Kind", "类型"),
    "label.when": ("When", "时间"),
    "label.note": ("Note", "备注"),
    "label.amount": ("Amount (orders)", "金额（订单）"),
    "label.rating": ("Rating (satisfaction)", "评分（满意度）"),
    "label.next": ("Next follow-up", "下次跟进"),
    "label.name": ("Name", "名称"),
    "label.company": ("Company", "公司"),
    "label.phone": ("Phone", "电话"),
    "label.occupation": ("Occupation or industry", "职业或行业"),
    "label.segment": ("Age bracket or company size", "年龄段或公司规模"),
    "label.status": ("Status", "状态"),
    "label.timezone": ("Time zone", "时区"),
    "label.scheme": ("Scheme", "方案"),
    "label.user": ("Member", "成员"),
    "label.role": ("Role", "角色"),
    "label.team": ("Team name", "团队名称"),
    "label.followup": ("Follow-up", "跟进"),
    "label.command": ("Command", "命令"),
    # Hints, placeholders and option groups
    "hint.customer": ("Only your own customers are listed.", "只列出你自己的客户。"),
    "hint.amount": (
        "For orders only, e.g. 12000 or 12,000.50",
        "仅订单填写，例如 12000 或 12,000.50",
    ),
    "hint.rating": (
        "For satisfaction only: CSAT 1–5 or NPS 0–10, as the customer rated you.",
        "仅满意度调查填写：客户给出的 CSAT 1–5 或 NPS 0–10。",
    ),
    "hint.phone": (
        "Any common format; +86 138 0013 8000 and 13800138000 are the same number.",
        "常见格式均可；+86 138 0013 8000 与 13800138000 是同一号码。",
    ),
    "placeholder.customer": ("Type a name or company", "输入名称或公司"),
    "placeholder.pick": ("Choose…", "请选择…"),
    "group.age": ("Age bracket", "年龄段"),
    "group.size": ("Company size", "公司规模"),
    "group.csat": ("CSAT (1–5)", "CSAT（1–5）"),
    "group.nps": ("NPS (0–10)", "NPS（0–10）"),
    # Kinds and statuses
    "kind.call": ("call", "电话"),
    "kind.visit": ("visit", "拜访"),
    "kind.email": ("email", "邮件"),
    "kind.message": ("message", "消息"),
    "kind.meeting": ("meeting", "会议"),
    "kind.order": ("order", "订单"),
    "kind.inquiry": ("inquiry", "咨询"),
    "kind.response": ("response", "回复"),
    "kind.complaint": ("complaint", "投诉"),
    "kind.satisfaction": ("satisfaction survey", "满意度调查"),
    "status.lead": ("lead", "潜在客户"),
    "status.active": ("active", "活跃客户"),
    "status.churned": ("churned", "已流失"),
}
