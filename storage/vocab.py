"""The domain's fixed vocabularies: touch kinds, statuses, segments, limits."""

from __future__ import annotations

from enum import StrEnum


class TouchKind(StrEnum):
    """What a customer touch was."""

    CALL = "call"
    VISIT = "visit"
    EMAIL = "email"
    MESSAGE = "message"
    MEETING = "meeting"
    ORDER = "order"
    INQUIRY = "inquiry"
    RESPONSE = "response"
    COMPLAINT = "complaint"
    SATISFACTION = "satisfaction"


# Touches that are the rep reaching the customer: logging one settles an open follow-up.
OUTBOUND_KINDS = frozenset(
    {
        TouchKind.CALL,
        TouchKind.VISIT,
        TouchKind.EMAIL,
        TouchKind.MESSAGE,
        TouchKind.MEETING,
        TouchKind.ORDER,
        TouchKind.RESPONSE,
    }
)

# Words a rep may type for a kind, besides its English name.
KIND_ALIASES: dict[str, TouchKind] = {
    "电话": TouchKind.CALL,
    "拜访": TouchKind.VISIT,
    "邮件": TouchKind.EMAIL,
    "消息": TouchKind.MESSAGE,
    "会议": TouchKind.MEETING,
    "订单": TouchKind.ORDER,
    "咨询": TouchKind.INQUIRY,
    "回复": TouchKind.RESPONSE,
    "投诉": TouchKind.COMPLAINT,
    "满意度": TouchKind.SATISFACTION,
    "csat": TouchKind.SATISFACTION,
    "nps": TouchKind.SATISFACTION,
}


class CustomerStatus(StrEnum):
    """Where a customer stands."""

    LEAD = "lead"
    ACTIVE = "active"
    CHURNED = "churned"


class FollowupStatus(StrEnum):
    """Whether a follow-up still needs doing."""

    OPEN = "open"
    DONE = "done"


class TouchSource(StrEnum):
    """Which Slack surface a touch was logged from."""

    COMMAND = "command"
    MODAL = "modal"
    SHORTCUT = "shortcut"


class Role(StrEnum):
    """A member's role; scoring weights differ per role."""

    SALES = "sales"
    SERVICE = "service"
    MANAGER = "manager"
    ADMIN = "admin"


AGE_BRACKETS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
COMPANY_SIZES = ("1-9", "10-49", "50-249", "250-999", "1000+")
SEGMENTS = tuple(f"age:{a}" for a in AGE_BRACKETS) + tuple(f"size:{s}" for s in COMPANY_SIZES)

# Length limits, shared by the database columns, the parsers and the modal inputs.
MAX_NAME = 120
MAX_COMPANY = 120
MAX_OCCUPATION = 80
MAX_KEY = 480  # a matching key may grow under NFKC + casefold; longer ones are refused
MAX_PHONE_INPUT = 40
MAX_NOTE = 2000
MAX_AMOUNT_MINOR = 10**13  # 100 billion in major units
MAX_AMOUNT_INPUT = 24  # characters typed for an amount: "¥100,000,000,000.00" fits
MAX_TEAM_NAME = 80
MAX_ID = 2**31 - 1  # record ids are 32-bit integers in both databases
# Whole quick-command lines: every field at its longest, with room for the words between.
MAX_TOUCH_LINE = MAX_NOTE + MAX_NAME + 200
MAX_CUSTOMER_LINE = MAX_NAME + MAX_COMPANY + MAX_PHONE_INPUT + MAX_OCCUPATION + 40
MAX_COMMAND_LINE = 1000  # /crm, /score, /leaderboard
CSAT_RANGE = (1, 5)
NPS_RANGE = (0, 10)
