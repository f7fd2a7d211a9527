"""Intake's domain: reports, their status timeline, tenants and their categories. No I/O here."""
