"""`/score` and `/leaderboard`: score lines, pay and ranks."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Score lines
    "metric.revenue": ("Revenue", "销售额"),
    "metric.conversion": ("Conversion", "转化率"),
    "metric.new_customers": ("New customers", "新客户"),
    "metric.retention": ("Repurchase", "复购"),
    "metric.satisfaction": ("Satisfaction", "满意度"),
    "metric.complaints": ("Complaints", "投诉"),
    "metric.response_speed": ("Response speed", "响应速度"),
    "metric.timeliness": ("Data timeliness", "数据及时性"),
    "metric.data_quality": ("Data quality", "数据质量"),
    "metric.followups": ("Follow-ups", "跟进执行"),
    # Why a line scored as it did
    "why.revenue": ("{amount} of {target} target", "{amount}，目标 {target}"),
    "why.conversion": (
        "{ok} of {n} leads placed a first order (target {target})",
        "{n} 个潜在客户中 {ok} 个首次下单（目标 {target}）",
    ),
    "why.new_customers": (
        "new customers with a touch: {ok} (target {target})",
        "{ok} 个有接触记录的新客户（目标 {target}）",
    ),
    "why.retention": (
        "{ok} of {n} recent buyers bought again (target {target})",
        "{n} 个近期买家中 {ok} 个再次购买（目标 {target}）",
    ),
    "why.satisfaction": (
        "customer ratings: {ratings}{csat}{nps}",
        "{ratings} 条客户评分{csat}{nps}",
    ),
    "why.complaints": (
        "complaints: {ok} from {n} customers touched (zero points at {target})",
        "接触的 {n} 位客户中有 {ok} 次投诉（达到 {target} 时为零分）",
    ),
    "why.response_speed": (
        "{ok} of {n} inquiries answered within the SLA{median}",
        "{n} 次咨询中 {ok} 次在时限内回复{median}",
    ),
    "why.timeliness": (
        "{ok} of {n} touches logged by {cutoff} the next working day",
        "{n} 条接触中 {ok} 条在次一工作日 {cutoff} 前录入",
    ),
    "why.data_quality": (
        "{ok} of {n} customers have phone, occupation and age/size",
        "{n} 位客户中 {ok} 位资料完整（电话、职业、年龄段/规模）",
    ),
    "why.followups": (
        "{ok} of {n} follow-ups done by their due date",
        "{n} 项跟进中 {ok} 项按期完成",
    ),
    "why.not_counted": ("{n} not counted", "{n} 条未计入"),
    "why.na": (
        "no data yet: its {weight} points are shared over the other lines",
        "暂无数据：其 {weight} 分按比例分摊到其他指标",
    ),
    # Score card and pay
    "score.header": ("{who} — {period}", "{who} — {period}"),
    "score.you": ("Your score", "你的得分"),
    "score.summary": (
        "*{total}* / 100 · tier *{tier}* · rank *{rank}* of {of}",
        "*{total}* / 100 · 等级 *{tier}* · 排名 *{rank}* / {of}",
    ),
    "score.pay": (
        "Projected pay {total} = base {base} + variable {variable} (×{multiplier}) "
        "+ {bonus}{capped}{days}",
        "预计薪酬 {total} = 底薪 {base} + 浮动 {variable}（×{multiplier}）+ {bonus}{capped}{days}",
    ),
    "score.pay_past": (
        "Pay {total} = base {base} + variable {variable} (×{multiplier}) + {bonus}{capped}{days}",
        "薪酬 {total} = 底薪 {base} + 浮动 {variable}（×{multiplier}）+ {bonus}{capped}{days}",
    ),
    "score.bonus": ("team bonus {bonus}", "团队奖金 {bonus}"),
    "score.bonus_unpaid": (
        "no team bonus: no one on the team scored above zero, so its pool is not paid out",
        "无团队奖金：团队中无人得分高于零，奖金池不发放",
    ),
    "score.days": (
        " · pro rata for {days} of {period_days} days on the team",
        " · 按在团队的 {days}/{period_days} 天折算",
    ),
    "score.none_scored_past": (
        "No one on {team} was scored in {period}.",
        "{period} {team} 没有人参与评分。",
    ),
    "score.capped": (" (capped)", "（已封顶）"),
    "score.line": (
        "*{metric}* — {points} of {weight} points\n{why}",
        "*{metric}* — {points} / {weight} 分\n{why}",
    ),
    "score.line_na": ("*{metric}* — not applicable\n{why}", "*{metric}* — 不适用\n{why}"),
    "score.records": ("Records", "明细"),
    "score.none_scored": (
        "No one on your team has a score for {period} yet.",
        "{period} 你的团队还没有人有得分。",
    ),
    "button.see_score": ("See every line", "查看每一项"),
    # Leaderboard
    "leaderboard.header": ("{team} — {period}", "{team} — {period}"),
    "leaderboard.line": (
        "{rank}. <@{user}> *{total}* ({tier})",
        "{rank}. <@{user}> *{total}*（{tier}）",
    ),
    "leaderboard.pay": (" · {pay}", " · {pay}"),
    # Errors
    "error.not_on_team": (
        "<@{user}> was not on {team} in {period}, so there is no score or pay for that month.",
        "<@{user}> 在 {period} 不在 {team}，因此该月没有得分和薪酬。",
    ),
    "error.not_on_team_you": (
        "You were not on {team} in {period}, so there is no score or pay for that month.",
        "你在 {period} 不在 {team}，因此该月没有得分和薪酬。",
    ),
    "error.no_team": (
        "You are not on a team yet, so there is no score to show. An admin adds you "
        "with `/crm team add <team> @you sales`.",
        "你还没有加入团队，暂无得分。管理员可用 `/crm team add <团队> @你 sales` 添加你。",
    ),
    "error.not_your_report": (
        "You can see the scores of your own reports only (<@{user}> is not one).",
        "你只能查看自己下属的得分（<@{user}> 不是）。",
    ),
    "error.no_rules": (
        "The scheme “{scheme}” has no rules in force for {period}, so there is "
        "no score for that month.",
        "方案“{scheme}”在 {period} 没有生效的规则，因此该月没有得分。",
    ),
    "error.not_scored": (
        "Managers and admins are not scored. See a report with "
        "`/score @member`, or your team with `/leaderboard`.",
        "经理和管理员不参与评分。可用 `/score @成员` 查看下属，或用 `/leaderboard` 查看团队。",
    ),
    # Usage
    "usage.score": (
        "`/score` your score now · `/score last` last month · `/score @member` one of your reports",
        "`/score` 当前得分 · `/score last` 上月 · `/score @成员` 查看下属",
    ),
}
