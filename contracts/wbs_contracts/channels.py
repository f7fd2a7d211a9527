"""Reporting channels (saluran pengaduan) seen in the seeds; reports are counted by channel.

Channels travel as slugs rather than an enum so that adding one is a compatible change.
"""

from __future__ import annotations

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

#: slug -> (Bahasa Indonesia, English)
KNOWN_CHANNELS: dict[str, tuple[str, str]] = {
    "web": ("Formulir web WBS", "WBS web form"),
    "email": ("Surel", "E-mail"),
    "kotak-saran": ("Kotak saran / pengaduan", "Suggestion box"),
    "surat": ("Surat", "Letter"),
    "faks": ("Faksimile", "Fax"),
    "lisan": ("Lisan / datang langsung", "In person"),
    "wbs-pusat": ("WBS Pusat", "Central WBS"),
    "sp4n-lapor": ("SP4N-LAPOR!", "SP4N-LAPOR!"),
    "halo-mitra": ("Halo Mitra", "Halo Mitra"),
    "media-sosial": ("Media sosial", "Social media"),
    "lembar-saran-online": ("Lembar saran online", "Online suggestion sheet"),
}
