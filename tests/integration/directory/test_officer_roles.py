"""Each officer's roles per tenant reach the broker (``officer-roles``, keyed tenant/officer) when
an account is created, granted, revoked and deactivated, and all of them again on request: the
rosters of the services that assign work are built from it."""

from __future__ import annotations

import pytest

from tests.integration.directory.conftest import Directory
from tests.integration.directory.test_administration import CHILD, PARENT, as_officer, officer_id, post_form
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import Record, events, read_until
from wbs_contracts.events.directory import OfficerRolesV1
from wbs_contracts.registry import OFFICER_ROLES
from wbs_contracts.roles import Role
from wbs_directory.usecases.roster import publish_all_roles

pytestmark = pytest.mark.integration


def announcements(records: list[Record], officer: str) -> list[tuple[str, tuple[str, ...], bool, str]]:
    found = []
    for event in events(records):
        data: OfficerRolesV1 = event.data
        if data.officer_id == officer:
            assert event.subject == f"{data.tenant_id}/{officer}"
            found.append((data.tenant_id, tuple(r.value for r in data.roles), data.active, data.name))
    return found


async def test_every_change_of_an_officers_roles_is_announced_per_tenant(
    directory: Directory, infra: Infrastructure
) -> None:
    admin, _ = await as_officer(directory, (PARENT, Role.ADMINISTRATOR))
    accounts = f"/admin/{CHILD}/petugas"
    login, _ = await directory.officer((CHILD, Role.PENELAAH), (PARENT, Role.PIMPINAN_SATKER))
    officer = await officer_id(directory, login)
    granted = await post_form(admin, accounts, f"{accounts}/peran", {"nama_pengguna": login, "peran": "ketua-tim"})
    assert granted.status_code == 303
    revoked = await post_form(admin, accounts, f"{accounts}/cabut", {"nama_pengguna": login, "peran": "penelaah"})
    assert revoked.status_code == 303
    deactivated = await post_form(admin, accounts, f"{accounts}/nonaktif", {"nama_pengguna": login})
    assert deactivated.status_code == 303
    expected = [
        (CHILD, ("penelaah",), True, "Siti Rahmawati"),  # created: one announcement per tenant
        (PARENT, ("pimpinan-satker",), True, "Siti Rahmawati"),
        (CHILD, ("ketua-tim", "penelaah"), True, "Siti Rahmawati"),
        (CHILD, ("ketua-tim",), True, "Siti Rahmawati"),
        (CHILD, ("ketua-tim",), False, "Siti Rahmawati"),  # deactivated: off every roster
        (PARENT, ("pimpinan-satker",), False, "Siti Rahmawati"),
    ]
    topic = directory.runtime.topics(OFFICER_ROLES.topic)
    records = await read_until(
        infra.bootstrap_servers, topic, lambda records: len(announcements(records, officer)) >= len(expected)
    )
    # In order per key (tenant/officer); keys may lie on different partitions.
    for tenant in (CHILD, PARENT):
        announced = [a for a in announcements(records, officer) if a[0] == tenant]
        assert announced == [e for e in expected if e[0] == tenant]

    # Revoking the last role of a tenant announces none left there.
    other, _ = await directory.officer((CHILD, Role.PENELAAH))
    other_id = await officer_id(directory, other)
    gone = await post_form(admin, accounts, f"{accounts}/cabut", {"nama_pengguna": other, "peran": "penelaah"})
    assert gone.status_code == 303
    records = await read_until(
        infra.bootstrap_servers, topic, lambda records: len(announcements(records, other_id)) >= 2
    )
    assert announcements(records, other_id)[-1] == (CHILD, (), True, "Siti Rahmawati")

    # Everything again, as it stands (a consumer rebuilt, a broker that forgot).
    before = len(announcements(records, officer))
    assert await publish_all_roles(directory.runtime.unit_of_work(), clock=directory.clock) >= 2
    records = await read_until(
        infra.bootstrap_servers, topic, lambda records: len(announcements(records, officer)) >= before + 2
    )
    for tenant in (CHILD, PARENT):
        announced = [a for a in announcements(records, officer) if a[0] == tenant]
        assert announced == [e for e in expected if e[0] == tenant] + [e for e in expected[-2:] if e[0] == tenant]
