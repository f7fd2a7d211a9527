"""Reporting's domain: the monthly recap tables of the annual reports. No I/O here."""
