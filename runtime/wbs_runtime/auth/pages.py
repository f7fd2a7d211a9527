"""The officers' pages, by the permission that opens them: one table, so that the officer's home
page (directory's) links to every page their roles allow, whichever service serves it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from wbs_runtime.auth.permissions import Permission


@dataclass(frozen=True)
class OfficerPage:
    permission: Permission
    #: The page's address; ``{tenant}`` is the tenant it concerns.
    path: str
    #: Bahasa Indonesia first, English second.
    label: tuple[str, str]

    def href(self, tenant: str) -> str:
        return self.path.format(tenant=tenant)


OFFICER_PAGES: tuple[OfficerPage, ...] = (
    OfficerPage(Permission.READ_CASES, "/perkara/{tenant}", ("Antrean perkara", "The case queue")),
    OfficerPage(
        Permission.RECORD_REPORTS,
        "/petugas/{tenant}/catat",
        ("Catat laporan dari saluran lain", "Record a report from another channel"),
    ),
    OfficerPage(
        Permission.DECIDE_IDENTITY_DISCLOSURE,
        "/petugas/{tenant}/pengungkapan",
        ("Permintaan pengungkapan identitas pelapor", "Requests to disclose a reporter's identity"),
    ),
    OfficerPage(Permission.READ_CASES, "/audit/{tenant}", ("Audit investigasi", "Investigations")),
    OfficerPage(
        Permission.RECEIVE_ESCALATIONS,
        "/pelimpahan/{tenant}",
        ("Pelimpahan yang diterima", "Escalations received"),
    ),
    OfficerPage(
        Permission.MANAGE_CONFIGURATION, "/admin/{tenant}", ("Konfigurasi instansi", "The body's configuration")
    ),
    OfficerPage(Permission.MANAGE_ACCOUNTS, "/admin/{tenant}/petugas", ("Akun petugas", "Officer accounts")),
    OfficerPage(
        Permission.READ_STATISTICS,
        "/statistik/{tenant}",
        ("Statistik dan laporan tahunan", "Statistics and the annual report"),
    ),
    # Deployment-wide: the same page whichever tenant the operator's role was granted in.
    OfficerPage(Permission.VIEW_QUEUE_HEALTH, "/operasi", ("Kesehatan antrean", "Queue health")),
)


def pages_for(permissions: Collection[Permission]) -> list[OfficerPage]:
    """The pages these permissions open, in the table's order."""
    return [page for page in OFFICER_PAGES if page.permission in permissions]
