"""Intake (penerimaan laporan): where reporters submit reports and follow them.

It holds no plaintext substance or identity: both are sealed before they leave the request, and
only a keyed digest of the reporter's secret is kept.
"""
