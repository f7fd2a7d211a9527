"""Disposisi against real PostgreSQL and a real broker: triage keeps the roster from
``officer-roles`` (an older announcement never replaces a newer one); the pimpinan satker disposes a
case to a team of the roster (API and the case page's form), which makes it ditelaah, keeps each
disposition, publishes ``case-disposed`` with the instruction sealed and puts ``case.disposed`` on
the trail; a team outside the roster is refused in both languages and changes nothing; disposed
again, the team is replaced. The queue then shows whom each case waits for, filters by officer
("Perkara saya"), and marks a team past its due time late, but not while it waits on the reporter."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.integration.triage.test_kotak import Triage
from tests.integration.triage.test_queue_pages import JAKARTA, configured, listed, tenant
from tests.integration.triage.test_queue_pages import triage as triage
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import events, read_until
from tests.support.officers import officer_headers
from tests.support.publish import publish
from tests.support.services import topic
from tests.support.waiting import eventually
from wbs_contracts.events.directory import OfficerRolesV1
from wbs_contracts.events.triage import CaseDisposedV1, DispositionInstructionV1, TeamRole
from wbs_contracts.registry import CASE_DISPOSED, OFFICER_ROLES, REPORTER_MESSAGE_SENT
from wbs_contracts.roles import Role
from wbs_contracts.sealed import Audience
from wbs_triage.adapters.db import case_disposition_table, case_table, case_team_table

pytestmark = pytest.mark.integration


async def announce(
    infra: Infrastructure, body: str, officer: str, name: str, *roles: Role, active: bool = True, at: datetime
) -> None:
    data = OfficerRolesV1(tenant_id=body, officer_id=officer, name=name, roles=roles, active=active, changed_at=at)
    envelope = OFFICER_ROLES.envelope(
        data, tenant=body, subject=f"{body}/{officer}", time=at, correlation_id=str(uuid.uuid4())
    )
    await publish(infra.bootstrap_servers, topic(infra, OFFICER_ROLES.topic), envelope)


async def roster_of(triage: Triage, body: str) -> dict[str, tuple[str, frozenset[Role], bool]]:
    async with triage.runtime.unit_of_work() as uow:
        return {e.officer_id: (e.name, e.roles, e.active) for e in await uow.roster.of_tenant(body)}


async def staffed(triage: Triage) -> str:
    """A configured body whose roster has Budi (ketua tim), Ani and Citra (penelaah), Joko (pimpinan)."""
    body = tenant()
    await configured(triage, body)
    now = datetime.now(UTC)
    for officer, name, role in (
        ("budi", "Budi Santoso", Role.KETUA_TIM),
        ("ani", "Ani Wijaya", Role.PENELAAH),
        ("citra", "Citra Dewi", Role.PENELAAH),
        ("joko", "Joko Pimpinan", Role.PIMPINAN_SATKER),
    ):
        await announce(triage.infra, body, officer, name, role, at=now)

    async def all_kept() -> bool:
        return len(await roster_of(triage, body)) == 4

    await eventually(all_kept, what="the roster kept")
    return body


async def sealable_case(triage: Triage, body: str) -> uuid.UUID:
    """A case registered in ``body``, once triage holds the body's new keys (reloaded every few seconds)."""
    case = await triage.case(body)

    async def keys_loaded() -> bool:
        return triage.runtime.keyring.can_seal(body, Audience.CASE_SUBSTANCE)

    await eventually(keys_loaded, what="the body's keys loaded")
    return case


def pimpinan(triage: Triage, body: str) -> dict[str, str]:
    return officer_headers(
        triage.keys.parent, "triage", {body: [Role.PIMPINAN_SATKER]}, officer="joko", name="Joko Pimpinan"
    )


async def case_row(triage: Triage, case: uuid.UUID) -> Any:
    async with triage.runtime.sessionmaker() as session:
        return (await session.execute(select(case_table).where(case_table.c.id == case))).one()


async def test_the_roster_keeps_the_latest_announcement_of_each_officer(triage: Triage) -> None:
    body = tenant()
    now = datetime.now(UTC)
    await announce(triage.infra, body, "eko", "Eko", Role.PENELAAH, Role.KETUA_TIM, at=now)
    await announce(triage.infra, body, "eko", "Eko", at=now - timedelta(minutes=1))  # older: ignored
    await announce(triage.infra, body, "fajar", "Fajar", Role.PENELAAH, at=now)

    async def both() -> dict[str, Any] | None:
        roster = await roster_of(triage, body)
        return roster if len(roster) == 2 else None

    await eventually(both, what="two officers on the roster")
    await announce(triage.infra, body, "fajar", "Fajar", Role.PENELAAH, active=False, at=now + timedelta(seconds=1))

    async def fajar_gone() -> dict[str, Any] | None:
        roster = await roster_of(triage, body)
        return roster if not roster["fajar"][2] else None

    roster = await eventually(fajar_gone, what="fajar deactivated")
    assert roster["eko"] == ("Eko", frozenset({Role.PENELAAH, Role.KETUA_TIM}), True)


