"""The report form of the reporter's pages: reading it (one function, so that the evidence files'
streaming reader can take its place) and checking what was typed, field by field, so that the page
can show every problem beside its field and give back everything the reporter wrote.

Field names are Indonesian and stable: ``kategori``, ``apa``, ``di_mana``, ``kapan``, ``siapa``,
``bagaimana``, ``kerugian``, ``terlapor-<n>-nama|nip|jabatan|unit_kerja`` (``terlapor_baris`` rows),
``kontak``, ``identitas_<field>`` (the fields of ``ReporterIdentityV1``), ``kredensial`` (``kode`` or
``samaran``), ``nama_samaran``, ``kata_sandi``, ``ulangi_kata_sandi``, ``lengkap_dikonfirmasi``,
``langkah`` (which button), ``kunci`` and ``rahasia`` (the retry's key and secret, drawn when the
review page was shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from wbs_contracts.events.intake import (
    NAME_LIMIT,
    SHORT_TEXT_LIMIT,
    TEXT_LIMIT,
    ReportedOfficial,
    ReporterIdentityV1,
    ReportSubstanceV1,
)
from wbs_intake.domain.messages import N_
from wbs_intake.domain.rupiah import NotAnAmount, parse_rupiah
from wbs_intake.domain.tenant import Tenant

#: What the form sends, one value per name (files come with the evidence issue's reader).
FormFields = Mapping[str, str]

DEFAULT_TERLAPOR_ROWS = 1
MAX_TERLAPOR_ROWS = 20
#: The 4W1H fields: form name, the substance's field, its limit.
ELEMENT_FIELDS = (
    ("apa", "what", TEXT_LIMIT),
    ("di_mana", "where", SHORT_TEXT_LIMIT),
    ("kapan", "when", SHORT_TEXT_LIMIT),
    ("siapa", "who", TEXT_LIMIT),
    ("bagaimana", "how", TEXT_LIMIT),
)
TERLAPOR_FIELDS = (("nama", NAME_LIMIT), ("nip", 40), ("jabatan", NAME_LIMIT), ("unit_kerja", NAME_LIMIT))
IDENTITY_FIELDS = (
    ("nama", NAME_LIMIT),
    ("alamat", SHORT_TEXT_LIMIT),
    ("telepon", 40),
    ("email", 254),
    ("nip", 40),
    ("jabatan", NAME_LIMIT),
    ("unit_kerja", NAME_LIMIT),
    ("pekerjaan", NAME_LIMIT),
)
#: Every text field the form gives back when it is shown again (never the passwords).
KEPT_FIELDS = (
    "kategori",
    *(name for name, _, _ in ELEMENT_FIELDS),
    "kerugian",
    "kontak",
    *(f"identitas_{name}" for name, _ in IDENTITY_FIELDS),
    "kredensial",
    "nama_samaran",
)

TOO_LONG = N_("Terlalu panjang: paling banyak %(limit)s karakter.")
CHOOSE_CATEGORY = N_("Pilih salah satu kategori.")
NOT_AN_AMOUNT = N_("Tulis jumlah dalam rupiah dengan angka, misalnya 1.500.000.")
NOTHING_REPORTED = N_("Laporan masih kosong. Ceritakan paling sedikit apa yang terjadi.")
NOT_AN_EMAIL = N_("Alamat surel ini tidak lengkap (contoh: nama@contoh.id).")


async def read_report_form(request: Request) -> dict[str, str]:
    """The submitted form's fields (``application/x-www-form-urlencoded``); the evidence issue
    replaces this with its streaming ``multipart/form-data`` reader."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


@dataclass(frozen=True)
class Problem:
    message: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class CheckedReport:
    """The form checked: the report's parts when they are sound, the problems by field name, and
    what the reporter typed (given back on every page of the form)."""

    values: dict[str, str]
    terlapor_rows: list[dict[str, str]]
    problems: dict[str, Problem]
    category: str = ""
    substance: ReportSubstanceV1 | None = None
    identity: ReporterIdentityV1 | None = None
    contact: str | None = None

    @property
    def sound(self) -> bool:
        return not self.problems


