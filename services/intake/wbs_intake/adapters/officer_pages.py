"""The officers' pages of intake, behind their sign-in (the gateway turns the session into an
assertion): ``/petugas/{tenant}/catat`` (record a report from another channel, and forward it to a
body below) with its receipt, and ``/petugas/{tenant}/pengungkapan`` (a custodian's list of
disclosure requests awaiting a decision, with forms to approve or refuse).

Each POST checks that the tenant takes reports (404 otherwise, as the access rule answers for a
tenant that is not the caller's) before the CSRF token, so existence is told only to whom it may be.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError

from wbs_contracts.channels import KNOWN_CHANNELS
from wbs_intake.adapters.officer_http import OfficerDesk, RecordedReportForm, acting
from wbs_intake.domain.disclosure import DisclosureRefused, DisclosureState
from wbs_intake.usecases import (
    CaseNotFound,
    RecordingOptions,
    decide_disclosure,
    recording_options,
    tenant_disclosures,
    today_in,
)
from wbs_runtime.auth.access import Caller, not_found, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.http import InvalidInput, problems_from
from wbs_runtime.web.pages import WebPages

PREFIX = "/petugas/{tenant}"
#: At module level: FastAPI resolves the (postponed) annotations in the module's namespace.
MayRecord = Annotated[Caller, require(Permission.RECORD_REPORTS)]
MayDecide = Annotated[Caller, require(Permission.DECIDE_IDENTITY_DISCLOSURE)]
#: The form's text fields, in the form's names (the API's): what the page sends back when refused.
TEXT_FIELDS = ("channel", "received_on", "forward_to", "category", "what", "where", "when", "who", "how", "contact")
TERLAPOR_FIELDS = ("nama", "nip", "jabatan", "unit_kerja")
IDENTITY_FIELDS = ("nama", "alamat", "telepon", "email", "nip", "jabatan", "unit_kerja", "pekerjaan")


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Marks a message for the catalogue; the template translates it where it is shown."""
    return message


NOTICES = {
    "disetujui": N_(
        "Permintaan disetujui. Petugas yang meminta dapat membaca identitas pelapor sampai batas waktunya."
    ),
    "ditolak": N_("Permintaan ditolak."),
}


def moment(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def form_document(typed: Mapping[str, str]) -> dict[str, Any]:
    """The page's fields as the API's ``RecordedReportForm`` (one terlapor row, identity fields)."""
    document: dict[str, Any] = {name: typed.get(name, "") for name in TEXT_FIELDS}
    document["forward_to"] = document["forward_to"] or None
    document["contact"] = document["contact"] or None
    amount = typed.get("amount_idr", "").replace(".", "").replace(" ", "")
    document["amount_idr"] = amount or None
    terlapor = {name: typed.get(f"terlapor_{name}", "") for name in TERLAPOR_FIELDS}
    document["terlapor"] = [terlapor] if any(v.strip() for v in terlapor.values()) else []
    identity = {name: typed.get(f"identitas_{name}", "") for name in IDENTITY_FIELDS}
    document["identity"] = identity if any(v.strip() for v in identity.values()) else None
    return document


def build_router(web: WebPages, desk: OfficerDesk) -> APIRouter:
    router = web.router()

    def channel_label(request: Request, slug: str) -> str:
        indonesian, english = KNOWN_CHANNELS.get(slug, (slug, slug))
        return english if web.language(request) == "en" else indonesian

    async def options(tenant: str) -> RecordingOptions:
        found = await recording_options(tenant, uow=desk.unit_of_work())
        if found is None:
            raise not_found()
        return found

    def record_page(
        request: Request,
        found: RecordingOptions,
        typed: Mapping[str, str],
        errors: Mapping[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        values = {
            "options": found,
            "typed": typed,
            "errors": errors or {},
            "channel_label": lambda slug: channel_label(request, slug),
            "today": today_in(desk.clock, desk.timezone).isoformat(),
            "signed_in": True,
        }
        return web.render(request, "intake/petugas_catat.html", values, status_code=status)

    @router.get(PREFIX + "/catat")
    async def show_record(request: Request, tenant: str, caller: MayRecord) -> Response:
        return record_page(request, await options(tenant), {})

    @router.post(PREFIX + "/catat")
    async def submit_record(request: Request, tenant: str, caller: MayRecord) -> Response:
        found = await options(tenant)
        await web.verify_csrf(request)
        submitted = await request.form()
        typed = {name: value for name, value in submitted.items() if isinstance(value, str)}
        try:
            form = RecordedReportForm.model_validate(form_document(typed))
            recorded = await desk.record(tenant, form, caller, request)
        except ValidationError as invalid:
            english = web.language(request) == "en"
            problems = {
                p.field.split(".")[0]: p.message if english else p.pesan
                for p in problems_from(RequestValidationError(invalid.errors()))
            }
            return record_page(request, found, typed, problems, 422)
        except InvalidInput as refused:
            problems = {p.field: p.pesan if web.language(request) == "id" else p.message for p in refused.problems}
            return record_page(request, found, typed, problems, 422)
        values = {"recorded": recorded, "options": found, "signed_in": True}
        return web.render(request, "intake/petugas_tanda_terima.html", values, status_code=201)

    @router.get(PREFIX + "/pengungkapan")
    async def show_disclosures(request: Request, tenant: str, caller: MayDecide) -> Response:
        pending = await tenant_disclosures(tenant, uow=desk.unit_of_work(), state=DisclosureState.DIMINTA)
        decided = [
            d
            for d in await tenant_disclosures(tenant, uow=desk.unit_of_work())
            if d.state is not DisclosureState.DIMINTA
        ][:50]
        notice = NOTICES.get(request.query_params.get("pesan", ""))
        values = {
            "tenant": tenant,
            "pending": pending,
            "decided": decided,
            "moment": moment,
            "me": caller.officer_id,
            "notice": notice,
            "error": None,
            "signed_in": True,
        }
        return web.render(request, "intake/petugas_pengungkapan.html", values)

    @router.post(PREFIX + "/pengungkapan/{disclosure_id}")
    async def submit_decision(
        request: Request,
        tenant: str,
        disclosure_id: UUID,
        caller: MayDecide,
        case_id: Annotated[str, Form(alias="perkara")] = "",
        decision: Annotated[str, Form(alias="keputusan")] = "",
        reason: Annotated[str, Form(alias="alasan")] = "",
    ) -> Response:
        try:
            case = UUID(case_id)
        except ValueError:
            raise not_found() from None
        await web.verify_csrf(request)
        if decision not in (DisclosureState.DISETUJUI.value, DisclosureState.DITOLAK.value):
            raise not_found()
        try:
            await decide_disclosure(
                tenant,
                case,
                disclosure_id,
                acting(caller, request),
                approve=decision == DisclosureState.DISETUJUI.value,
                reason=reason,
                uow=desk.unit_of_work(),
                clock=desk.clock,
                validity=desk.disclosure_validity,
            )
        except CaseNotFound:
            raise not_found() from None
        except DisclosureRefused as problem:
            pending = await tenant_disclosures(tenant, uow=desk.unit_of_work(), state=DisclosureState.DIMINTA)
            values = {
                "tenant": tenant,
                "pending": pending,
                "decided": [],
                "moment": moment,
                "me": caller.officer_id,
                "notice": None,
                "error": problem.pesan if web.language(request) == "id" else problem.message,
                "signed_in": True,
            }
            return web.render(request, "intake/petugas_pengungkapan.html", values, status_code=problem.status)
        return web.redirect(f"/petugas/{tenant}/pengungkapan?pesan={decision}")

    return router
