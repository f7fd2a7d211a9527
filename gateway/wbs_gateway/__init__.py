"""The gateway: one address for people (reporters now; officers and agencies later), routing each
path prefix to the service that owns it. It holds no state and no business logic."""