def _text(fields: FormFields, name: str) -> str:
    return fields.get(name, "").replace("\r\n", "\n").strip()


def terlapor_rows(fields: FormFields) -> list[dict[str, str]]:
    """The terlapor rows as typed (at least one row; empty rows in between kept, for the page)."""
    try:
        count = int(fields.get("terlapor_baris", ""))
    except ValueError:
        count = DEFAULT_TERLAPOR_ROWS
    count = max(DEFAULT_TERLAPOR_ROWS, min(count, MAX_TERLAPOR_ROWS))
    return [{name: _text(fields, f"terlapor-{i}-{name}") for name, _ in TERLAPOR_FIELDS} for i in range(count)]


def check_report(fields: FormFields, tenant: Tenant) -> CheckedReport:
    values = {name: _text(fields, name) for name in KEPT_FIELDS}
    if values["kredensial"] not in {"kode", "samaran"}:
        values["kredensial"] = "kode"
    rows = terlapor_rows(fields)
    problems: dict[str, Problem] = {}

    def limited(name: str, limit: int) -> str:
        value = values.get(name, "")
        if len(value) > limit:
            problems[name] = Problem(TOO_LONG, {"limit": limit})
        return value

    category = values["kategori"]
    if category not in {c.slug for c in tenant.categories}:
        problems["kategori"] = Problem(CHOOSE_CATEGORY)
    elements = {attribute: limited(name, limit) for name, attribute, limit in ELEMENT_FIELDS}
    amount = None
    try:
        amount = parse_rupiah(values["kerugian"])
    except NotAnAmount:
        problems["kerugian"] = Problem(NOT_AN_AMOUNT)
    officials = []
    for i, row in enumerate(rows):
        for name, limit in TERLAPOR_FIELDS:
            if len(row[name]) > limit:
                problems[f"terlapor-{i}-{name}"] = Problem(TOO_LONG, {"limit": limit})
        if any(row.values()):
            officials.append(ReportedOfficial(**{name: row[name][:limit] for name, limit in TERLAPOR_FIELDS}))
    if not any(elements.values()) and not officials:
        problems["apa"] = Problem(NOTHING_REPORTED)
    contact = limited("kontak", SHORT_TEXT_LIMIT)
    identity_values = {name: limited(f"identitas_{name}", limit) for name, limit in IDENTITY_FIELDS}
    email = identity_values["email"]
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        problems["identitas_email"] = Problem(NOT_AN_EMAIL)
    checked = CheckedReport(values, rows, problems, category=category)
    if problems:
        return checked
    checked.substance = ReportSubstanceV1(**elements, amount_idr=amount, terlapor=tuple(officials))
    checked.identity = ReporterIdentityV1(**identity_values) if any(identity_values.values()) else None
    checked.contact = contact or None
    return checked


def check_identity(fields: FormFields) -> tuple[dict[str, str], dict[str, Problem], ReporterIdentityV1 | None]:
    """The identity form on the status page: values, problems, and the identity if sound."""
    values = {f"identitas_{name}": _text(fields, f"identitas_{name}") for name, _ in IDENTITY_FIELDS}
    problems: dict[str, Problem] = {}
    for name, limit in IDENTITY_FIELDS:
        if len(values[f"identitas_{name}"]) > limit:
            problems[f"identitas_{name}"] = Problem(TOO_LONG, {"limit": limit})
    email = values["identitas_email"]
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        problems["identitas_email"] = Problem(NOT_AN_EMAIL)
    if problems or not any(values.values()):
        return values, problems, None
    return values, problems, ReporterIdentityV1(**{name: values[f"identitas_{name}"] for name, _ in IDENTITY_FIELDS})
