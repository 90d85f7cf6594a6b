"""`/followup`: open follow-ups, done and snoozed."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # The list and its buttons
    "button.snooze": ("Snooze a day", "推迟一天"),
    "followup.header": ("Your open follow-ups ({total})", "你的待跟进（{total}）"),
    "followup.none": (
        "No open follow-ups. Log a touch with a next date to plan one.",
        "没有待跟进事项。记录接触时填写下次跟进日期即可安排。",
    ),
    "followup.overdue": ("overdue since {date}", "已逾期（应于 {date}）"),
    "followup.today": ("due today", "今天到期"),
    "followup.due": ("due {date}", "{date} 到期"),
    "followup.snoozed": ("snoozed {n}×", "已推迟 {n} 次"),
    "followup.more": ("…and {n} more.", "……还有 {n} 项。"),
    "followup.done": ("Done: *{customer}*.", "已完成：*{customer}*。"),
    "followup.snoozed_to": ("Snoozed *{customer}* to {date}.", "已把*{customer}*推迟到 {date}。"),
    # Errors
    "error.snooze_moved": (
        "*{customer}* is no longer due on that day: it is due {date}. Nothing was changed.",
        "*{customer}* 已不在那天到期：现在的到期日是 {date}。没有做任何更改。",
    ),
    "error.followup_closed": (
        "The follow-up with *{customer}* is already done. Nothing was changed.",
        "与 *{customer}* 的跟进已经完成，没有做任何更改。",
    ),
}
