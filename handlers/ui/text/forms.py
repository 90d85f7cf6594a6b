"""Modal titles and buttons."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Modal titles (Slack allows 24 characters)
    "modal.touch": ("Log a touch", "记录客户接触"),
    "modal.customer": ("Register a customer", "登记客户"),
    "modal.touch_done": ("Touch logged", "已记录"),
    "modal.customer_done": ("Customer registered", "客户已登记"),
    "modal.customer_edit": ("Edit customer", "修改客户"),
    "modal.customer_saved": ("Customer saved", "客户已保存"),
    # Buttons
    "button.save": ("Save", "保存"),
    "button.cancel": ("Cancel", "取消"),
    "button.close": ("Close", "关闭"),
    "button.done": ("Done", "完成"),
    "button.log_touch": ("Log a touch", "记录客户接触"),
    "button.register": ("Register a customer", "登记客户"),
    "button.open_form": ("Open the form", "打开表单"),
    "button.register_named": ("Register “{name}”", "登记“{name}”"),
    "button.this_one": ("This one", "就是这个"),
}
