"""The records behind a score line, and why each counts or not."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # The records modal
    "records.title": ("Records", "明细"),
    "records.header": ("{metric} · {period}", "{metric} · {period}"),
    "records.empty": ("No records behind this line.", "这一项没有记录。"),
    "records.page": ("Page {page} of {pages}", "第 {page} / {pages} 页"),
    "records.next": ("Next", "下一页"),
    "records.accept_burst": ("Let {n} flagged touches count", "审核通过 {n} 条被标记的接触"),
    "records.prev": ("Previous", "上一页"),
    # Why a record counts or not
    "reason.order": ("order", "订单"),
    "reason.converted": ("first order in the period", "本期首次下单"),
    "reason.not_yet": ("no order yet", "尚未下单"),
    "reason.touched": ("touched in the period", "本期有接触"),
    "reason.no_touch": ("no touch in the period — does not count", "本期无接触——不计入"),
    "reason.bought_again": ("bought again", "再次购买"),
    "reason.not_again": ("has not bought again", "尚未再次购买"),
    "reason.rating": ("customer rating", "客户评分"),
    "reason.self_rated": (
        "entered by this member — a rating you enter never counts for you",
        "由本人录入——自己录入的评分不计入自己的得分",
    ),
    "reason.owner_rated": (
        "entered by the customer's owner — an owner's rating of their own "
        "customer counts for no one",
        "由客户负责人本人录入——负责人对自己客户的评分对任何人都不计入",
    ),
    "reason.logger_not_allowed": (
        "entered by someone who may not: only service agents and the "
        "owner's own manager rate, complain or ask on a colleague's customer — counts for no one",
        "录入人无权录入：对同事的客户，只有客服和负责人所在团队的经理"
        "可以录入评分、投诉和咨询——对任何人都不计入",
    ),
    "reason.below_min_order": (
        "the order is under the {min} minimum — proves no purchase",
        "订单低于最低金额 {min}——不算作购买",
    ),
    "reason.churned": ("marked churned — left out", "已标为流失——不计入"),
    "reason.off_team": (
        "not on this team at the time — not counted here",
        "当时不在本团队——此处不计入",
    ),
    "reason.complaint": ("complaint", "投诉"),
    "reason.within_sla": ("answered within the SLA", "时限内回复"),
    "reason.over_sla": ("answered after the SLA", "超时回复"),
    "reason.unanswered": ("not answered", "未回复"),
    "reason.waiting": ("waiting, still within the SLA", "等待中，仍在时限内"),
    "reason.on_time": ("logged on time", "按时录入"),
    "reason.late_logged": (
        "logged after {cutoff} the next working day — no timeliness credit",
        "次一工作日 {cutoff} 后录入——不计及时性",
    ),
    "reason.complete": ("all key fields", "关键字段齐全"),
    "reason.missing": ("missing: {fields}", "缺少：{fields}"),
    "reason.done_on_time": ("done by the due date", "按期完成"),
    "reason.done_late": ("done late", "逾期完成"),
    "reason.missed": ("not done", "未完成"),
    "reason.not_due": ("not due yet", "尚未到期"),
    "reason.over_daily_cap": (
        "over {cap} touches on this customer that day — not counted",
        "当天对该客户超过 {cap} 次接触——不计入",
    ),
    "reason.burst_unreviewed": (
        "logged in a burst — waits for your manager's review",
        "短时间内集中录入——待经理审核",
    ),
}
