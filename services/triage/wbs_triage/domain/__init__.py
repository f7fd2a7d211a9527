"""Triage's domain: cases and the agenda they are recorded in. No I/O here."""
