"""`/customer`: registering, finding and editing customers."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Results
    "customer.registered": (
        "Registered *{name}*. You own this customer.",
        "已登记*{name}*，该客户归你所有。",
    ),
    "customer.already": ("This customer was already registered by you.", "你已经登记过这位客户。"),
    "customer.updated": ("Saved *{name}*.", "已保存*{name}*。"),
    "customer.touch_not_logged": (
        "The touch you typed was not logged:",
        "你输入的这次接触未能记录：",
    ),
    "customer.more_matches": (
        "…and {n} more. Type more of the name, or pick the customer in the form.",
        "……还有 {n} 位。请多输入几个字，或在表单中选择客户。",
    ),
    "customer.matches": ("Customers starting with “{query}”:", "以“{query}”开头的客户："),
    "customer.none": ("No customer starts with “{query}”.", "没有以“{query}”开头的客户。"),
    "customer.owner": ("owner <@{owner}>", "归属 <@{owner}>"),
    "customer.not_found_offer": (
        "Register it, and the touch you typed is logged with it.",
        "登记这位客户后，你输入的这次接触会一并记录。",
    ),
    # Errors
    "error.duplicate_customer": (
        "*{name}* is already registered{phone_note}, and belongs to "
        "<@{owner}>. Customers belong to whoever registers them first.",
        "*{name}*已经登记{phone_note}，归属于 <@{owner}>。客户归首先登记的人所有。",
    ),
    "error.duplicate_phone_note": (" with phone {phone}", "（电话 {phone}）"),
    "error.duplicate_own": (
        "You already registered *{name}*{phone_note}.",
        "你已经登记过*{name}*{phone_note}。",
    ),
    "error.customer_not_found": (
        "No customer starts with “{query}”.",
        "没有以“{query}”开头的客户。",
    ),
    "error.customer_ambiguous": (
        "Several of your customers start with “{query}”. Which one did you mean?",
        "你有多位客户以“{query}”开头，是哪一位？",
    ),
    # Usage
    "usage.customer": (
        "`/customer add <name>, <company>, <phone>` to register, "
        "`/customer find <name>` to look up, `/customer edit <name>` to fill in or change one of "
        "yours (or mark it churned), `/customer` alone opens the form.",
        "`/customer add <名称>, <公司>, <电话>` 登记，`/customer find <名称>` 查找，"
        "`/customer edit <名称>` 补充或修改你的客户（或标为已流失），"
        "单独输入 `/customer` 打开表单。",
    ),
}
