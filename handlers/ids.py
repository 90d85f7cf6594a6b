"""Every command name, callback_id, action_id and block_id the app uses, in one place."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """Slash commands; `manifest.yml` must declare exactly these."""

    TOUCH = "/touch"
    CUSTOMER = "/customer"
    FOLLOWUP = "/followup"
    SCORE = "/score"
    LEADERBOARD = "/leaderboard"
    CRM = "/crm"


class Callback(StrEnum):
    """Modal and shortcut callback ids."""

    TOUCH_MODAL = "touch_modal"
    CUSTOMER_MODAL = "customer_modal"
    LOG_FROM_MESSAGE = "log_touch_from_message"
    LOG_TOUCH = "log_touch"
    RECORDS_MODAL = "score_records"


class Action(StrEnum):
    """Interactive element action ids."""

    CUSTOMER_PICK = "touch_customer"  # the modal's external select
    OPEN_TOUCH_FORM = "open_touch_form"
    OPEN_CUSTOMER_FORM = "open_customer_form"
    CHOOSE_CUSTOMER = "choose_customer"
    FOLLOWUP_DONE = "followup_done"
    FOLLOWUP_SNOOZE = "followup_snooze"
    SCORE_RECORDS = "score_records"
    RECORDS_PREV = "score_records_prev"
    RECORDS_NEXT = "score_records_next"
    OPEN_SCORE = "open_score"
    ACCEPT_BURST = "accept_burst"
    INPUT = "input"  # the single input element inside each modal input block


class Block(StrEnum):
    """Input block ids; each equals the field name a FieldError carries."""

    CUSTOMER = "customer"
    KIND = "kind"
    WHEN = "when"
    NOTE = "note"
    AMOUNT = "amount"
    RATING = "rating"
    NEXT = "next"
    NAME = "name"
    COMPANY = "company"
    PHONE = "phone"
    OCCUPATION = "occupation"
    SEGMENT = "segment"
    STATUS = "status"
