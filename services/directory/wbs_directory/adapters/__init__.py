"""Directory's adapters: database, broker, the ``wbs tenants`` commands, tenant files (YAML)."""
