"""Reporting (pelaporan berkala): statistics per body, built only from events, never from other
services' tables. It learns categories and channels, never substance or identity."""
