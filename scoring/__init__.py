"""Pure scoring and pay: plain data in, explained scores and Decimal pay out.

Nothing here touches a database or Slack; the same input always gives the same output.
"""
