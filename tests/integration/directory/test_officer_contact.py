"""How notify reaches an officer by e-mail (``officer-contact``, keyed by officer id) reaches the
broker when the account is created and deactivated, and all of them again on request."""

from __future__ import annotations

import pytest

from tests.integration.directory.conftest import FAST, Directory
from tests.integration.directory.test_administration import CHILD
from tests.support.infrastructure import Infrastructure
from tests.support.kafka import Record, events, read_until
from wbs_contracts.events.directory import OfficerContactV1
from wbs_contracts.registry import OFFICER_CONTACT
from wbs_contracts.roles import Role
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.domain.officer import Grant
from wbs_directory.usecases.contact import publish_all_contacts
from wbs_directory.usecases.officers import create_officer, deactivate_officer

pytestmark = pytest.mark.integration


def contacts(records: list[Record], officer: str) -> list[tuple[str | None, bool]]:
    found = []
    for event in events(records):
        data: OfficerContactV1 = event.data
        if data.officer_id == officer:
            assert event.subject == officer
            found.append((data.email, data.active))
    return found


async def test_an_officers_address_is_announced_when_created_deactivated_and_on_request(
    directory: Directory, infra: Infrastructure
) -> None:
    officer, _ = await create_officer(
        directory.runtime.unit_of_work(),
        Argon2Passwords(FAST),
        login="petugas-surel",
        display_name="Siti Rahmawati",
        email="siti@inspektorat.uji.go.id",
        grants=[Grant(CHILD, Role.PENELAAH)],
        actor="test",
        clock=directory.clock,
    )
    await deactivate_officer(
        directory.runtime.unit_of_work(), login="petugas-surel", actor="test", clock=directory.clock
    )
    assert await publish_all_contacts(directory.runtime.unit_of_work(), clock=directory.clock) >= 1
    topic = directory.runtime.topics(OFFICER_CONTACT.topic)
    records = await read_until(
        infra.bootstrap_servers, topic, lambda records: len(contacts(records, str(officer.id))) >= 3
    )
    assert contacts(records, str(officer.id)) == [
        ("siti@inspektorat.uji.go.id", True),
        ("siti@inspektorat.uji.go.id", False),  # deactivated: notify sends no more
        ("siti@inspektorat.uji.go.id", False),  # again, as it stands
    ]
