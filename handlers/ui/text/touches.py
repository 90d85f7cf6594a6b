"""`/touch` and the touch form: logging a touch with a customer."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Results
    "touch.logged": (
        "Logged: {kind} with *{customer}*, {when}.",
        "已记录与*{customer}*的{kind}（{when}）。",
    ),
    "touch.amount": ("Amount: {amount}.", "金额：{amount}。"),
    "touch.rating": ("Rating: {rating}.", "评分：{rating}。"),
    "touch.next": ("Next follow-up: {date}.", "下次跟进：{date}。"),
    "touch.closed": (
        "Settled {n} open follow-up(s) on this customer.",
        "已完成该客户的 {n} 项待跟进。",
    ),
    "touch.already": ("This touch was already logged.", "这次接触已经记录过了。"),
    # Errors
    "error.already_logged": (
        "You already logged this message as a touch with *{customer}*.",
        "这条消息你已经记录过了（客户*{customer}*）。",
    ),
    "error.not_owner": (
        "*{name}* belongs to <@{owner}>. You can log touches only on your own customers.",
        "*{name}*归属于 <@{owner}>。你只能为自己的客户记录接触。",
    ),
    "error.not_your_team": (
        "*{name}* belongs to <@{owner}>, who is not on a team you manage. "
        "Ratings, complaints and inquiries on a colleague's customer come only from service "
        "agents and the owner's own manager.",
        "*{name}*归属于 <@{owner}>，不在你管理的团队。对同事客户的评分、"
        "投诉和咨询只能由客服或该负责人所在团队的经理录入。",
    ),
    # Usage
    "usage.touch": (
        "`/touch <customer> <kind> [amount] [note] [next:YYYY-MM-DD]`, e.g. "
        "`/touch acme call discussed renewal next:2026-12-01` or "
        "`/touch acme order 12000 annual renewal signed`. Quote a name that holds a kind word: "
        '`/touch "call center inc" call`. `/touch` alone opens the form.',
        "`/touch <客户> <类型> [金额] [备注] [next:YYYY-MM-DD]`，例如 "
        "`/touch acme call 讨论续约 next:2026-12-01` 或 `/touch acme order 12000 年度续约已签`。"
        '名称中含有类型词时请加引号：`/touch "call center inc" call`。单独输入 `/touch` 打开表单。',
    ),
}
