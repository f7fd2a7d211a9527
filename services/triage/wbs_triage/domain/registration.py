"""The registration record (pencatatan) the officer completes, as 002 and 004 BAB II C.1 list it:
"Data surat pengaduan" (nomor dan tanggal agenda, tanggal surat pengaduan, perihal), the unit
reported, and "Identitas terlapor" (nama, NIP/NRP, alamat, jabatan, instansi terlapor).

The agenda number and date are triage's own (``AgendaEntry``). The rest is sealed to
case-substance at rest, like the report it describes. The reporter's identity is not here: it
stays with intake, sealed to reporter-identity, and is disclosed only through intake's
pengungkapan flow (002 Pasal 10; 004 Pasal 8).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from wbs_contracts.events.intake import NAME_LIMIT, SHORT_TEXT_LIMIT, ReportSubstanceV1
from wbs_contracts.sealed import Audience, SealedDocument

#: More than a report names in practice; a bound so one form cannot grow a case without end.
TERLAPOR_LIMIT = 20


class TerlaporRecord(BaseModel):
    """One reported official, in the fields 002 BAB II C.1.c.3 lists."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    nama: str = Field(default="", max_length=NAME_LIMIT)
    nip: str = Field(default="", max_length=40, description="NIP or NRP.")
    alamat: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    jabatan: str = Field(default="", max_length=NAME_LIMIT)
    instansi: str = Field(default="", max_length=NAME_LIMIT)

    @property
    def is_empty(self) -> bool:
        return not any((self.nama, self.nip, self.alamat, self.jabatan, self.instansi))


class RegistrationDetailsV1(SealedDocument):
    """What the officer recorded about the report (never on the bus), sealed to case-substance."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    sealed_type: ClassVar[str] = "registration-details"
    sealed_version: ClassVar[int] = 1
    audience: ClassVar[str] = Audience.CASE_SUBSTANCE

    tanggal_surat: date | None = Field(default=None, description="Tanggal surat pengaduan.")
    perihal: str = Field(default="", max_length=SHORT_TEXT_LIMIT)
    unit_terlapor: str = Field(default="", max_length=NAME_LIMIT, description="Satuan kerja/unit kerja terlapor.")
    terlapor: tuple[TerlaporRecord, ...] = Field(default=(), max_length=TERLAPOR_LIMIT)


class RegistrationRefused(ValueError):
    def __init__(self, field: str, pesan: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.pesan = pesan
        self.message = message


def from_substance(substance: ReportSubstanceV1) -> RegistrationDetailsV1:
    """What the reporter wrote, as a first draft of the record: the officer completes and corrects it."""
    terlapor = tuple(
        TerlaporRecord(nama=t.nama, nip=t.nip, jabatan=t.jabatan, instansi=t.unit_kerja) for t in substance.terlapor
    )
    units = [t.unit_kerja.strip() for t in substance.terlapor if t.unit_kerja.strip()]
    return RegistrationDetailsV1(unit_terlapor=units[0] if units else "", terlapor=terlapor)


def checked_details(details: RegistrationDetailsV1, *, today: date) -> RegistrationDetailsV1:
    """The record as it is kept: blank terlapor rows dropped, text trimmed; a letter dated in the
    future is refused (a typing error, most likely)."""
    if details.tanggal_surat is not None and details.tanggal_surat > today:
        raise RegistrationRefused(
            "tanggal_surat",
            "Tanggal surat tidak boleh setelah hari ini.",
            "The letter's date cannot be after today.",
        )
    rows = tuple(
        TerlaporRecord(**{name: str(value).strip() for name, value in row.model_dump().items()})
        for row in details.terlapor
        if not row.is_empty
    )
    return details.model_copy(
        update={"perihal": details.perihal.strip(), "unit_terlapor": details.unit_terlapor.strip(), "terlapor": rows}
    )


#: ``Permission`` values (the domain imports no runtime).
REGISTER_REPORTS, ASSESS_CASES = "register-reports", "assess-cases"


def may_edit_registration(permissions: Collection[str], *, on_team: bool) -> bool:
    """The petugas who registers reports, and a penelaah on the case's team, complete the record."""
    return REGISTER_REPORTS in permissions or (ASSESS_CASES in permissions and on_team)
