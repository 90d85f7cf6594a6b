"""Persistence: models, migrations and the services that own transactions."""
