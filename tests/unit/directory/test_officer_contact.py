"""What directory tells notify of an officer's e-mail address (``officer-contact``)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from wbs_directory.domain.officer import Officer
from wbs_directory.usecases.contact import contact_of

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def officer(email: str | None, *, active: bool = True) -> Officer:
    return Officer(
        id=uuid4(),
        login="petugas",
        display_name="Petugas",
        email=email,
        active=active,
        password_hash="x",
        must_change_password=False,
        created_at=AT,
    )


def test_the_address_and_whether_the_officer_is_active() -> None:
    found = officer("petugas@example.go.id", active=False)
    contact = contact_of(found, at=lambda: AT)
    assert (contact.officer_id, contact.email, contact.active, contact.changed_at) == (
        str(found.id),
        "petugas@example.go.id",
        False,
        AT,
    )


@pytest.mark.parametrize("typed", ["bukan alamat", "a b@example.go.id", "", None])
def test_an_address_the_contract_refuses_is_sent_as_none(typed: str | None) -> None:
    """Creating an officer must not fail on an address typed before addresses were checked."""
    assert contact_of(officer(typed), at=lambda: AT).email is None
