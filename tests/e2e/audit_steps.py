"""The audit's steps through investigation's API behind the gateway, as the officers take them, for
the end-to-end tests that need a case at its final report or with its exposé concluded: the Surat
Tugas (its team from the roster directory announced), the result with its findings, the auditee's
response, the final report; an exposé scheduled 3 days ahead and its minutes ending in agreement.

One step is not walked as it happens: an exposé's minutes wait until the exposé has taken place,
and a running system's clock cannot be moved; ``ekspose_concluded`` moves that one exposé's times a
week back in investigation's database, the smallest stand-in for waiting three days."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from tests.support.waiting import eventually
from wbs_launcher.stack import Stack
from wbs_runtime.working_days import JAKARTA

#: Each body's audit team in the demonstration (ketua tim, pengendali teknis), by display name.
AUDIT_TEAMS = {
    "bps-1700": ("Auditor BPS Bengkulu", "Ketua Tim WBS BPS Bengkulu"),
    "inspektorat-bengkulu": ("Auditor Inspektorat Bengkulu", "Inspektur Provinsi Bengkulu"),
    "inspektorat-lebak": ("Auditor Inspektorat Lebak", "Inspektur Kabupaten Lebak"),
}


async def investigation_db(stack: Stack, query: str, *args: Any) -> list[asyncpg.Record]:
    """Rows of investigation's own database (what the tests look at, and the one step moved there)."""
    connection = await asyncpg.connect(stack.database_urls["investigation"])
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


def api(tenant: str, case: uuid.UUID, step: str = "") -> str:
    return f"/api/v1/tenants/{tenant}/audits/{case}/{step}".rstrip("/")


def rupiah(amount: int) -> str:
    """As officers write it: ``Rp 1.250.000.000``."""
    return f"Rp {amount:,}".replace(",", ".")


async def plan_with_candidates(ketua: httpx.AsyncClient, tenant: str, case: uuid.UUID, *names: str) -> dict[str, Any]:
    """The plan, once investigation has the case and the roster offers ``names`` (directory's
    officer-roles reach investigation on their own topic)."""

    async def ready() -> dict[str, Any] | None:
        answer = await ketua.get(api(tenant, case, "plan"))
        if answer.status_code != 200:
            return None
        body: dict[str, Any] = answer.json()
        offered = [c["name"] for c in body["candidates"]]
        return body if all(any(o == n or o.startswith(n + " ") for o in offered) for n in names) else None

    return await eventually(ready, within=60, interval=0.5, what="the case and the roster in investigation")


def officer_id(plan: dict[str, Any], name: str) -> str:
    [found] = [c["officer_id"] for c in plan["candidates"] if c["name"] == name or c["name"].startswith(name + " ")]
    return str(found)


async def posted(client: httpx.AsyncClient, url: str, expected: int = 201, **sent: Any) -> dict[str, Any]:
    answer = await client.post(url, **sent)
    assert answer.status_code == expected, f"{url}: {answer.text}"
    found: dict[str, Any] = answer.json()
    return found


async def surat_tugas_issued(inspektur: httpx.AsyncClient, tenant: str, case: uuid.UUID) -> dict[str, Any]:
    """The Inspektur issues the Surat Tugas: the body's auditor as ketua tim, the Inspektur's own seat
    as pengendali teknis (``AUDIT_TEAMS``); the case moves to pelaksanaan."""
    ketua_tim, pengendali = AUDIT_TEAMS[tenant]
    plan = await plan_with_candidates(inspektur, tenant, case, ketua_tim, pengendali)
    today = datetime.now(JAKARTA).date()
    letter = {
        "number": f"ST-{case.hex[:10]}/{tenant}",
        "issued_on": today.isoformat(),
        "ketua_tim": officer_id(plan, ketua_tim),
        "pengendali_teknis": officer_id(plan, pengendali),
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "budget": "Rp 25.000.000",
        "resources": "Kendaraan dinas, ruang kerja tim",
    }
    return await posted(inspektur, api(tenant, case, "plan"), json=letter)


async def result_recorded(
    recorder: httpx.AsyncClient, tenant: str, case: uuid.UUID, *, result: str, loss: int, findings: str
) -> dict[str, Any]:
    body = {"result": result, "estimated_loss": rupiah(loss), "findings": findings}
    return await posted(recorder, api(tenant, case, "result"), json=body)


