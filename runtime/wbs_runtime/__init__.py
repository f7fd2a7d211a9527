"""The runtime every WBS service shares, written once.

- ``settings``: configuration from the environment.
- ``db`` and ``unit_of_work``: PostgreSQL through SQLAlchemy (async, asyncpg), one transaction per use case.
- ``messaging``: the transactional outbox and its relay, the idempotent inbox, consumers with retry and
  dead-lettering, topic creation.
- ``crypto``: the key directory and sealing of identity and substance.
- ``metrics``, ``http``: health, readiness, Prometheus metrics, bilingual error responses.
- ``service`` and ``cli``: how a service is assembled and run as its own process.
"""