async def test_the_pimpinan_disposes_a_case_to_a_team_and_disposes_it_again(triage: Triage) -> None:
    body = await staffed(triage)
    case = await sealable_case(triage, body)
    api = f"/api/v1/tenants/{body}/cases/{case}/disposition"
    joko = pimpinan(triage, body)
    penelaah = triage.officer(body, Role.PENELAAH)
    order = {"ketua": "budi", "anggota": ["ani"], "instruksi": "Telaah laporan ini dan laporkan dalam 5 hari kerja."}

    # Who may not dispose, and whom a team may not have; nothing changes.
    assert (await triage.client.post(api, json=order, headers=penelaah)).status_code == 404
    stranger = officer_headers(triage.keys.parent, "triage", {tenant(): [Role.PIMPINAN_SATKER]}, officer="x", name="X")
    assert (await triage.client.post(api, json=order, headers=stranger)).status_code == 404
    for wrong in ({"ketua": "joko"}, {"anggota": ["orang-luar"]}, {"instruksi": " "}):
        refused = await triage.client.post(api, json={**order, **wrong}, headers=joko)
        assert refused.status_code == 422, refused.text
        [problem] = refused.json()["errors"]
        assert problem["pesan"] != problem["message"]
    refused = await triage.client.post(api, json={**order, "ketua": "joko"}, headers=joko)
    assert "penelaah atau ketua tim" in refused.json()["errors"][0]["pesan"]
    assert "penelaah or ketua-tim" in refused.json()["errors"][0]["message"]
    assert (await case_row(triage, case)).status == "terdaftar"

    disposed = await triage.client.post(api, json=order, headers=joko)
    assert disposed.status_code == 201, disposed.text
    first = disposed.json()
    assert [(s["officer_id"], s["role"], s["name"]) for s in first["team"]] == [
        ("budi", "ketua", "Budi Santoso"),
        ("ani", "anggota", "Ani Wijaya"),
    ]
    row = await case_row(triage, case)
    assert row.status == "ditelaah"
    assert row.follow_up_due is not None
    assert row.follow_up_due - row.disposed_at > timedelta(days=4)  # 5 working days: at least a week-ish

    def disposed_event(records: list[Any]) -> CaseDisposedV1 | None:
        for event in events(records):
            if isinstance(event.data, CaseDisposedV1) and event.data.case_id == case:
                assert event.subject == str(case)
                assert event.tenant == body
                return event.data
        return None

    records = await read_until(
        triage.infra.bootstrap_servers,
        topic(triage.infra, CASE_DISPOSED.topic),
        lambda records: disposed_event(records) is not None,
    )
    announced = disposed_event(records)
    assert announced is not None
    assert [(m.officer_id, m.role) for m in announced.team] == [("budi", TeamRole.KETUA), ("ani", TeamRole.ANGGOTA)]
    assert announced.disposed_by == "joko"
    assert announced.follow_up_due.isoformat() == first["follow_up_due"]
    assert announced.policy_version >= 1
    instruction = triage.runtime.keyring.open(
        announced.instruction, tenant=body, case=case, model=DispositionInstructionV1
    )
    assert instruction.text == order["instruksi"]
    assert not [record for record in records if "Telaah laporan" in str(record.value)]  # only sealed

    # Disposed again: the team is replaced, both dispositions kept, each on the trail.
    again = await triage.client.post(
        api, json={"ketua": "citra", "anggota": [], "instruksi": "Ganti tim."}, headers=joko
    )
    assert again.status_code == 201, again.text
    history = await triage.client.get(api, headers=joko)
    assert [(d["team"][0]["officer_id"], d["instruksi"]) for d in history.json()] == [
        ("budi", order["instruksi"]),
        ("citra", "Ganti tim."),
    ]
    # A penelaah not on the team sees who was given the case, not what they were told.
    outside = await triage.client.get(api, headers=penelaah)
    assert [(d["team"][0]["officer_id"], d["instruksi"]) for d in outside.json()] == [("budi", None), ("citra", None)]
    async with triage.runtime.sessionmaker() as session:
        team = (await session.execute(select(case_team_table).where(case_team_table.c.case_id == case))).all()
        kept = (
            await session.execute(select(case_disposition_table).where(case_disposition_table.c.case_id == case))
        ).all()
    assert [(t.officer_id, t.role) for t in team] == [("citra", "ketua")]
    assert len(kept) == 2
    assert all("Ganti tim" not in str(k.sealed_instruction) for k in kept)  # sealed at rest
    async with triage.runtime.unit_of_work() as uow:
        trail = await uow.audit.history(body, "case", str(case))
    disposals = [e for e in trail if e.action == "case.disposed"]
    assert [(e.actor, e.details["again"]) for e in disposals] == [("joko", False), ("joko", True)]

    # A decided case is not disposed again.
    async with triage.runtime.sessionmaker() as session:
        await session.execute(update(case_table).where(case_table.c.id == case).values(status="tidak-diproses"))
        await session.commit()
    decided = await triage.client.post(api, json=order, headers=joko)
    assert decided.status_code == 422
    assert "sudah diputuskan" in decided.text


