"""Directory's domain: tenants, their hierarchy and their policies. No I/O."""
