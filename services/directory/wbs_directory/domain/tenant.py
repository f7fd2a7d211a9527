"""A tenant as its administrator writes it (a YAML document kept in version control), and the checks
that keep the hierarchy and the policies coherent.

The document is what people edit; ``configuration()`` turns it into the event other services keep
(calendar resolved, ancestors listed). Every change of a tenant's document is a new version.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wbs_contracts.channels import KNOWN_CHANNELS
from wbs_contracts.envelope import TENANT_PATTERN
from wbs_contracts.events.directory import (
    AgencyType,
    Approval,
    Category,
    Decision,
    EscalationPolicy,
    EscalationRule,
    EscalationTarget,
    TenantConfiguredV1,
    TenantKind,
    TenantPolicy,
    TimeLimit,
)
from wbs_contracts.roles import Role
from wbs_directory.domain.calendar import WEEKDAY_NAMES, resolve_calendar

#: The audit chain of what concerns no tenant (a failed sign-in with an unknown login name); no
#: tenant may take this id.
DEPLOYMENT_CHAIN = "deployment"


class InvalidTenant(ValueError):
    """A tenant document that cannot be applied; the message is bilingual."""


#: Which agencies may receive escalations of each target.
AGENCIES_FOR: dict[EscalationTarget, frozenset[AgencyType]] = {
    EscalationTarget.APH: frozenset({AgencyType.KEJAKSAAN, AgencyType.KEPOLISIAN}),
    EscalationTarget.KPK: frozenset({AgencyType.KPK}),
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CalendarSource(_Strict):
    weekend: tuple[str, ...] = ("sat", "sun")
    #: Indonesia's public holidays and cuti bersama from the ``holidays`` package.
    national_holidays: bool = True
    add: tuple[dict[str, str], ...] = Field(default=(), description="[{date: YYYY-MM-DD, name: ...}]")
    remove: tuple[date, ...] = ()

    @field_validator("weekend")
    @classmethod
    def _weekday_names(cls, weekend: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [day for day in weekend if day not in WEEKDAY_NAMES]
        if unknown:
            raise ValueError(f"unknown weekday {unknown}; use {', '.join(WEEKDAY_NAMES)}")
        return weekend

    @field_validator("add")
    @classmethod
    def _dated(cls, add: tuple[dict[str, str], ...]) -> tuple[dict[str, str], ...]:
        for entry in add:
            if set(entry) != {"date", "name"}:
                raise ValueError("each added holiday has exactly 'date' and 'name'")
            date.fromisoformat(str(entry["date"]))
        return add

    def additions(self) -> dict[date, str]:
        return {date.fromisoformat(str(entry["date"])): entry["name"] for entry in self.add}


class EscalationSource(_Strict):
    basis: str = ""
    approver_roles: tuple[Role, ...] = ()
    rules: tuple[EscalationRule, ...] = ()
    recipients: dict[EscalationTarget, tuple[str, ...]] = Field(default_factory=dict)
    lpsk: str | None = None

    @model_validator(mode="after")
    def _rules_do_not_overlap(self) -> EscalationSource:
        bounds = sorted((rule.loss_at_least or 0, rule.loss_below or 2**63) for rule in self.rules)
        for (_, upper), (lower, _) in itertools.pairwise(bounds):
            if lower < upper:
                raise ValueError("escalation rules overlap: one loss would go to two targets")
        for rule in self.rules:
            if rule.loss_at_least is not None and rule.loss_below is not None and rule.loss_at_least >= rule.loss_below:
                raise ValueError("an escalation rule's loss_at_least must be below its loss_below")
        if self.rules and not self.approver_roles:
            raise ValueError("an escalation policy names who approves a hand-over (approver_roles)")
        return self


class PolicySource(_Strict):
    basis: str = Field(default="", max_length=300, description="The regulation this policy implements.")
    categories: tuple[Category, ...] = ()
    channels: tuple[str, ...] = ("web",)
    calendar: CalendarSource = CalendarSource()
    time_limits: dict[str, TimeLimit] = Field(default_factory=dict)
    approvals: dict[Decision, tuple[Role, ...]] = Field(default_factory=dict)
    escalation: EscalationSource = EscalationSource()
    totp_required: bool = False
    oidc_issuer: str | None = None

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, channels: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in channels if c not in KNOWN_CHANNELS]
        if unknown:
            raise ValueError(f"unknown channel {unknown}; known: {', '.join(KNOWN_CHANNELS)}")
        return channels

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, categories: tuple[Category, ...]) -> tuple[Category, ...]:
        slugs = [c.slug for c in categories]
        if len(set(slugs)) != len(slugs):
            raise ValueError("category slugs must be unique")
        return categories


class TenantDocument(_Strict):
    id: str = Field(pattern=TENANT_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    kind: TenantKind = TenantKind.BODY
    agency_type: AgencyType | None = None
    parent: str | None = Field(default=None, pattern=TENANT_PATTERN)
    active: bool = True
    policy: PolicySource = PolicySource()

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, tenant_id: str) -> str:
        if tenant_id == DEPLOYMENT_CHAIN:
            raise ValueError(f"{DEPLOYMENT_CHAIN!r} is reserved for the deployment's own audit chain")
        return tenant_id

    @model_validator(mode="after")
    def _kind_and_agency_type(self) -> TenantDocument:
        if (self.kind is TenantKind.AGENCY) != (self.agency_type is not None):
            raise ValueError("an agency tenant has an agency_type, and only an agency tenant does")
        if self.kind is TenantKind.BODY and not self.policy.categories:
            raise ValueError("a body that receives reports offers at least one category")
        return self


def check_directory(documents: Mapping[str, TenantDocument]) -> None:
    """Raise ``InvalidTenant`` unless every parent, recipient and LPSK named exists and fits."""
    for document in documents.values():
        if document.parent is not None and document.parent not in documents:
            parent = document.parent
            raise _invalid(document.id, f"induk {parent!r} tidak ada", f"parent {parent!r} does not exist")
        _check_no_cycle(document.id, documents)
        escalation = document.policy.escalation
        for target, recipients in escalation.recipients.items():
            for recipient in recipients:
                agency = documents.get(recipient)
                if agency is None or agency.agency_type not in AGENCIES_FOR[target]:
                    raise _invalid(
                        document.id,
                        f"penerima eskalasi {target.value} {recipient!r} bukan instansi yang sesuai",
                        f"escalation recipient {recipient!r} for {target.value} is not a fitting agency",
                    )
        for rule in escalation.rules:
            if not escalation.recipients.get(rule.target):
                raise _invalid(
                    document.id,
                    f"aturan eskalasi ke {rule.target.value} tanpa penerima",
                    f"an escalation rule routes to {rule.target.value} but names no recipient",
                )
        if escalation.lpsk is not None:
            lpsk = documents.get(escalation.lpsk)
            if lpsk is None or lpsk.agency_type is not AgencyType.LPSK:
                raise _invalid(document.id, f"{escalation.lpsk!r} bukan LPSK", f"{escalation.lpsk!r} is not LPSK")


#: What a tenant administrator may not change: where the tenant stands and what it is. The
#: hierarchy is the operators' (``wbs tenants import``); the name and the policy are the administrator's.
PLACE_FIELDS = ("id", "kind", "agency_type", "parent", "active")


class PlaceChanged(InvalidTenant):
    """A tenant administrator's document that would create a tenant or move, retype or (de)activate one."""


