"""Reliable messaging over Kafka: transactional outbox, idempotent inbox, consumers with dead letters."""
