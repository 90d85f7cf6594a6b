"""User-facing text in English and Simplified Chinese, plus locale-aware formatting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.numbers import format_currency

LOCALES = ("en", "zh")
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}

EN: dict[str, str] = {
    # Field labels (also used to name the field in error messages)
    "label.customer": "Customer",
    "label.kind": "Kind",
    "label.when": "When",
    "label.note": "Note",
    "label.amount": "Amount (orders)",
    "label.rating": "Rating (satisfaction)",
    "label.next": "Next follow-up",
    "label.name": "Name",
    "label.company": "Company",
    "label.phone": "Phone",
    "label.occupation": "Occupation or industry",
    "label.segment": "Age bracket or company size",
    "label.status": "Status",
    "hint.customer": "Only your own customers are listed.",
    "hint.amount": "For orders only, e.g. 12000 or 12,000.50",
    "hint.rating": "For satisfaction only: CSAT 1–5 or NPS 0–10, as the customer rated you.",
    "hint.phone": "Any common format; +86 138 0013 8000 and 13800138000 are the same number.",
    "placeholder.customer": "Type a name or company",
    "placeholder.pick": "Choose…",
    "group.age": "Age bracket",
    "group.size": "Company size",
    "group.csat": "CSAT (1–5)",
    "group.nps": "NPS (0–10)",
    # Kinds and statuses
    "kind.call": "call",
    "kind.visit": "visit",
    "kind.email": "email",
    "kind.message": "message",
    "kind.meeting": "meeting",
    "kind.order": "order",
    "kind.inquiry": "inquiry",
    "kind.response": "response",
    "kind.complaint": "complaint",
    "kind.satisfaction": "satisfaction survey",
    "status.lead": "lead",
    "status.active": "active",
    "status.churned": "churned",
    # Modal titles (Slack allows 24 characters)
    "modal.touch": "Log a touch",
    "modal.customer": "Register a customer",
    "modal.touch_done": "Touch logged",
    "modal.customer_done": "Customer registered",
    "modal.customer_edit": "Edit customer",
    "modal.customer_saved": "Customer saved",
    "button.save": "Save",
    "button.cancel": "Cancel",
    "button.close": "Close",
    "button.done": "Done",
    "button.snooze": "Snooze a day",
    "button.log_touch": "Log a touch",
    "button.register": "Register a customer",
    "button.open_form": "Open the form",
    "button.register_named": "Register “{name}”",
    "button.this_one": "This one",
    # Field errors
    "field.required": "{label} is required.",
    "field.too_long": "{label} is {length} characters long; keep it to {max}.",
    "field.too_long_expanded": "{label} uses symbols that stand for several letters each and "
    "comes out too long to compare; spell it with fewer of them.",
    "field.phone_invalid": "{label}: “{value}” is not a phone number. Type it with its area or "
    "country code, e.g. +86 138 0013 8000 or 13800138000.",
    "field.kind_required": "Say what kind of touch it was: {kinds}.",
    "field.kind_unknown": "“{value}” is not a kind of touch. Use one of: {kinds}.",
    "field.amount_required": "An order needs its amount, e.g. 12000.",
    "field.amount_invalid": "{label}: “{value}” is not an amount. Type a number such as 12000 "
    "or 12,000.50.",
    "field.amount_not_positive": "{label} must be more than zero (you typed {value}).",
    "field.amount_precision": "{label} can have at most two decimals (you typed {value}).",
    "field.amount_too_large": "{label} {value} is too large; check the number of zeros.",
    "field.amount_not_order": "An amount goes with an order only: choose the kind “order” "
    "or clear the amount.",
    "field.segment_unknown": "{label}: choose one of the listed brackets or sizes.",
    "field.status_unknown": "{label}: use lead, active or churned.",
    "field.date_invalid": "{label}: “{value}” is not a date. Use YYYY-MM-DD, tomorrow or +3d.",
    "field.date_past": "{label}: {value} is in the past. Pick today or a later date.",
    "field.date_far": "{label}: {value} is more than two years away. Pick a nearer date.",
    "field.when_future": "{label}: a touch cannot be in the future. Pick the time it happened.",
    "field.when_too_old": "{label}: touches older than a year cannot be logged.",
    "field.rating_required": "A satisfaction survey needs the customer's rating: csat:1–5 or "
    "nps:0–10.",
    "field.rating_invalid": "{label}: “{value}” is not a rating. Use csat:1–5 or nps:0–10.",
    "field.rating_not_satisfaction": "A rating goes with a satisfaction survey only: choose "
    "that kind or clear the rating.",
    "field.customer_required": "Say which customer, e.g. `/touch acme call`.",
    "field.control_chars": "{label} holds control characters (such as NUL) that cannot be "
    "saved. Retype it, or paste it as plain text.",
    "field.needs_letter": "{label}: “{value}” has no letters. Type the name itself; if you "
    "meant a phone number, it goes third: `/customer add <name>, <company>, <phone>` (leave "
    "the company empty as `Name, , phone`).",
    "field.digits_ascii": "{label}: “{value}” uses digits of another script. Type it with the "
    "digits 0–9.",
    "field.line_too_long": "That line is {length} characters long; keep it to {max}. For a "
    "long note, use the form (`{command}` with nothing after it).",
    "field.phone_extension": "{label}: “{value}” has an extension. Type the main number only "
    "and put the extension in a note.",
    "field.pick_from_list": "{label}: pick one from the list.",
    "field.bidi_controls": "{label} holds characters that reverse the direction of the text "
    "around them, so it would show as something else. Type the name as it reads.",
    "field.stacked_marks": "{label} stacks more accents on one letter than any language "
    "writes. Type the name as it is spelled.",
    "field.amount_spaced": "{label}: “{value}” has a space inside the number. Type it without "
    "spaces, e.g. 1000 or 1,000.",
    "field.amount_currency": "{label}: “{value}” is in another currency; amounts are in "
    "{currency}. Type the amount in {currency}, without another currency's sign.",
    "error.slack_stale": "Slack no longer accepts that: the window closed or changed, or it took "
    "too long. Nothing was changed; click again or run the command again.",
    "field.query_too_long": "{label}: “{value}…” is longer than any name ({max} characters); "
    "type the start of the name or company.",
    "error.bad_payload": "That button or form is out of date or was not understood, and "
    "nothing was changed. Run the command again.",
    "error.snooze_moved": "*{customer}* is no longer due on that day: it is due {date}. "
    "Nothing was changed.",
    "error.followup_closed": "The follow-up with *{customer}* is already done. Nothing was "
    "changed.",
    # Domain errors
    "error.duplicate_customer": "*{name}* is already registered{phone_note}, and belongs to "
    "<@{owner}>. Customers belong to whoever registers them first.",
    "error.duplicate_phone_note": " with phone {phone}",
    "error.duplicate_own": "You already registered *{name}*{phone_note}.",
    "error.already_logged": "You already logged this message as a touch with *{customer}*.",
    "error.customer_not_found": "No customer starts with “{query}”.",
    "error.customer_ambiguous": "Several of your customers start with “{query}”. Which one did "
    "you mean?",
    "error.not_owner": "*{name}* belongs to <@{owner}>. You can log touches only on your own "
    "customers.",
    "error.not_your_team": "*{name}* belongs to <@{owner}>, who is not on a team you manage. "
    "Ratings, complaints and inquiries on a colleague's customer come only from service agents "
    "and the owner's own manager.",
    "error.not_found": "That item no longer exists, or it is not yours.",
    "error.unexpected": "Something went wrong on our side and nothing was saved. If it keeps "
    "happening, give your admin this reference: `{ref}`.",
    "error.database_unavailable": "The database is not available right now; nothing was "
    "saved. Try again in a minute.",
    "error.fix_these": "Please fix this and try again:",
    "error.generic": "That did not work; check what you typed and try again.",
    "error.fields": "Please fix the fields marked below.",
    "error.usage": "Usage: {usage}",
    # Results
    "touch.logged": "Logged: {kind} with *{customer}*, {when}.",
    "touch.amount": "Amount: {amount}.",
    "touch.rating": "Rating: {rating}.",
    "touch.next": "Next follow-up: {date}.",
    "touch.closed": "Settled {n} open follow-up(s) on this customer.",
    "touch.already": "This touch was already logged.",
    "customer.registered": "Registered *{name}*. You own this customer.",
    "customer.already": "This customer was already registered by you.",
    "customer.updated": "Saved *{name}*.",
    "customer.touch_not_logged": "The touch you typed was not logged:",
    "customer.more_matches": "…and {n} more. Type more of the name, or pick the customer in "
    "the form.",
    "customer.matches": "Customers starting with “{query}”:",
    "customer.none": "No customer starts with “{query}”.",
    "customer.owner": "owner <@{owner}>",
    "customer.not_found_offer": "Register it, and the touch you typed is logged with it.",
    # Follow-ups
    "followup.header": "Your open follow-ups ({total})",
    "followup.none": "No open follow-ups. Log a touch with a next date to plan one.",
    "followup.overdue": "overdue since {date}",
    "followup.today": "due today",
    "followup.due": "due {date}",
    "followup.snoozed": "snoozed {n}×",
    "followup.more": "…and {n} more.",
    "followup.done": "Done: *{customer}*.",
    "followup.snoozed_to": "Snoozed *{customer}* to {date}.",
    # App Home
    "home.header": "CRM Pay",
    "home.intro": "Log customer touches here or with /touch. Every touch counts towards your pay.",
    "home.followups": "Follow-ups due this week",
    "home.no_followups": "Nothing due this week.",
    "home.recent": "Your recent touches",
    "home.no_touches": "No touches yet. Log one with /touch or the button above.",
    # Usage and help
    "usage.touch": "`/touch <customer> <kind> [amount] [note] [next:YYYY-MM-DD]`, e.g. "
    "`/touch acme call discussed renewal next:2026-12-01` or "
    "`/touch acme order 12000 annual renewal signed`. Quote a name that holds a kind word: "
    '`/touch "call center inc" call`. `/touch` alone opens the form.',
    "usage.customer": "`/customer add <name>, <company>, <phone>` to register, "
    "`/customer find <name>` to look up, `/customer edit <name>` to fill in or change one of "
    "yours (or mark it churned), `/customer` alone opens the form.",
    "help.text": "*CRM Pay* — log your customer work, see it count.\n"
    "• `/customer` register or find a customer\n"
    "• `/touch` log a call, visit, order, inquiry…\n"
    "• `/followup` your open follow-ups\n"
    "• Message menu → *Log as customer touch* turns a message into a touch.",
    # Scores
    "metric.revenue": "Revenue",
    "metric.conversion": "Conversion",
    "metric.new_customers": "New customers",
    "metric.retention": "Repurchase",
    "metric.satisfaction": "Satisfaction",
    "metric.complaints": "Complaints",
    "metric.response_speed": "Response speed",
    "metric.timeliness": "Data timeliness",
    "metric.data_quality": "Data quality",
    "metric.followups": "Follow-ups",
    "why.revenue": "{amount} of {target} target",
    "why.conversion": "{ok} of {n} leads placed a first order (target {target})",
    "why.new_customers": "new customers with a touch: {ok} (target {target})",
    "why.retention": "{ok} of {n} recent buyers bought again (target {target})",
    "why.satisfaction": "customer ratings: {ratings}{csat}{nps}",
    "why.complaints": "complaints: {ok} from {n} customers touched (zero points at {target})",
    "why.response_speed": "{ok} of {n} inquiries answered within the SLA{median}",
    "why.timeliness": "{ok} of {n} touches logged by {cutoff} the next working day",
    "why.data_quality": "{ok} of {n} customers have phone, occupation and age/size",
    "why.followups": "{ok} of {n} follow-ups done by their due date",
    "why.not_counted": "{n} not counted",
    "why.na": "no data yet: its {weight} points are shared over the other lines",
    "score.header": "{who} — {period}",
    "score.you": "Your score",
    "score.summary": "*{total}* / 100 · tier *{tier}* · rank *{rank}* of {of}",
    "score.pay": "Projected pay {total} = base {base} + variable {variable} (×{multiplier}) "
    "+ {bonus}{capped}{days}",
    "score.pay_past": "Pay {total} = base {base} + variable {variable} (×{multiplier}) "
    "+ {bonus}{capped}{days}",
    "score.bonus": "team bonus {bonus}",
    "score.bonus_unpaid": "no team bonus: no one on the team scored above zero, so its pool "
    "is not paid out",
    "score.days": " · pro rata for {days} of {period_days} days on the team",
    "score.none_scored_past": "No one on {team} was scored in {period}.",
    "error.not_on_team": "<@{user}> was not on {team} in {period}, so there is no score or "
    "pay for that month.",
    "error.not_on_team_you": "You were not on {team} in {period}, so there is no score or pay "
    "for that month.",
    "score.capped": " (capped)",
    "score.line": "*{metric}* — {points} of {weight} points\n{why}",
    "score.line_na": "*{metric}* — not applicable\n{why}",
    "score.records": "Records",
    "score.none_scored": "No one on your team has a score for {period} yet.",
    "records.title": "Records",
    "records.header": "{metric} · {period}",
    "records.empty": "No records behind this line.",
    "records.page": "Page {page} of {pages}",
    "records.next": "Next",
    "records.accept_burst": "Let {n} flagged touches count",
    "records.prev": "Previous",
    "reason.order": "order",
    "reason.converted": "first order in the period",
    "reason.not_yet": "no order yet",
    "reason.touched": "touched in the period",
    "reason.no_touch": "no touch in the period — does not count",
    "reason.bought_again": "bought again",
    "reason.not_again": "has not bought again",
    "reason.rating": "customer rating",
    "reason.self_rated": "entered by this member — a rating you enter never counts for you",
    "reason.owner_rated": "entered by the customer's owner — an owner's rating of their own "
    "customer counts for no one",
    "reason.logger_not_allowed": "entered by someone who may not: only service agents and the "
    "owner's own manager rate, complain or ask on a colleague's customer — counts for no one",
    "reason.below_min_order": "the order is under the {min} minimum — proves no purchase",
    "reason.churned": "marked churned — left out",
    "reason.off_team": "not on this team at the time — not counted here",
    "reason.complaint": "complaint",
    "reason.within_sla": "answered within the SLA",
    "reason.over_sla": "answered after the SLA",
    "reason.unanswered": "not answered",
    "reason.waiting": "waiting, still within the SLA",
    "reason.on_time": "logged on time",
    "reason.late_logged": "logged after {cutoff} the next working day — no timeliness credit",
    "reason.complete": "all key fields",
    "reason.missing": "missing: {fields}",
    "reason.done_on_time": "done by the due date",
    "reason.done_late": "done late",
    "reason.missed": "not done",
    "reason.not_due": "not due yet",
    "reason.over_daily_cap": "over {cap} touches on this customer that day — not counted",
    "reason.burst_unreviewed": "logged in a burst — waits for your manager's review",
    "leaderboard.header": "{team} — {period}",
    "leaderboard.line": "{rank}. <@{user}> *{total}* ({tier})",
    "leaderboard.pay": " · {pay}",
    "home.score": "Your score this month",
    "home.no_team": "You are not on a team yet, so there is no score. An admin adds you with "
    "`/crm team add`.",
    "button.see_score": "See every line",
    # Organisation
    "error.not_admin": "Only admins can set up teams or preview schemes. Ask a workspace admin, "
    "or an admin of CRM Pay.",
    "error.no_team": "You are not on a team yet, so there is no score to show. An admin adds you "
    "with `/crm team add <team> @you sales`.",
    "error.not_your_report": "You can see the scores of your own reports only (<@{user}> is "
    "not one).",
    "error.no_rules": "The scheme “{scheme}” has no rules in force for {period}, so there is "
    "no score for that month.",
    "error.not_scored": "Managers and admins are not scored. See a report with "
    "`/score @member`, or your team with `/leaderboard`.",
    "field.timezone_unknown": "“{value}” is not a time zone. Use a name such as Asia/Shanghai.",
    "label.timezone": "Time zone",
    "label.scheme": "Scheme",
    "label.user": "Member",
    "label.role": "Role",
    "label.team": "Team name",
    "label.followup": "Follow-up",
    "label.command": "Command",
    "usage.score": "`/score` your score now · `/score last` last month · `/score @member` one of "
    "your reports",
    "error.team_not_found": "There is no team called “{name}”. `/crm team list` shows them.",
    "field.role_unknown": "“{value}” is not a role. Use sales, service, manager or admin.",
    "crm.teams": "Teams",
    "crm.no_teams": "No teams yet. An admin creates one with `/crm team create`.",
    "crm.team_line": "*{name}* · {channel} · {timezone} · manager {manager} · {members}",
    "crm.nobody": "nobody",
    "crm.done": "Done. {what}",
    "crm.team_created": "Team *{name}* is set up.",
    "crm.team_updated": "Team *{name}* already exists; its settings are updated.",
    "crm.member_placed": "<@{user}> is on *{name}* as {role}.",
    "crm.preview_header": "Scheme “{scheme}” replayed on {period}",
    "crm.preview_line": "<@{user}> {old} → {new} · {old_pay} → {new_pay}",
    "crm.preview_none": "No scored members to compare.",
    "usage.crm_admin": 'Admins: `/crm team list`, `/crm team create "<name>" #channel '
    '<time zone>`, `/crm team add "<name>" @member sales|service|manager|admin`, '
    "`/crm scheme preview <name>`.",
    "field.user_mention": "“{value}” is not a person. Mention them with @ and pick from the list.",
    "field.scheme_name": "“{value}” is not a scheme name (letters, digits, - and _).",
    "field.scheme_unknown": "There is no scheme called “{value}”.",
    "field.scheme_invalid": "That scheme does not validate: {value}",
}

ZH: dict[str, str] = {
    "label.customer": "客户",
    "label.kind": "类型",
    "label.when": "时间",
    "label.note": "备注",
    "label.amount": "金额（订单）",
    "label.rating": "评分（满意度）",
    "label.next": "下次跟进",
    "label.name": "名称",
    "label.company": "公司",
    "label.phone": "电话",
    "label.occupation": "职业或行业",
    "label.segment": "年龄段或公司规模",
    "label.status": "状态",
    "hint.customer": "只列出你自己的客户。",
    "hint.amount": "仅订单填写，例如 12000 或 12,000.50",
    "hint.rating": "仅满意度调查填写：客户给出的 CSAT 1–5 或 NPS 0–10。",
    "hint.phone": "常见格式均可；+86 138 0013 8000 与 13800138000 是同一号码。",
    "placeholder.customer": "输入名称或公司",
    "placeholder.pick": "请选择…",
    "group.age": "年龄段",
    "group.size": "公司规模",
    "group.csat": "CSAT（1–5）",
    "group.nps": "NPS（0–10）",
    "kind.call": "电话",
    "kind.visit": "拜访",
    "kind.email": "邮件",
    "kind.message": "消息",
    "kind.meeting": "会议",
    "kind.order": "订单",
    "kind.inquiry": "咨询",
    "kind.response": "回复",
    "kind.complaint": "投诉",
    "kind.satisfaction": "满意度调查",
    "status.lead": "潜在客户",
    "status.active": "活跃客户",
    "status.churned": "已流失",
    "modal.touch": "记录客户接触",
    "modal.customer": "登记客户",
    "modal.touch_done": "已记录",
    "modal.customer_done": "客户已登记",
    "modal.customer_edit": "修改客户",
    "modal.customer_saved": "客户已保存",
    "button.save": "保存",
    "button.cancel": "取消",
    "button.close": "关闭",
    "button.done": "完成",
    "button.snooze": "推迟一天",
    "button.log_touch": "记录客户接触",
    "button.register": "登记客户",
    "button.open_form": "打开表单",
    "button.register_named": "登记“{name}”",
    "button.this_one": "就是这个",
    "field.required": "请填写{label}。",
    "field.too_long": "{label}共 {length} 个字符，请控制在 {max} 个以内。",
    "field.too_long_expanded": "{label}中的某些符号相当于多个字母，展开后过长，无法比对；"
    "请减少这类符号。",
    "field.phone_invalid": "{label}：“{value}”不是有效的电话号码。请带上区号或国家代码，例如 "
    "+86 138 0013 8000 或 13800138000。",
    "field.kind_required": "请说明接触类型：{kinds}。",
    "field.kind_unknown": "“{value}”不是接触类型。可用类型：{kinds}。",
    "field.amount_required": "订单需要填写金额，例如 12000。",
    "field.amount_invalid": "{label}：“{value}”不是金额。请输入数字，例如 12000 或 12,000.50。",
    "field.amount_not_positive": "{label}必须大于零（你输入的是 {value}）。",
    "field.amount_precision": "{label}最多两位小数（你输入的是 {value}）。",
    "field.amount_too_large": "{label} {value} 过大，请检查位数。",
    "field.amount_not_order": "只有订单才填写金额：请把类型选为“订单”，或清空金额。",
    "field.segment_unknown": "{label}：请从列表中选择。",
    "field.status_unknown": "{label}：请使用 lead、active 或 churned。",
    "field.date_invalid": "{label}：“{value}”不是日期。请使用 YYYY-MM-DD、tomorrow 或 +3d。",
    "field.date_past": "{label}：{value} 已经过去，请选择今天或以后的日期。",
    "field.date_far": "{label}：{value} 超过两年以后，请选择更近的日期。",
    "field.when_future": "{label}：接触时间不能在将来，请填写实际发生的时间。",
    "field.when_too_old": "{label}：无法记录一年以前的接触。",
    "field.rating_required": "满意度调查需要客户的评分：csat:1–5 或 nps:0–10。",
    "field.rating_invalid": "{label}：“{value}”不是评分。请使用 csat:1–5 或 nps:0–10。",
    "field.rating_not_satisfaction": "只有满意度调查才填写评分：请选择该类型，或清空评分。",
    "field.customer_required": "请说明是哪位客户，例如 `/touch acme call`。",
    "field.control_chars": "{label}包含无法保存的控制字符（例如 NUL）。请重新输入，"
    "或以纯文本粘贴。",
    "field.needs_letter": "{label}：“{value}”里没有文字。请输入名称本身；电话号码应写在第三项："
    "`/customer add <姓名>, <公司>, <电话>`（公司可留空：`姓名, , 电话`）。",
    "field.digits_ascii": "{label}：“{value}”使用了其他文字的数字，请用 0–9 输入。",
    "field.line_too_long": "这一行共 {length} 个字符，请控制在 {max} 个以内。备注较长时请使用表单"
    "（只输入 `{command}`）。",
    "field.phone_extension": "{label}：“{value}”带有分机号。请只填写总机号码，分机号写在备注里。",
    "field.pick_from_list": "{label}：请从列表中选择。",
    "field.bidi_controls": "{label}包含会改变文字方向的控制字符，显示出来会变成别的名称。"
    "请按阅读顺序输入。",
    "field.stacked_marks": "{label}的一个字母上叠加了过多的附加符号，请按实际拼写输入。",
    "field.amount_spaced": "{label}：“{value}”的数字中间有空格。请不带空格输入，"
    "例如 1000 或 1,000。",
    "field.amount_currency": "{label}：“{value}”是其他币种；金额以 {currency} 计。"
    "请填写 {currency} 金额，不要带其他币种的符号。",
    "error.slack_stale": "Slack 已不再接受该操作：窗口已关闭或已变化，或耗时过长。没有做任何更改；"
    "请再点一次或重新执行命令。",
    "field.query_too_long": "{label}：“{value}…”比任何名称都长（{max} 个字符）；"
    "请输入名称或公司的开头。",
    "error.bad_payload": "该按钮或表单已过期或无法识别，没有做任何更改。请重新执行命令。",
    "error.snooze_moved": "*{customer}* 已不在那天到期：现在的到期日是 {date}。没有做任何更改。",
    "error.followup_closed": "与 *{customer}* 的跟进已经完成，没有做任何更改。",
    "error.duplicate_customer": "*{name}*已经登记{phone_note}，归属于 <@{owner}>。"
    "客户归首先登记的人所有。",
    "error.duplicate_phone_note": "（电话 {phone}）",
    "error.duplicate_own": "你已经登记过*{name}*{phone_note}。",
    "error.already_logged": "这条消息你已经记录过了（客户*{customer}*）。",
    "error.customer_not_found": "没有以“{query}”开头的客户。",
    "error.customer_ambiguous": "你有多位客户以“{query}”开头，是哪一位？",
    "error.not_owner": "*{name}*归属于 <@{owner}>。你只能为自己的客户记录接触。",
    "error.not_your_team": "*{name}*归属于 <@{owner}>，不在你管理的团队。对同事客户的评分、"
    "投诉和咨询只能由客服或该负责人所在团队的经理录入。",
    "error.not_found": "该记录已不存在，或不属于你。",
    "error.unexpected": "系统出错，本次操作未保存。如果反复出现，请把此编号告诉管理员：`{ref}`。",
    "error.database_unavailable": "数据库暂时无法使用，本次操作未保存。请一分钟后再试。",
    "error.fix_these": "请修改后重试：",
    "error.generic": "操作未成功，请检查输入后重试。",
    "error.fields": "请修改下面标出的字段。",
    "error.usage": "用法：{usage}",
    "touch.logged": "已记录与*{customer}*的{kind}（{when}）。",
    "touch.amount": "金额：{amount}。",
    "touch.rating": "评分：{rating}。",
    "touch.next": "下次跟进：{date}。",
    "touch.closed": "已完成该客户的 {n} 项待跟进。",
    "touch.already": "这次接触已经记录过了。",
    "customer.registered": "已登记*{name}*，该客户归你所有。",
    "customer.already": "你已经登记过这位客户。",
    "customer.updated": "已保存*{name}*。",
    "customer.touch_not_logged": "你输入的这次接触未能记录：",
    "customer.more_matches": "……还有 {n} 位。请多输入几个字，或在表单中选择客户。",
    "customer.matches": "以“{query}”开头的客户：",
    "customer.none": "没有以“{query}”开头的客户。",
    "customer.owner": "归属 <@{owner}>",
    "customer.not_found_offer": "登记这位客户后，你输入的这次接触会一并记录。",
    "followup.header": "你的待跟进（{total}）",
    "followup.none": "没有待跟进事项。记录接触时填写下次跟进日期即可安排。",
    "followup.overdue": "已逾期（应于 {date}）",
    "followup.today": "今天到期",
    "followup.due": "{date} 到期",
    "followup.snoozed": "已推迟 {n} 次",
    "followup.more": "……还有 {n} 项。",
    "followup.done": "已完成：*{customer}*。",
    "followup.snoozed_to": "已把*{customer}*推迟到 {date}。",
    "home.header": "CRM Pay",
    "home.intro": "在这里或用 /touch 记录客户接触，每一次记录都计入你的绩效。",
    "home.followups": "本周到期的跟进",
    "home.no_followups": "本周没有到期的跟进。",
    "home.recent": "你最近的客户接触",
    "home.no_touches": "还没有记录。用 /touch 或上方按钮记录一次吧。",
    "usage.touch": "`/touch <客户> <类型> [金额] [备注] [next:YYYY-MM-DD]`，例如 "
    "`/touch acme call 讨论续约 next:2026-12-01` 或 `/touch acme order 12000 年度续约已签`。"
    '名称中含有类型词时请加引号：`/touch "call center inc" call`。单独输入 `/touch` 打开表单。',
    "usage.customer": "`/customer add <名称>, <公司>, <电话>` 登记，`/customer find <名称>` 查找，"
    "`/customer edit <名称>` 补充或修改你的客户（或标为已流失），单独输入 `/customer` 打开表单。",
    "help.text": "*CRM Pay* — 记录客户工作，让它计入绩效。\n"
    "• `/customer` 登记或查找客户\n"
    "• `/touch` 记录电话、拜访、订单、咨询……\n"
    "• `/followup` 你的待跟进\n"
    "• 消息菜单 → *Log as customer touch* 把一条消息记为客户接触。",
    "metric.revenue": "销售额",
    "metric.conversion": "转化率",
    "metric.new_customers": "新客户",
    "metric.retention": "复购",
    "metric.satisfaction": "满意度",
    "metric.complaints": "投诉",
    "metric.response_speed": "响应速度",
    "metric.timeliness": "数据及时性",
    "metric.data_quality": "数据质量",
    "metric.followups": "跟进执行",
    "why.revenue": "{amount}，目标 {target}",
    "why.conversion": "{n} 个潜在客户中 {ok} 个首次下单（目标 {target}）",
    "why.new_customers": "{ok} 个有接触记录的新客户（目标 {target}）",
    "why.retention": "{n} 个近期买家中 {ok} 个再次购买（目标 {target}）",
    "why.satisfaction": "{ratings} 条客户评分{csat}{nps}",
    "why.complaints": "接触的 {n} 位客户中有 {ok} 次投诉（达到 {target} 时为零分）",
    "why.response_speed": "{n} 次咨询中 {ok} 次在时限内回复{median}",
    "why.timeliness": "{n} 条接触中 {ok} 条在次一工作日 {cutoff} 前录入",
    "why.data_quality": "{n} 位客户中 {ok} 位资料完整（电话、职业、年龄段/规模）",
    "why.followups": "{n} 项跟进中 {ok} 项按期完成",
    "why.not_counted": "{n} 条未计入",
    "why.na": "暂无数据：其 {weight} 分按比例分摊到其他指标",
    "score.header": "{who} — {period}",
    "score.you": "你的得分",
    "score.summary": "*{total}* / 100 · 等级 *{tier}* · 排名 *{rank}* / {of}",
    "score.pay": "预计薪酬 {total} = 底薪 {base} + 浮动 {variable}（×{multiplier}）"
    "+ {bonus}{capped}{days}",
    "score.pay_past": "薪酬 {total} = 底薪 {base} + 浮动 {variable}（×{multiplier}）"
    "+ {bonus}{capped}{days}",
    "score.bonus": "团队奖金 {bonus}",
    "score.bonus_unpaid": "无团队奖金：团队中无人得分高于零，奖金池不发放",
    "score.days": " · 按在团队的 {days}/{period_days} 天折算",
    "score.none_scored_past": "{period} {team} 没有人参与评分。",
    "error.not_on_team": "<@{user}> 在 {period} 不在 {team}，因此该月没有得分和薪酬。",
    "error.not_on_team_you": "你在 {period} 不在 {team}，因此该月没有得分和薪酬。",
    "score.capped": "（已封顶）",
    "score.line": "*{metric}* — {points} / {weight} 分\n{why}",
    "score.line_na": "*{metric}* — 不适用\n{why}",
    "score.records": "明细",
    "score.none_scored": "{period} 你的团队还没有人有得分。",
    "records.title": "明细",
    "records.header": "{metric} · {period}",
    "records.empty": "这一项没有记录。",
    "records.page": "第 {page} / {pages} 页",
    "records.next": "下一页",
    "records.accept_burst": "审核通过 {n} 条被标记的接触",
    "records.prev": "上一页",
    "reason.order": "订单",
    "reason.converted": "本期首次下单",
    "reason.not_yet": "尚未下单",
    "reason.touched": "本期有接触",
    "reason.no_touch": "本期无接触——不计入",
    "reason.bought_again": "再次购买",
    "reason.not_again": "尚未再次购买",
    "reason.rating": "客户评分",
    "reason.self_rated": "由本人录入——自己录入的评分不计入自己的得分",
    "reason.owner_rated": "由客户负责人本人录入——负责人对自己客户的评分对任何人都不计入",
    "reason.logger_not_allowed": "录入人无权录入：对同事的客户，只有客服和负责人所在团队的经理"
    "可以录入评分、投诉和咨询——对任何人都不计入",
    "reason.below_min_order": "订单低于最低金额 {min}——不算作购买",
    "reason.churned": "已标为流失——不计入",
    "reason.off_team": "当时不在本团队——此处不计入",
    "reason.complaint": "投诉",
    "reason.within_sla": "时限内回复",
    "reason.over_sla": "超时回复",
    "reason.unanswered": "未回复",
    "reason.waiting": "等待中，仍在时限内",
    "reason.on_time": "按时录入",
    "reason.late_logged": "次一工作日 {cutoff} 后录入——不计及时性",
    "reason.complete": "关键字段齐全",
    "reason.missing": "缺少：{fields}",
    "reason.done_on_time": "按期完成",
    "reason.done_late": "逾期完成",
    "reason.missed": "未完成",
    "reason.not_due": "尚未到期",
    "reason.over_daily_cap": "当天对该客户超过 {cap} 次接触——不计入",
    "reason.burst_unreviewed": "短时间内集中录入——待经理审核",
    "leaderboard.header": "{team} — {period}",
    "leaderboard.line": "{rank}. <@{user}> *{total}*（{tier}）",
    "leaderboard.pay": " · {pay}",
    "home.score": "本月得分",
    "home.no_team": "你还没有加入团队，因此没有得分。管理员可用 `/crm team add` 添加你。",
    "button.see_score": "查看每一项",
    "error.not_admin": "只有管理员可以设置团队或预览方案。请联系工作区管理员或 CRM Pay 管理员。",
    "error.no_team": "你还没有加入团队，暂无得分。"
    "管理员可用 `/crm team add <团队> @你 sales` 添加你。",
    "error.not_your_report": "你只能查看自己下属的得分（<@{user}> 不是）。",
    "error.no_rules": "方案“{scheme}”在 {period} 没有生效的规则，因此该月没有得分。",
    "error.not_scored": "经理和管理员不参与评分。可用 `/score @成员` 查看下属，"
    "或用 `/leaderboard` 查看团队。",
    "field.timezone_unknown": "“{value}”不是时区。请使用 Asia/Shanghai 这样的名称。",
    "label.timezone": "时区",
    "label.scheme": "方案",
    "label.user": "成员",
    "label.role": "角色",
    "label.team": "团队名称",
    "label.followup": "跟进",
    "label.command": "命令",
    "usage.score": "`/score` 当前得分 · `/score last` 上月 · `/score @成员` 查看下属",
    "error.team_not_found": "没有名为“{name}”的团队。用 `/crm team list` 查看。",
    "field.role_unknown": "“{value}”不是角色。请使用 sales、service、manager 或 admin。",
    "crm.teams": "团队",
    "crm.no_teams": "还没有团队。管理员可用 `/crm team create` 创建。",
    "crm.team_line": "*{name}* · {channel} · {timezone} · 经理 {manager} · {members}",
    "crm.nobody": "无",
    "crm.done": "完成。{what}",
    "crm.team_created": "团队*{name}*已设置。",
    "crm.team_updated": "团队*{name}*已存在，已更新其设置。",
    "crm.member_placed": "<@{user}> 已加入*{name}*，角色 {role}。",
    "crm.preview_header": "方案“{scheme}”在 {period} 的回放",
    "crm.preview_line": "<@{user}> {old} → {new} · {old_pay} → {new_pay}",
    "crm.preview_none": "没有可比较的成员。",
    "usage.crm_admin": '管理员：`/crm team list`、`/crm team create "<名称>" #频道 <时区>`、'
    '`/crm team add "<名称>" @成员 sales|service|manager|admin`、`/crm scheme preview <名称>`。',
    "field.user_mention": "“{value}”不是成员。请用 @ 提及并从列表中选择。",
    "field.scheme_name": "“{value}”不是方案名称（字母、数字、- 和 _）。",
    "field.scheme_unknown": "没有名为“{value}”的方案。",
    "field.scheme_invalid": "该方案未通过校验：{value}",
}

CATALOGUES = {"en": EN, "zh": ZH}


def normalise_locale(value: str | None) -> str:
    """Map a Slack locale such as `zh-CN` or `en-US` to a supported catalogue."""
    if value and value.lower().replace("_", "-").startswith("zh"):
        return "zh"
    return "en"


def t(locale: str, key: str, **params: object) -> str:
    """Return the message `key` in `locale`, falling back to English."""
    template = CATALOGUES.get(locale, EN).get(key) or EN[key]
    return template.format(**params) if params else template


def escape(text: str) -> str:
    """Escape user text for Slack mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt_datetime(locale: str, value: datetime, tz: str) -> str:
    """Format a timestamp in the user's time zone, e.g. `Nov 23, 14:05`."""
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_skeleton('MMMd', local, locale=BABEL_LOCALE[locale])} {local:%H:%M}"


def fmt_date(locale: str, value: date) -> str:
    """Format a date with its weekday, e.g. `Tue, Dec 1, 2026`."""
    return format_skeleton("yMMMEd", value, locale=BABEL_LOCALE[locale])


def fmt_money(locale: str, minor: int, currency: str) -> str:
    """Format an amount held in minor units, e.g. `CN¥12,000.00`."""
    return format_currency(Decimal(minor) / 100, currency, locale=BABEL_LOCALE[locale])
