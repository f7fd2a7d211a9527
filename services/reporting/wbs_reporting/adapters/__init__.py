"""Reporting's adapters: database (SQLAlchemy), HTTP (FastAPI) and broker (Kafka subscriptions)."""
