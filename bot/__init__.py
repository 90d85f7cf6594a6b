"""CRM Pay Slack bot: wiring, settings, CLI and HTTP server."""
