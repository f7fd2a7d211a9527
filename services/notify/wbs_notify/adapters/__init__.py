"""Notify's adapters: database (SQLAlchemy) and broker (Kafka subscriptions)."""
