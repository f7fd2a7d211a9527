"""The officer's in-app inbox over HTTP: their notifications only, in the tenants where they hold a
role, in the page's language; marked read through the API and through the page's form (CSRF)."""

from __future__ import annotations

import re
from uuid import uuid4

from tests.integration.notify.rules.conftest import TENANT, Notify
from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import topic
from tests.support.teams import staff
from tests.support.waiting import eventually
from tests.unit.notify.rules.events import approval_requested
from wbs_contracts.registry import TELAAH_APPROVAL_REQUESTED
from wbs_contracts.roles import Role


async def told_approvers(infra: Infrastructure, notify: Notify) -> str:
    """Two approvers told of a proposal waiting; the case's page path."""
    await staff(
        infra,
        notify.runtime,
        TENANT,
        {"ketua-inbox": [Role.KETUA_TIM], "ketua-lain": [Role.KETUA_TIM], "penelaah-inbox": [Role.PENELAAH]},
    )
    case = uuid4()
    event = approval_requested(case, "penelaah-inbox", Role.KETUA_TIM)
    await publish(infra.bootstrap_servers, topic(infra, TELAAH_APPROVAL_REQUESTED.topic), event)
    await eventually(lambda: notify.rows(case_id=case, channel="kotak-masuk-petugas"), what="the approvers told")
    return str(event.data.page)


async def test_the_inbox_api_lists_the_officers_own_notifications_and_marks_them_read(
    infra: Infrastructure, notify: Notify
) -> None:
    page = await told_approvers(infra, notify)
    ketua = notify.officer("ketua-inbox", Role.KETUA_TIM)
    listed = await notify.client.get("/api/v1/inbox", headers=ketua)
    assert listed.status_code == 200, listed.text
    [item] = [i for i in listed.json()["items"] if i["link"] == page]
    assert (item["subject"], item["tenant"], item["read"]) == ("persetujuan", TENANT, False)
    assert (item["pesan"], item["message"]) == (
        "Usulan menunggu persetujuan Anda",
        "A proposal waits for your approval",
    )
    assert set(item) == {"key", "tenant", "subject", "pesan", "message", "link", "at", "read"}
    unread = listed.json()["unread"]
    assert unread >= 1

    # Another officer's key marks nothing; the proposer was never told; elsewhere nothing shows.
    other = notify.officer("ketua-lain", Role.KETUA_TIM)
    assert (await notify.client.post("/api/v1/inbox/read", json={"keys": [item["key"]]}, headers=other)).json() == {
        "marked": 0
    }
    proposer = notify.officer("penelaah-inbox", Role.PENELAAH)
    assert all(i["link"] != page for i in (await notify.client.get("/api/v1/inbox", headers=proposer)).json()["items"])
    elsewhere = notify.officer("ketua-inbox", Role.KETUA_TIM, tenant="bps-3600")
    assert (await notify.client.get("/api/v1/inbox", headers=elsewhere)).json() == {"unread": 0, "items": []}

    marked = await notify.client.post("/api/v1/inbox/read", json={"keys": [item["key"]]}, headers=ketua)
    assert marked.json() == {"marked": 1}
    again = (await notify.client.get("/api/v1/inbox", headers=ketua)).json()
    assert again["unread"] == unread - 1
    assert next(i for i in again["items"] if i["key"] == item["key"])["read"] is True
    assert (await notify.client.get("/api/v1/inbox")).status_code == 401


async def test_the_inbox_page_shows_the_subject_in_the_pages_language_and_marks_read_with_its_token(
    infra: Infrastructure, notify: Notify
) -> None:
    page = await told_approvers(infra, notify)
    ketua = notify.officer("ketua-lain", Role.KETUA_TIM)
    shown = await notify.client.get("/kotak-masuk", headers=ketua)
    assert shown.status_code == 200
    assert "Usulan menunggu persetujuan Anda" in shown.text
    assert f'href="{page}"' in shown.text
    notify.client.cookies.set("wbs_bahasa", "en")
    english = await notify.client.get("/kotak-masuk", headers=ketua)
    notify.client.cookies.delete("wbs_bahasa")
    assert "A proposal waits for your approval" in english.text
    assert "Mark all as read" in english.text

    unread = int(re.search(r'data-unread="(\d+)"', shown.text).group(1))  # type: ignore[union-attr]
    assert unread >= 1
    refused = await notify.client.post("/kotak-masuk/dibaca", headers=ketua, data={})
    assert refused.status_code == 403  # no token: nothing marked
    token = re.search(r'name="csrf" value="([^"]+)"', shown.text)
    assert token is not None, shown.text[:500]
    marked = await notify.client.post("/kotak-masuk/dibaca", headers=ketua, data={"csrf": token.group(1)})
    assert (marked.status_code, marked.headers["location"]) == (303, "/kotak-masuk?pesan=dibaca")
    after = await notify.client.get("/kotak-masuk?pesan=dibaca", headers=ketua)
    assert 'data-unread="0"' in after.text
    assert "Pemberitahuan ditandai sudah dibaca." in after.text