async def test_the_case_page_form_disposes_and_the_queue_shows_whom_each_case_waits_for(triage: Triage) -> None:
    body = await staffed(triage)
    disposed_case, waiting_case = await sealable_case(triage, body), await sealable_case(triage, body)
    joko = pimpinan(triage, body)
    page_path = f"/perkara/{body}/{disposed_case}"
    page = await triage.client.get(page_path, headers=joko)
    assert 'id="disposition-form"' in page.text
    assert 'id="no-disposition"' in page.text
    offered = re.findall(r'<option value="([a-z]+)"', page.text.split('id="ketua"')[1].split("</select>")[0])
    assert offered == ["ani", "budi", "citra"]  # the penelaah and ketua tim, by name; not the pimpinan
    cookie = {"Cookie": f"wbs_csrf={page.cookies['wbs_csrf']}"}
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    form = {"csrf": token.group(1), "ketua": "budi", "anggota": ["ani", "citra"], "instruksi": "Mohon ditelaah."}
    refused = await triage.client.post(f"{page_path}/disposisi", data={**form, "ketua": ""}, headers={**joko, **cookie})
    assert refused.status_code == 422
    assert "Pilih ketua tim." in refused.text
    assert "Mohon ditelaah." in refused.text  # what was typed is kept
    penelaah = triage.officer(body, Role.PENELAAH)
    assert 'id="disposition-form"' not in (await triage.client.get(page_path, headers=penelaah)).text
    sent = await triage.client.post(f"{page_path}/disposisi", data=form, headers={**joko, **cookie})
    assert sent.status_code == 303, sent.text
    shown = await triage.client.get(sent.headers["location"], headers=joko)
    assert "Perkara telah didisposisikan kepada tim." in shown.text
    assert 'data-officer="budi" data-role="ketua"' in shown.text
    assert "Mohon ditelaah." in shown.text

    await triage.client.post(
        f"/api/v1/tenants/{body}/cases/{waiting_case}/disposition",
        json={"ketua": "citra", "instruksi": "Telaah."},
        headers=joko,
    )
    queue = f"/perkara/{body}"
    page = await triage.client.get(queue, headers=penelaah)
    assert 'data-waiting="tindak-lanjut"' in page.text
    assert "Budi Santoso (Ketua tim)" in page.text
    assert "(5 hari kerja)" in page.text  # against which limit: the policy's tindak-lanjut-tim
    ani = officer_headers(triage.keys.parent, "triage", {body: [Role.PENELAAH]}, officer="ani", name="Ani Wijaya")
    mine = await triage.client.get(queue, params={"petugas": "saya"}, headers=ani)
    assert [c for c, _ in listed(mine.text)] == [str(disposed_case)]
    citra = await triage.client.get(queue, params={"petugas": "citra"}, headers=ani)
    assert {c for c, _ in listed(citra.text)} == {str(disposed_case), str(waiting_case)}
    ditelaah = await triage.client.get(queue, params={"status": "ditelaah"}, headers=ani)
    assert len(listed(ditelaah.text)) == 2

    # The team of one is past its due time: late. The other waits on its reporter: not late.
    # The end of yesterday in Jakarta (a due time is always the end of a day).
    past = datetime.now(JAKARTA).replace(hour=0, minute=0, second=0, microsecond=0)
    async with triage.runtime.sessionmaker() as session:
        await session.execute(
            update(case_table).where(case_table.c.id.in_([disposed_case, waiting_case])).values(follow_up_due=past)
        )
        await session.commit()
    ask = await triage.client.post(
        f"/api/v1/tenants/{body}/cases/{waiting_case}/messages",
        json={"kind": "permintaan-informasi", "text": "Mohon kirim bukti tambahan."},
        headers=penelaah,
    )
    assert ask.status_code == 201, ask.text
    late = await triage.client.get(queue, params={"terlambat": "ya"}, headers=ani)
    assert listed(late.text) == [(str(disposed_case), True)]
    on_time = await triage.client.get(queue, params={"terlambat": "tidak"}, headers=ani)
    assert listed(on_time.text) == [(str(waiting_case), False)]
    assert 'data-waiting="informasi-pelapor"' in on_time.text

    # The reporter writes: the clock resumes (its due day moved by the working days waited: none
    # today), so the case is late again.
    answer = triage.question(body, waiting_case, "Berikut buktinya.")
    await publish(triage.infra.bootstrap_servers, topic(triage.infra, REPORTER_MESSAGE_SENT.topic), answer)

    async def resumed() -> Any:
        row = await case_row(triage, waiting_case)
        return row if row.waiting_on_reporter_since is None else None

    row = await eventually(resumed, what="the clock resumed")
    assert row.follow_up_due == past
    late = await triage.client.get(queue, params={"terlambat": "ya"}, headers=ani)
    assert {c for c, _ in listed(late.text)} == {str(disposed_case), str(waiting_case)}
