"""What is wrong with a field the member typed, and errors any surface may show."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Field errors
    "field.required": ("{label} is required.", "请填写{label}。"),
    "field.too_long": (
        "{label} is {length} characters long; keep it to {max}.",
        "{label}共 {length} 个字符，请控制在 {max} 个以内。",
    ),
    "field.too_long_expanded": (
        "{label} uses symbols that stand for several letters each and "
        "comes out too long to compare; spell it with fewer of them.",
        "{label}中的某些符号相当于多个字母，展开后过长，无法比对；请减少这类符号。",
    ),
    "field.phone_invalid": (
        "{label}: “{value}” is not a phone number. Type it with its area or "
        "country code, e.g. +86 138 0013 8000 or 13800138000.",
        "{label}：“{value}”不是有效的电话号码。请带上区号或国家代码，例如 "
        "+86 138 0013 8000 或 13800138000。",
    ),
    "field.kind_required": ("Say what kind of touch it was: {kinds}.", "请说明接触类型：{kinds}。"),
    "field.kind_unknown": (
        "“{value}” is not a kind of touch. Use one of: {kinds}.",
        "“{value}”不是接触类型。可用类型：{kinds}。",
    ),
    "field.amount_required": (
        "An order needs its amount, e.g. 12000.",
        "订单需要填写金额，例如 12000。",
    ),
    "field.amount_invalid": (
        "{label}: “{value}” is not an amount. Type a number such as 12000 or 12,000.50.",
        "{label}：“{value}”不是金额。请输入数字，例如 12000 或 12,000.50。",
    ),
    "field.amount_not_positive": (
        "{label} must be more than zero (you typed {value}).",
        "{label}必须大于零（你输入的是 {value}）。",
    ),
    "field.amount_precision": (
        "{label} can have at most two decimals (you typed {value}).",
        "{label}最多两位小数（你输入的是 {value}）。",
    ),
    "field.amount_too_large": (
        "{label} {value} is too large; check the number of zeros.",
        "{label} {value} 过大，请检查位数。",
    ),
    "field.amount_not_order": (
        "An amount goes with an order only: choose the kind “order” or clear the amount.",
        "只有订单才填写金额：请把类型选为“订单”，或清空金额。",
    ),
    "field.segment_unknown": (
        "{label}: choose one of the listed brackets or sizes.",
        "{label}：请从列表中选择。",
    ),
    "field.status_unknown": (
        "{label}: use lead, active or churned.",
        "{label}：请使用 lead、active 或 churned。",
    ),
    "field.date_invalid": (
        "{label}: “{value}” is not a date. Use YYYY-MM-DD, tomorrow or +3d.",
        "{label}：“{value}”不是日期。请使用 YYYY-MM-DD、tomorrow 或 +3d。",
    ),
    "field.date_past": (
        "{label}: {value} is in the past. Pick today or a later date.",
        "{label}：{value} 已经过去，请选择今天或以后的日期。",
    ),
    "field.date_far": (
        "{label}: {value} is more than two years away. Pick a nearer date.",
        "{label}：{value} 超过两年以后，请选择更近的日期。",
    ),
    "field.when_future": (
        "{label}: a touch cannot be in the future. Pick the time it happened.",
        "{label}：接触时间不能在将来，请填写实际发生的时间。",
    ),
    "field.when_too_old": (
        "{label}: touches older than a year cannot be logged.",
        "{label}：无法记录一年以前的接触。",
    ),
    "field.rating_required": (
        "A satisfaction survey needs the customer's rating: csat:1–5 or nps:0–10.",
        "满意度调查需要客户的评分：csat:1–5 或 nps:0–10。",
    ),
    "field.rating_invalid": (
        "{label}: “{value}” is not a rating. Use csat:1–5 or nps:0–10.",
        "{label}：“{value}”不是评分。请使用 csat:1–5 或 nps:0–10。",
    ),
    "field.rating_not_satisfaction": (
        "A rating goes with a satisfaction survey only: choose that kind or clear the rating.",
        "只有满意度调查才填写评分：请选择该类型，或清空评分。",
    ),
    "field.customer_required": (
        "Say which customer, e.g. `/touch acme call`.",
        "请说明是哪位客户，例如 `/touch acme call`。",
    ),
    "field.control_chars": (
        "{label} holds control characters (such as NUL) that cannot be "
        "saved. Retype it, or paste it as plain text.",
        "{label}包含无法保存的控制字符（例如 NUL）。请重新输入，或以纯文本粘贴。",
    ),
    "field.needs_letter": (
        "{label}: “{value}” has no letters. Type the name itself; if you "
        "meant a phone number, it goes third: `/customer add <name>, <company>, <phone>` (leave "
        "the company empty as `Name, , phone`).",
        "{label}：“{value}”里没有文字。请输入名称本身；电话号码应写在第三项："
        "`/customer add <姓名>, <公司>, <电话>`（公司可留空：`姓名, , 电话`）。",
    ),
    "field.digits_ascii": (
        "{label}: “{value}” uses digits of another script. Type it with the digits 0–9.",
        "{label}：“{value}”使用了其他文字的数字，请用 0–9 输入。",
    ),
    "field.line_too_long": (
        "That line is {length} characters long; keep it to {max}. For a "
        "long note, use the form (`{command}` with nothing after it).",
        "这一行共 {length} 个字符，请控制在 {max} 个以内。备注较长时请使用表单"
        "（只输入 `{command}`）。",
    ),
    "field.phone_extension": (
        "{label}: “{value}” has an extension. Type the main number only "
        "and put the extension in a note.",
        "{label}：“{value}”带有分机号。请只填写总机号码，分机号写在备注里。",
    ),
    "field.pick_from_list": ("{label}: pick one from the list.", "{label}：请从列表中选择。"),
    "field.bidi_controls": (
        "{label} holds characters that reverse the direction of the text "
        "around them, so it would show as something else. Type the name as it reads.",
        "{label}包含会改变文字方向的控制字符，显示出来会变成别的名称。请按阅读顺序输入。",
    ),
    "field.stacked_marks": (
        "{label} stacks more accents on one letter than any language "
        "writes. Type the name as it is spelled.",
        "{label}的一个字母上叠加了过多的附加符号，请按实际拼写输入。",
    ),
    "field.amount_spaced": (
        "{label}: “{value}” has a space inside the number. Type it without "
        "spaces, e.g. 1000 or 1,000.",
        "{label}：“{value}”的数字中间有空格。请不带空格输入，例如 1000 或 1,000。",
    ),
    "field.amount_currency": (
        "{label}: “{value}” is in another currency; amounts are in "
        "{currency}. Type the amount in {currency}, without another currency's sign.",
        "{label}：“{value}”是其他币种；金额以 {currency} 计。"
        "请填写 {currency} 金额，不要带其他币种的符号。",
    ),
    "field.query_too_long": (
        "{label}: “{value}…” is longer than any name ({max} characters); "
        "type the start of the name or company.",
        "{label}：“{value}…”比任何名称都长（{max} 个字符）；请输入名称或公司的开头。",
    ),
    # Errors any surface may show
    "error.slack_stale": (
        "Slack no longer accepts that: the window closed or changed, or it took "
        "too long. Nothing was changed; click again or run the command again.",
        "Slack 已不再接受该操作：窗口已关闭或已变化，或耗时过长。没有做任何更改；"
        "请再点一次或重新执行命令。",
    ),
    "error.bad_payload": (
        "That button or form is out of date or was not understood, and "
        "nothing was changed. Run the command again.",
        "该按钮或表单已过期或无法识别，没有做任何更改。请重新执行命令。",
    ),
    "error.not_found": (
        "That item no longer exists, or it is not yours.",
        "该记录已不存在，或不属于你。",
    ),
    "error.unexpected": (
        "Something went wrong on our side and nothing was saved. If it keeps "
        "happening, give your admin this reference: `{ref}`.",
        "系统出错，本次操作未保存。如果反复出现，请把此编号告诉管理员：`{ref}`。",
    ),
    "error.database_unavailable": (
        "The database is not available right now; nothing was saved. Try again in a minute.",
        "数据库暂时无法使用，本次操作未保存。请一分钟后再试。",
    ),
    "error.fix_these": ("Please fix this and try again:", "请修改后重试："),
    "error.generic": (
        "That did not work; check what you typed and try again.",
        "操作未成功，请检查输入后重试。",
    ),
    "error.fields": ("Please fix the fields marked below.", "请修改下面标出的字段。"),
    "error.usage": ("Usage: {usage}", "用法：{usage}"),
}
