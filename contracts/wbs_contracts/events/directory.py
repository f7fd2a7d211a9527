"""Events produced by directory: each tenant's whole current configuration.

One event carries everything other services need about one tenant, keyed by the tenant id on a
compacted topic, so the topic's latest record per key is the tenant's current configuration and a
consumer that starts from the beginning rebuilds its local copy. Every decision taken under a
policy names ``policy_version``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from wbs_contracts.channels import SLUG_PATTERN
from wbs_contracts.envelope import TENANT_PATTERN, EventData
from wbs_contracts.roles import Role


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class TenantKind(StrEnum):
    #: Receives reports: an inspectorate, a BPS satker, an agency's head office.
    BODY = "body"
    #: Receives escalations: KPK, a Kejaksaan, a Kepolisian unit, LPSK.
    AGENCY = "agency"


class AgencyType(StrEnum):
    KPK = "kpk"
    KEJAKSAAN = "kejaksaan"
    KEPOLISIAN = "kepolisian"
    LPSK = "lpsk"


class EscalationTarget(StrEnum):
    #: Aparat Penegak Hukum: Kepolisian and Kejaksaan.
    APH = "aph"
    KPK = "kpk"


class Decision(StrEnum):
    """Decisions whose approval a tenant's policy can require."""

    TELAAH_NOT_PROCESSED = "telaah-tidak-diproses"
    TELAAH_FORWARDED = "telaah-diteruskan"
    TELAAH_MERGED = "telaah-digabung"
    TELAAH_AUDIT = "telaah-audit-investigasi"
    ESCALATION = "eskalasi"
    STATISTICS_PUBLICATION = "publikasi-statistik"
    IDENTITY_DISCLOSURE = "pengungkapan-identitas"


class Category(_Part):
    slug: str = Field(pattern=SLUG_PATTERN)
    label_id: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)


class Holiday(_Part):
    date: date
    name: str = Field(max_length=200)


class WorkingCalendar(_Part):
    """Which days count as working days (hari kerja) for the tenant's clocks.

    ``holidays`` is already resolved: national public holidays and cuti bersama for the years
    covered, with the tenant's own additions and minus its removals, so consumers never recompute it.
    """

    weekend: tuple[int, ...] = Field(default=(5, 6), description="ISO weekday numbers minus one: 5=Sat, 6=Sun.")
    holidays: tuple[Holiday, ...] = ()
    covers_from: date
    covers_until: date


class TimeLimit(_Part):
    """A limit counted in working days of the calendar, or in calendar months."""

    working_days: int | None = Field(default=None, ge=1, le=3650)
    months: int | None = Field(default=None, ge=1, le=120)
    basis: str = Field(default="", max_length=300, description="Where the limit comes from, e.g. an SOP or Pasal.")

    @model_validator(mode="after")
    def _exactly_one_unit(self) -> TimeLimit:
        if (self.working_days is None) == (self.months is None):
            raise ValueError("a time limit has either working_days or months")
        return self


class Approval(_Part):
    decision: Decision
    approver_roles: tuple[Role, ...] = Field(min_length=1)


class EscalationRule(_Part):
    """Route a suspected loss in [loss_at_least, loss_below) rupiah to ``target``."""

    target: EscalationTarget
    loss_at_least: int | None = Field(default=None, ge=0)
    loss_below: int | None = Field(default=None, ge=1)


class EscalationPolicy(_Part):
    rules: tuple[EscalationRule, ...] = ()
    approver_roles: tuple[Role, ...] = ()
    #: Which agency tenants receive escalations of each target, e.g. aph -> (kejati-bengkulu, polda-bengkulu).
    recipients: dict[EscalationTarget, tuple[str, ...]] = Field(default_factory=dict)
    lpsk: str | None = Field(default=None, pattern=TENANT_PATTERN)
    basis: str = Field(default="", max_length=300)


MIB = 1024 * 1024


class EvidenceLimits(_Part):
    """How much evidence a reporter may send (checked as the bytes stream in)."""

    max_file_bytes: int = Field(default=25 * MIB, ge=1, le=2048 * MIB)
    max_report_bytes: int = Field(default=100 * MIB, ge=1, le=8192 * MIB)
    max_files_per_report: int = Field(default=20, ge=1, le=500)