def check_place_kept(current: TenantDocument | None, changed: TenantDocument) -> None:
    if current is None:
        raise PlaceChanged(
            f"{changed.id}: instansi baru hanya dapat dibuat oleh operator"
            " / only an operator can create a tenant (wbs tenants import)"
        )
    moved = [name for name in PLACE_FIELDS if getattr(current, name) != getattr(changed, name)]
    if moved:
        raise PlaceChanged(
            f"{changed.id}: {', '.join(moved)} hanya dapat diubah oleh operator; administrator mengubah nama dan"
            f" kebijakan / {', '.join(moved)} can be changed by an operator only; an administrator changes the name"
            " and the policy"
        )


def _check_no_cycle(tenant_id: str, documents: Mapping[str, TenantDocument]) -> None:
    seen = {tenant_id}
    current = documents[tenant_id].parent
    while current is not None:
        if current in seen:
            raise _invalid(tenant_id, "hierarki berputar", "the hierarchy has a cycle")
        seen.add(current)
        parent = documents.get(current)
        current = parent.parent if parent is not None else None


def ancestors(tenant_id: str, documents: Mapping[str, TenantDocument]) -> tuple[str, ...]:
    """From the root down to the tenant's parent."""
    chain: list[str] = []
    current = documents[tenant_id].parent
    while current is not None:
        chain.append(current)
        current = documents[current].parent
    return tuple(reversed(chain))


def parents_first(documents: Iterable[TenantDocument], known: Mapping[str, TenantDocument]) -> list[TenantDocument]:
    """Order ``documents`` so that each comes after its parent (known parents count as placed)."""
    pending = {d.id: d for d in documents}
    ordered: list[TenantDocument] = []
    placed = set(known) - set(pending)
    while pending:
        ready = [d for d in pending.values() if d.parent is None or d.parent in placed]
        if not ready:
            raise InvalidTenant("hierarki berputar atau induk tidak ada / a cycle or a missing parent in the hierarchy")
        for document in sorted(ready, key=lambda d: d.id):
            ordered.append(document)
            placed.add(document.id)
            del pending[document.id]
    return ordered


def configuration(
    document: TenantDocument,
    *,
    version: int,
    documents: Mapping[str, TenantDocument],
    today: date,
    changed_at: datetime,
) -> TenantConfiguredV1:
    """The event that carries ``document`` at ``version`` to the other services."""
    policy = document.policy
    return TenantConfiguredV1(
        tenant_id=document.id,
        name=document.name,
        kind=document.kind,
        agency_type=document.agency_type,
        parent_id=document.parent,
        ancestors=ancestors(document.id, documents),
        active=document.active,
        policy_version=version,
        policy=TenantPolicy(
            categories=policy.categories,
            channels=policy.channels,
            calendar=resolve_calendar(
                today=today,
                weekend=policy.calendar.weekend,
                include_national=policy.calendar.national_holidays,
                additions=policy.calendar.additions(),
                removals=frozenset(policy.calendar.remove),
            ),
            time_limits=policy.time_limits,
            approvals=tuple(Approval(decision=d, approver_roles=r) for d, r in sorted(policy.approvals.items())),
            escalation=EscalationPolicy(
                rules=policy.escalation.rules,
                approver_roles=policy.escalation.approver_roles,
                recipients=policy.escalation.recipients,
                lpsk=policy.escalation.lpsk,
                basis=policy.escalation.basis or policy.basis,
            ),
            totp_required=policy.totp_required,
            oidc_issuer=policy.oidc_issuer,
        ),
        changed_at=changed_at,
    )


def _invalid(tenant_id: str, pesan: str, message: str) -> InvalidTenant:
    return InvalidTenant(f"{tenant_id}: {pesan} / {message}")
