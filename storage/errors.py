"""Domain errors: each carries a message key, its parameters and, for input, the field."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An expected refusal the user can act on; `code` keys the message catalogue."""

    code = "error.generic"

    def __init__(self, code: str | None = None, *, field: str | None = None, **params: Any):
        self.code = code or self.code
        self.field = field
        self.params = params
        super().__init__(f"{self.code} {field or ''} {params}")


class FieldError(DomainError):
    """One input field is wrong; the message names the field and the fix."""


class FieldErrors(DomainError):
    """Several input fields are wrong at once (a modal shows them all)."""

    code = "error.fields"

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__()


class DatabaseUnavailable(DomainError):
    """The database cannot serve right now (gone, read-only, unreachable): nothing was saved."""

    code = "error.database_unavailable"


class DuplicateCustomer(DomainError):
    """The customer is already registered, possibly by someone else."""

    code = "error.duplicate_customer"


class CustomerNotFound(DomainError):
    """No customer matches what the rep typed."""

    code = "error.customer_not_found"


class AmbiguousCustomer(DomainError):
    """Several customers match; the rep must pick one."""

    code = "error.customer_ambiguous"

    def __init__(self, query: str, candidates: list[Any], total: int = 0):
        self.candidates = candidates
        self.total = max(total, len(candidates))
        super().__init__(query=query)


class NotOwner(DomainError):
    """The customer belongs to another rep."""

    code = "error.not_owner"


class AlreadyLogged(DomainError):
    """This Slack message has already been logged as a touch by the same rep."""

    code = "error.already_logged"


class NotFound(DomainError):
    """The record no longer exists or is not the user's."""

    code = "error.not_found"


class NotAdmin(DomainError):
    """Only admins change the organisation."""

    code = "error.not_admin"


class TeamNotFound(DomainError):
    """No team by that name in the workspace."""

    code = "error.team_not_found"


class NoTeam(DomainError):
    """The member is not on a team yet, so there is nothing to rank them in."""

    code = "error.no_team"


class NoRules(DomainError):
    """The team's scheme has no version in force for the month asked about."""

    code = "error.no_rules"


class NotScored(DomainError):
    """Managers and admins have no score of their own."""

    code = "error.not_scored"


class NotYourReport(DomainError):
    """Managers see their own reports' scores only."""

    code = "error.not_your_report"


class BadPayload(DomainError):
    """A button value or form state that is not what the bot sent (stale or tampered)."""

    code = "error.bad_payload"


class FollowupMoved(DomainError):
    """A snooze carried a due date the follow-up no longer has."""

    code = "error.snooze_moved"


class FollowupClosed(DomainError):
    """The follow-up is already done."""

    code = "error.followup_closed"


class NotOnTeam(DomainError):
    """The member was not on the team in the period asked about: no score, no pay."""

    code = "error.not_on_team"


class SlackStale(DomainError):
    """Slack refused a call because the click or window it answers is stale."""

    code = "error.slack_stale"