class NotificationSubject(StrEnum):
    """What needs someone's attention; a notification names this, never the report's substance."""

    #: A new case was registered: the petugas pengaduan and pimpinan satker.
    KASUS_BARU = "kasus-baru"
    #: A case was disposed to a team: its members.
    DISPOSISI = "disposisi"
    #: A decision waits for approval: the roles the request names.
    PERSETUJUAN = "persetujuan"
    #: The reporter wrote (a question, more information): the case's team.
    PESAN_PELAPOR = "pesan-pelapor"
    #: A deadline is near (``working_days_before``): whoever must meet it.
    TENGGAT_MENDEKAT = "tenggat-mendekat"
    #: A deadline passed: whoever had to meet it, and the roles named.
    TENGGAT_LEWAT = "tenggat-lewat"
    #: A case was handed to an agency: its subscribers (inbox, e-mail) and its webhook endpoints.
    PELIMPAHAN = "pelimpahan"
    #: An officer answered the reporter: the reporter, only if they left a way to reach them.
    BALASAN = "balasan"


class NotificationChannel(StrEnum):
    KOTAK_MASUK = "kotak-masuk"  # the in-app inbox (officers) or the status page's inbox (reporters)
    SUREL = "surel"  # e-mail
    WEBHOOK = "webhook"  # a signed Standard Webhooks call to an agency's or integration's endpoint


class NotificationRule(_Part):
    """Who is told of one subject, and how; a tenant's rules replace notify's defaults subject by subject."""

    subject: NotificationSubject
    #: Roles told besides those the event itself names (the team, the approvers, the agency).
    roles: tuple[Role, ...] = ()
    channels: tuple[NotificationChannel, ...] = (NotificationChannel.KOTAK_MASUK, NotificationChannel.SUREL)
    #: For ``tenggat-mendekat``: how many of the tenant's working days before a deadline to remind.
    working_days_before: int | None = Field(default=None, ge=1, le=60)
    enabled: bool = True


class TenantPolicy(_Part):
    categories: tuple[Category, ...] = ()
    channels: tuple[str, ...] = ()
    calendar: WorkingCalendar
    time_limits: dict[str, TimeLimit] = Field(default_factory=dict)
    approvals: tuple[Approval, ...] = ()
    escalation: EscalationPolicy = EscalationPolicy()
    evidence: EvidenceLimits = EvidenceLimits()
    #: Who is told what (empty: notify's defaults, see ``wbs_notify.domain.rules``).
    notifications: tuple[NotificationRule, ...] = ()
    totp_required: bool = False
    oidc_issuer: str | None = Field(default=None, max_length=300)


class TenantConfiguredV1(EventData):
    """A tenant's whole current configuration, published when it is created or changes."""

    tenant_id: str = Field(pattern=TENANT_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    kind: TenantKind
    agency_type: AgencyType | None = None
    parent_id: str | None = Field(default=None, pattern=TENANT_PATTERN)
    #: Ancestors from the root down to the parent, so consumers see the hierarchy without a lookup.
    ancestors: tuple[str, ...] = ()
    active: bool = True
    policy_version: int = Field(ge=1)
    policy: TenantPolicy
    changed_at: AwareDatetime


class OfficerRolesV1(EventData):
    """One officer's roles in one tenant, published whenever they change (a grant, a revocation,
    a deactivation), keyed ``{tenant}/{officer id}`` on a compacted topic: the services that assign
    work (disposisi, approvals) keep a roster from it. Names only; no login, e-mail or secret."""

    tenant_id: str = Field(pattern=TENANT_PATTERN)
    officer_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    #: Empty when the officer no longer holds any role here.
    roles: tuple[Role, ...] = ()
    active: bool = True
    changed_at: AwareDatetime


class OfficerContactV1(EventData):
    """How notify reaches one officer by e-mail, keyed ``{officer id}`` on a compacted topic that
    notify alone consumes (the roster's ``officer-roles`` carries names only, for the services that
    assign work). Published when an officer is created, changed or deactivated."""

    officer_id: str = Field(min_length=1, max_length=100)
    #: None: the officer has no e-mail address (in-app inbox only).
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    active: bool = True
    changed_at: AwareDatetime
