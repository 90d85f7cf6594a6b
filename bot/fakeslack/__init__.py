"""A stand-in for Slack on loopback: a Web API server that enforces Slack's limits,
and a driver that sends signed requests to the bot as Slack would. Used by the tests
and by local demos; it never talks to the real Slack."""

from bot.fakeslack.driver import Reply, SlackDriver
from bot.fakeslack.server import Call, FakeSlack

__all__ = ["Call", "FakeSlack", "Reply", "SlackDriver"]
