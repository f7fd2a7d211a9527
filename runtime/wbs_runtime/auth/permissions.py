"""Who may do what: the permissions, which roles carry them, and how far a grant reaches.

The one table of the whole system. A service protects a route with a permission
(``access.require(Permission.X)``); directory's home page shows the descriptions. A role is
granted in one tenant (``CallerClaims.grants``, exactly as granted); how far it reaches is the
permission's ``Reach``:

- ``TENANT``: only in the tenant where the role is granted. Case content, statistics and
  escalations never flow down the hierarchy: a province's penelaah does not read a kabupaten's
  cases (a case routed to a tenant becomes that tenant's case, which is the owning service's
  business).
- ``DESCENDANTS``: in the tenant and every tenant below it. Only administration (configuration and
  accounts) reaches down, so a province's administrator can set up its kabupaten.
- ``DEPLOYMENT``: the role granted in any tenant opens it everywhere. Only operations (queue health
  and dead letters), which never show case content.

An officer's permissions in a tenant are the union of what their roles give there under these
rules. Whether one officer may touch one case (the assigned auditor, say) is for the service that
owns the case to decide on top of this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from wbs_contracts.roles import Role


class Reach(StrEnum):
    TENANT = "tenant"
    DESCENDANTS = "descendants"
    DEPLOYMENT = "deployment"


class Permission(StrEnum):
    RECORD_REPORTS = "record-reports"
    REGISTER_REPORTS = "register-reports"
    READ_CASES = "read-cases"
    DISPOSE_CASES = "dispose-cases"
    ASSESS_CASES = "assess-cases"
    ASSIGN_CASES = "assign-cases"
    APPROVE_DECISIONS = "approve-decisions"
    INVESTIGATE_CASES = "investigate-cases"
    ANSWER_REPORTERS = "answer-reporters"
    REQUEST_IDENTITY_DISCLOSURE = "request-identity-disclosure"
    DECIDE_IDENTITY_DISCLOSURE = "decide-identity-disclosure"
    APPROVE_ESCALATION = "approve-escalation"
    APPROVE_PUBLICATION = "approve-publication"
    READ_STATISTICS = "read-statistics"
    RECEIVE_ESCALATIONS = "receive-escalations"
    MANAGE_CONFIGURATION = "manage-configuration"
    MANAGE_ACCOUNTS = "manage-accounts"
    VIEW_QUEUE_HEALTH = "view-queue-health"
    MANAGE_DEAD_LETTERS = "manage-dead-letters"


@dataclass(frozen=True)
class PermissionRule:
    reach: Reach
    #: Bahasa Indonesia first, English second.
    pesan: str
    message: str
    roles: frozenset[Role]


def _rule(reach: Reach, pesan: str, message: str, *roles: Role) -> PermissionRule:
    return PermissionRule(reach, pesan, message, frozenset(roles))


_CASE_HANDLERS = (
    Role.PETUGAS_PENGADUAN,
    Role.PIMPINAN_SATKER,
    Role.PENELAAH,
    Role.KETUA_TIM,
    Role.AUDITOR,
    Role.PIMPINAN_DAERAH,
)

#: The table: each permission, how far it reaches, what it means, and the roles that carry it.
RULES: Mapping[Permission, PermissionRule] = {
    Permission.RECORD_REPORTS: _rule(
        Reach.TENANT,
        "Mencatat pengaduan dari setiap saluran (surat, telepon, tatap muka, kotak saran)",
        "Record reports from every channel (letter, telephone, in person, suggestion box)",
        Role.PETUGAS_PENGADUAN,
    ),
    Permission.REGISTER_REPORTS: _rule(
        Reach.TENANT,
        "Meregistrasi pengaduan dalam agenda",
        "Register reports in the agenda",
        Role.PETUGAS_PENGADUAN,
    ),
    Permission.READ_CASES: _rule(
        Reach.TENANT,
        "Membaca isi perkara instansi ini",
        "Read this body's cases",
        *_CASE_HANDLERS,
    ),
    Permission.DISPOSE_CASES: _rule(
        Reach.TENANT,
        "Mendisposisikan pengaduan",
        "Dispose reports (disposisi)",
        Role.PIMPINAN_SATKER,
    ),
    Permission.ASSESS_CASES: _rule(
        Reach.TENANT,
        "Menelaah pengaduan",
        "Assess reports (telaah)",
        Role.PENELAAH,
    ),
    Permission.ASSIGN_CASES: _rule(
        Reach.TENANT,
        "Menugaskan penelaah dan auditor",
        "Assign assessors and auditors",
        Role.KETUA_TIM,
    ),
    Permission.APPROVE_DECISIONS: _rule(
        Reach.TENANT,
        "Menyetujui keputusan telaah dan audit",
        "Approve assessment and audit decisions",
        Role.KETUA_TIM,
    ),
    Permission.INVESTIGATE_CASES: _rule(
        Reach.TENANT,
        "Melaksanakan audit investigasi",
        "Investigate (audit investigasi)",
        Role.AUDITOR,
    ),
    Permission.ANSWER_REPORTERS: _rule(
        Reach.TENANT,
        "Menjawab pelapor dan meminta informasi tambahan melalui Kotak Komunikasi",
        "Answer reporters and ask them for more information through the message box",
        Role.PETUGAS_PENGADUAN,
        Role.PENELAAH,
        Role.KETUA_TIM,
    ),
    Permission.REQUEST_IDENTITY_DISCLOSURE: _rule(
        Reach.TENANT,
        "Meminta pembukaan identitas pelapor, dengan alasan tertulis, untuk pemeriksaan",
        "Ask, with a written reason, for a reporter's identity to be disclosed for an investigation",
        Role.PENELAAH,
        Role.KETUA_TIM,
        Role.AUDITOR,
    ),
    Permission.DECIDE_IDENTITY_DISCLOSURE: _rule(
        Reach.TENANT,
        "Memutuskan permintaan pembukaan identitas pelapor",
        "Decide on requests to disclose a reporter's identity",
        Role.CUSTODIAN,
    ),
    Permission.APPROVE_ESCALATION: _rule(
        Reach.TENANT,
        "Menyetujui penerusan ke APH atau KPK",
        "Approve escalation to law enforcement or the KPK",
        Role.PIMPINAN_DAERAH,
    ),
    Permission.APPROVE_PUBLICATION: _rule(
        Reach.TENANT,
        "Menyetujui publikasi hasil dan statistik",
        "Approve publication of outcomes and statistics",
        Role.PIMPINAN_DAERAH,
    ),
    Permission.READ_STATISTICS: _rule(
        Reach.TENANT,
        "Melihat statistik pengaduan instansi ini",
        "See this body's report statistics",
        Role.PETUGAS_PENGADUAN,
        Role.PIMPINAN_SATKER,
        Role.PENELAAH,
        Role.KETUA_TIM,
        Role.PIMPINAN_DAERAH,
    ),
    Permission.RECEIVE_ESCALATIONS: _rule(
        Reach.TENANT,
        "Menerima penerusan perkara yang ditujukan kepada instansi ini",
        "Receive the escalations addressed to this agency",
        Role.AGENCY_SUBSCRIBER,
    ),
    Permission.MANAGE_CONFIGURATION: _rule(
        Reach.DESCENDANTS,
        "Mengelola konfigurasi instansi ini dan instansi di bawahnya",
        "Manage the configuration of this body and the bodies below it",
        Role.ADMINISTRATOR,
    ),
    Permission.MANAGE_ACCOUNTS: _rule(
        Reach.DESCENDANTS,
        "Mengelola akun petugas instansi ini dan instansi di bawahnya",
        "Manage officer accounts of this body and the bodies below it",
        Role.ADMINISTRATOR,
    ),
    Permission.VIEW_QUEUE_HEALTH: _rule(
        Reach.DEPLOYMENT,
        "Melihat kesehatan antrean (tanpa isi perkara)",
        "See queue health (never case content)",
        Role.OPERATOR,
    ),
    Permission.MANAGE_DEAD_LETTERS: _rule(
        Reach.DEPLOYMENT,
        "Mengelola pesan gagal (dead letters) tanpa membuka isinya",
        "Manage dead letters without opening their content",
        Role.OPERATOR,
    ),
}

#: role -> the permissions it carries (the same table, read the other way).
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    role: frozenset(p for p, rule in RULES.items() if role in rule.roles) for role in Role
}


def reaches(reach: Reach, granted_in: str, tenant: str, ancestors: Iterable[str] = ()) -> bool:
    """Whether a role granted in ``granted_in`` carries a permission of ``reach`` into ``tenant``."""
    if granted_in == tenant or reach is Reach.DEPLOYMENT:
        return True
    return reach is Reach.DESCENDANTS and granted_in in ancestors


def roles_granting(
    grants: Mapping[str, Iterable[Role]], permission: Permission, tenant: str, ancestors: Iterable[str] = ()
) -> frozenset[Role]:
    """The roles through which ``permission`` holds in ``tenant`` (for the audit trail); empty
    when it does not hold. ``grants`` is tenant -> roles as granted; ``ancestors`` are the
    tenant's ancestors, in any order."""
    rule = RULES[permission]
    upward = frozenset(ancestors)
    return frozenset(
        role
        for granted_in, roles in grants.items()
        for role in roles
        if role in rule.roles and reaches(rule.reach, granted_in, tenant, upward)
    )


def permissions_in(
    grants: Mapping[str, Iterable[Role]], tenant: str, ancestors: Iterable[str] = ()
) -> frozenset[Permission]:
    """Everything an officer holding ``grants`` may do in ``tenant``: the union over their roles."""
    upward = frozenset(ancestors)
    return frozenset(p for p in Permission if roles_granting(grants, p, tenant, upward))
