"""Intake's adapters: database (SQLAlchemy), HTTP (FastAPI), broker (Kafka subscriptions), hashing."""
