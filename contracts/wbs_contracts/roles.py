"""The roles an officer can hold in a tenant, as the seeds name them.

Roles cross service boundaries inside the caller's signed assertion (``identity.py``), so they
are part of the contract. Which permissions a role carries is the runtime's concern; which
officer holds which role in which tenant is directory's.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PETUGAS_PENGADUAN = "petugas-pengaduan"
    PIMPINAN_SATKER = "pimpinan-satker"
    PENELAAH = "penelaah"
    KETUA_TIM = "ketua-tim"
    AUDITOR = "auditor"
    CUSTODIAN = "custodian"
    PIMPINAN_DAERAH = "pimpinan-daerah"
    ADMINISTRATOR = "administrator"
    OPERATOR = "operator"
    AGENCY_SUBSCRIBER = "agency-subscriber"


#: role -> (Bahasa Indonesia, English)
ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.PETUGAS_PENGADUAN: ("Petugas pengaduan", "Complaints officer"),
    Role.PIMPINAN_SATKER: ("Pimpinan satker", "Head of work unit"),
    Role.PENELAAH: ("Penelaah", "Assessor"),
    Role.KETUA_TIM: ("Ketua tim / Inspektur", "Team leader / Inspector"),
    Role.AUDITOR: ("Auditor", "Auditor"),
    Role.CUSTODIAN: ("Kustodian identitas pelapor", "Reporter identity custodian"),
    Role.PIMPINAN_DAERAH: ("Pimpinan daerah / instansi", "Head of region / agency"),
    Role.ADMINISTRATOR: ("Administrator instansi", "Tenant administrator"),
    Role.OPERATOR: ("Operator sistem", "System operator"),
    Role.AGENCY_SUBSCRIBER: ("Pelanggan instansi penerima (APH, KPK, LPSK)", "Agency subscriber (APH, KPK, LPSK)"),
}
