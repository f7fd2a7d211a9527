"""Notify's domain: notifications and what may be in them. No I/O here."""
