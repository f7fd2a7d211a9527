"""The audit chain's canonical form and hash, and what an entry may hold."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wbs_runtime.audit.chain import (
    GENESIS_HASH,
    AuditEntry,
    ChainedEntry,
    InvalidAuditEntry,
    canonical_form,
    chain,
    entry_hash,
)

WIB = timezone(timedelta(hours=7))
AT = datetime(2026, 11, 21, 10, 4, 5, 120, tzinfo=WIB)


def read_by_penelaah(**changes: object) -> AuditEntry:
    entry = AuditEntry(
        tenant_id="bps-1700",
        actor="5b0c5f0e-8a57-4d36-9b3c-0f6a2e1c7d11",
        actor_name="Siti Rahma",
        role="penelaah",
        session_id="s-1",
        action="case.read",
        object_type="case",
        object_id="c-42",
        details={"via": "halaman", "b": [1, True, None]},
        correlation_id="corr-1",
        recorded_at=AT,
    )
    return replace(entry, **changes)  # type: ignore[arg-type]


def test_the_canonical_form_is_sorted_compact_json_with_a_utc_microsecond_time() -> None:
    first = chain(read_by_penelaah(), sequence=1, previous_hash=GENESIS_HASH, now=AT)
    expected = (
        '{"action":"case.read","actor":"5b0c5f0e-8a57-4d36-9b3c-0f6a2e1c7d11","actor_name":"Siti Rahma",'
        '"correlation_id":"corr-1","details":{"b":[1,true,null],"via":"halaman"},"object_id":"c-42",'
        '"object_type":"case","previous_hash":"' + "0" * 64 + '","recorded_at":"2026-11-21T03:04:05.000120Z",'
        '"role":"penelaah","sequence":1,"session_id":"s-1","tenant_id":"bps-1700"}'
    ).encode()
    assert canonical_form(first) == expected
    assert first.entry_hash == hashlib.sha256(expected).hexdigest()
    assert first.recorded_at == AT
    assert first.recorded_at.tzinfo == UTC


def test_absent_values_are_null_and_non_ascii_text_is_kept_as_utf8() -> None:
    entry = chain(
        AuditEntry(
            tenant_id="pemkab-lebak", actor="system", action="policy.changed", details={"catatan": "cuti bersama é"}
        ),
        sequence=7,
        previous_hash="a" * 64,
        now=AT,
    )
    form = canonical_form(entry)
    assert b'"actor_name":null' in form
    assert b'"object_id":null' in form
    assert b'"role":null' in form
    assert "cuti bersama é".encode() in form


def test_every_field_and_the_link_are_covered_by_the_hash() -> None:
    entry = chain(read_by_penelaah(), sequence=3, previous_hash="b" * 64, now=AT)
    variants = {
        "tenant_id": "bps-3600",
        "sequence": 4,
        "recorded_at": entry.recorded_at + timedelta(microseconds=1),
        "actor": "operator:rudi",
        "actor_name": "Siti R.",
        "role": "auditor",
        "session_id": "s-2",
        "action": "case.updated",
        "object_type": "report",
        "object_id": "c-43",
        "details": {"via": "api", "b": [1, True, None]},
        "correlation_id": "corr-2",
        "previous_hash": "c" * 64,
    }
    assert set(variants) | {"entry_hash"} == set(ChainedEntry.__dataclass_fields__)
    for name, value in variants.items():
        assert entry_hash(replace(entry, **{name: value})) != entry.entry_hash, name  # type: ignore[arg-type]


def test_a_time_is_the_same_instant_whatever_its_zone() -> None:
    in_wib = chain(read_by_penelaah(), sequence=1, previous_hash=GENESIS_HASH, now=AT)
    in_utc = chain(read_by_penelaah(recorded_at=AT.astimezone(UTC)), sequence=1, previous_hash=GENESIS_HASH, now=AT)
    assert in_wib.entry_hash == in_utc.entry_hash


def test_details_come_out_as_the_database_gives_them_back() -> None:
    entry = chain(read_by_penelaah(details={"ids": ("a", "b")}), sequence=1, previous_hash=GENESIS_HASH, now=AT)
    assert entry.details == {"ids": ["a", "b"]}
    assert entry_hash(replace(entry, details={"ids": ["a", "b"]})) == entry.entry_hash


def test_the_time_of_appending_is_used_when_the_entry_has_none() -> None:
    entry = chain(read_by_penelaah(recorded_at=None), sequence=1, previous_hash=GENESIS_HASH, now=AT)
    assert entry.recorded_at == AT


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"action": "read"}, "dotted verb"),
        ({"action": "Case.Read"}, "dotted verb"),
        ({"actor": ""}, "actor"),
        ({"tenant_id": "BPS 1700"}, "not a tenant id"),
        ({"details": {"amount": 1.5}}, "float"),
        ({"details": {1: "x"}}, "not a string"),
        ({"details": {"text": "x" * 3000}}, "a note, not content"),
        ({"object_id": "x\x00"}, "NUL"),
        ({"actor_name": "n" * 201}, "longer than"),
        ({"recorded_at": datetime(2026, 1, 1)}, "time zone"),
    ],
)
def test_what_cannot_be_stored_and_hashed_back_is_refused(changes: dict[str, object], complaint: str) -> None:
    with pytest.raises(InvalidAuditEntry, match=complaint):
        chain(read_by_penelaah(**changes), sequence=1, previous_hash=GENESIS_HASH, now=AT)
