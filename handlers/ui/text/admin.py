"""`/crm` for admins: teams, members and scheme previews."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Teams, members and scheme previews
    "crm.teams": ("Teams", "团队"),
    "crm.no_teams": (
        "No teams yet. An admin creates one with `/crm team create`.",
        "还没有团队。管理员可用 `/crm team create` 创建。",
    ),
    "crm.team_line": (
        "*{name}* · {channel} · {timezone} · manager {manager} · {members}",
        "*{name}* · {channel} · {timezone} · 经理 {manager} · {members}",
    ),
    "crm.nobody": ("nobody", "无"),
    "crm.done": ("Done. {what}", "完成。{what}"),
    "crm.team_created": ("Team *{name}* is set up.", "团队*{name}*已设置。"),
    "crm.team_updated": (
        "Team *{name}* already exists; its settings are updated.",
        "团队*{name}*已存在，已更新其设置。",
    ),
    "crm.member_placed": (
        "<@{user}> is on *{name}* as {role}.",
        "<@{user}> 已加入*{name}*，角色 {role}。",
    ),
    "crm.preview_header": (
        "Scheme “{scheme}” replayed on {period}",
        "方案“{scheme}”在 {period} 的回放",
    ),
    "crm.preview_line": (
        "<@{user}> {old} → {new} · {old_pay} → {new_pay}",
        "<@{user}> {old} → {new} · {old_pay} → {new_pay}",
    ),
    "crm.preview_none": ("No scored members to compare.", "没有可比较的成员。"),
    # Errors
    "error.not_admin": (
        "Only admins can set up teams or preview schemes. Ask a workspace admin, "
        "or an admin of CRM Pay.",
        "只有管理员可以设置团队或预览方案。请联系工作区管理员或 CRM Pay 管理员。",
    ),
    "field.timezone_unknown": (
        "“{value}” is not a time zone. Use a name such as Asia/Shanghai.",
        "“{value}”不是时区。请使用 Asia/Shanghai 这样的名称。",
    ),
    "error.team_not_found": (
        "There is no team called “{name}”. `/crm team list` shows them.",
        "没有名为“{name}”的团队。用 `/crm team list` 查看。",
    ),
    "field.role_unknown": (
        "“{value}” is not a role. Use sales, service, manager or admin.",
        "“{value}”不是角色。请使用 sales、service、manager 或 admin。",
    ),
    "field.user_mention": (
        "“{value}” is not a person. Mention them with @ and pick from the list.",
        "“{value}”不是成员。请用 @ 提及并从列表中选择。",
    ),
    "field.scheme_name": (
        "“{value}” is not a scheme name (letters, digits, - and _).",
        "“{value}”不是方案名称（字母、数字、- 和 _）。",
    ),
    "field.scheme_unknown": ("There is no scheme called “{value}”.", "没有名为“{value}”的方案。"),
    "field.scheme_invalid": ("That scheme does not validate: {value}", "该方案未通过校验：{value}"),
    # Usage
    "usage.crm_admin": (
        'Admins: `/crm team list`, `/crm team create "<name>" #channel '
        '<time zone>`, `/crm team add "<name>" @member sales|service|manager|admin`, '
        "`/crm scheme preview <name>`.",
        '管理员：`/crm team list`、`/crm team create "<名称>" #频道 <时区>`、'
        '`/crm team add "<名称>" @成员 sales|service|manager|admin`、'
        "`/crm scheme preview <名称>`。",
    ),
}