async def auditee_responded(recorder: httpx.AsyncClient, tenant: str, case: uuid.UUID) -> dict[str, Any]:
    response = {
        "responded_on": datetime.now(JAKARTA).date().isoformat(),
        "responder_name": "Kepala Dinas",
        "responder_position": "Pimpinan instansi auditan",
        "response": "Menerima hasil audit dan akan menindaklanjutinya.",
        "agrees": True,
    }
    return await posted(recorder, api(tenant, case, "auditee-response"), json=response)


async def report_issued(issuer: httpx.AsyncClient, tenant: str, case: uuid.UUID) -> dict[str, Any]:
    """The final report (laporan hasil audit): the case file ``laporan-terbit``."""
    return await posted(issuer, api(tenant, case, "final-report"), json={"number": f"LHA-{case.hex[:10]}"})


async def final_report_issued(
    inspektur: httpx.AsyncClient,
    tenant: str,
    case: uuid.UUID,
    *,
    loss: int,
    findings: str,
    result: str = "tpk",
) -> dict[str, Any]:
    """The Inspektur takes the audit to its final report: Surat Tugas, the result (``result``,
    ``loss``, ``findings``), the auditee's response, the report. Returns the report."""
    await surat_tugas_issued(inspektur, tenant, case)
    await result_recorded(inspektur, tenant, case, result=result, loss=loss, findings=findings)
    await auditee_responded(inspektur, tenant, case)
    return await report_issued(inspektur, tenant, case)


def ekspose_body(day: date, place: str) -> dict[str, Any]:
    return {
        "kind": "internal",
        "scheduled_at": datetime.combine(day, datetime.min.time(), tzinfo=JAKARTA).replace(hour=9).isoformat(),
        "place": place,
        "topic": "Ekspose internal hasil audit investigasi",
        "penyaji": {"name": "Ketua Tim Audit"},
        "notulen": {"name": "Sekretaris Tim"},
        "moderator": {"name": "Inspektur Pembantu"},
        "attendees": [{"name": "Sekretaris Daerah", "institution": "Pemerintah Daerah"}],
    }


async def ekspose_scheduled(ketua: httpx.AsyncClient, tenant: str, case: uuid.UUID) -> dict[str, Any]:
    """An internal exposé on the earliest day the 3 days' invitation allows."""
    earliest = datetime.now(JAKARTA).date() + timedelta(days=3)
    return await posted(ketua, api(tenant, case, "ekspose"), json=ekspose_body(earliest, "Ruang rapat Inspektorat"))


async def ekspose_held(stack: Stack, ekspose_id: str) -> None:
    """As if the invitation had gone out a week ago and the exposé had taken place: the one step a
    running system cannot wait for (its clock cannot be moved)."""
    await investigation_db(
        stack,
        "UPDATE ekspose SET invited_at = invited_at - interval '7 days', "
        "scheduled_at = scheduled_at - interval '7 days' WHERE id = $1::uuid",
        ekspose_id,
    )


async def minutes_agreed(
    ketua: httpx.AsyncClient, tenant: str, case: uuid.UUID, ekspose_id: str, agreed: str
) -> dict[str, Any]:
    minutes = {
        "conclusion": "sepakat",
        "discussion": "Tim menyajikan temuan dan bukti; para pihak menanggapi.",
        "chaired_by": "Inspektur",
        "agreed": agreed,
        "signatories": [
            {"name": "Sekretaris Tim", "function": "Notulis"},
            {"name": "Ketua Tim", "function": "Ketua Tim"},
        ],
    }
    return await posted(ketua, api(tenant, case, f"ekspose/{ekspose_id}/minutes"), 200, json=minutes)


async def ekspose_concluded(
    stack: Stack, ketua: httpx.AsyncClient, tenant: str, case: uuid.UUID, *, agreed: str
) -> dict[str, Any]:
    """An exposé scheduled 3 days ahead, held (``ekspose_held``), its minutes ending in agreement:
    the conclusion a hand-over rests on."""
    ekspose = await ekspose_scheduled(ketua, tenant, case)
    await ekspose_held(stack, ekspose["id"])
    return await minutes_agreed(ketua, tenant, case, ekspose["id"], agreed)
