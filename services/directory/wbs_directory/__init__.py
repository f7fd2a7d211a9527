"""Directory: the bodies (tenants) and their hierarchy, their policies as versioned data, and
(next) the officers who work for them and their sign-in. Every tenant's configuration reaches the
other services as a ``tenant-configured`` event."""
