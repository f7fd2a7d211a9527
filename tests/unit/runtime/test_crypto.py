from __future__ import annotations

import base64
import importlib
import json
import stat
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from nacl.public import SealedBox

from tests.support.keys import key_rings, seal_first_format
from wbs_contracts.events.intake import (
    CONTACT_SEALED_SIZE,
    SHORT_TEXT_LIMIT,
    TEXT_LIMIT,
    ReporterContactV1,
    ReporterContactV2,
    ReportSubstanceV1,
)
from wbs_contracts.sealed import Audience, SealedDocument, SealedPayload
from wbs_runtime.crypto import (
    KeyRing,
    MissingKey,
    NotEntitled,
    SealedPayloadError,
    ensure_tenant_keys,
    entitled_audiences,
    issue_for_services,
    list_tenant_keys,
    rotate_tenant_keys,
)
from wbs_runtime.crypto.framing import SIZE_CLASSES, padded_size

SUBSTANCE = ReportSubstanceV1(what="a", where="b", when="c", who="d", how="e", amount_idr=1)
CASE = UUID("0f6f2f1e-8d2a-4a57-9a8e-5d3c1b2a1f00")
OTHER_CASE = UUID("7c1d9a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d")


def ciphertext_length(sealed: SealedPayload) -> int:
    return len(base64.b64decode(sealed.ciphertext))


def test_what_is_sealed_opens_only_with_the_audiences_private_key() -> None:
    sealing, opening = key_rings("bps-1700")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    assert "amount_idr" not in sealed.ciphertext
    assert sealed.format == 2
    assert opening.open(sealed, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == SUBSTANCE
    with pytest.raises(MissingKey):
        sealing.open(sealed, tenant="bps-1700", case=CASE, model=ReportSubstanceV1)


def test_sealing_twice_gives_different_ciphertexts() -> None:
    sealing, _ = key_rings("bps-1700")
    first = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    second = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    assert first.ciphertext != second.ciphertext


def test_a_payload_sealed_for_one_tenant_does_not_open_as_another() -> None:
    sealing, opening = key_rings("bps-1700", "pemkab-lebak")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    with pytest.raises(SealedPayloadError, match="not to tenant"):
        opening.open(sealed, tenant="pemkab-lebak", case=CASE, model=ReportSubstanceV1)


def test_a_payload_moved_to_another_case_does_not_open() -> None:
    sealing, opening = key_rings("bps-1700")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    with pytest.raises(SealedPayloadError, match="belongs to another case") as caught:
        opening.open(sealed, tenant="bps-1700", case=OTHER_CASE, model=ReportSubstanceV1)
    assert str(CASE) not in str(caught.value)  # what came out of the ciphertext is not quoted
    # Nor does hiding the format marker make it a first-format payload: the plaintext says which.
    unmarked = sealed.model_copy(update={"format": None})
    with pytest.raises(SealedPayloadError, match="belongs to another case"):
        opening.open(unmarked, tenant="bps-1700", case=OTHER_CASE, model=ReportSubstanceV1)


def test_the_tenant_inside_is_checked_even_when_two_tenants_share_a_key() -> None:
    """The key id names the tenant, but a key shared by mistake must not let ciphertext move."""
    sealing, opening = key_rings("bps-1700")
    kid, public = opening.public[("bps-1700", Audience.CASE_SUBSTANCE)]
    private = opening.private[kid]
    opening.add("pemkab-lebak", Audience.CASE_SUBSTANCE, public, [private])
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    moved = sealed.model_copy(update={"kid": opening.public[("pemkab-lebak", Audience.CASE_SUBSTANCE)][0]})
    with pytest.raises(SealedPayloadError, match="belongs to another tenant"):
        opening.open(moved, tenant="pemkab-lebak", case=CASE, model=ReportSubstanceV1)


def test_a_document_opens_only_as_the_type_and_version_it_was_sealed_as() -> None:
    sealing, opening = key_rings("bps-1700")
    contact = sealing.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV2(contact="0812"), case=CASE)
    assert opening.open(contact, tenant="bps-1700", case=CASE, model=ReporterContactV2).contact == "0812"
    with pytest.raises(SealedPayloadError, match="another document than ReporterContactV1"):
        opening.open(contact, tenant="bps-1700", case=CASE, model=ReporterContactV1)


def test_a_document_is_sealed_only_to_its_own_audience() -> None:
    sealing, _ = key_rings("bps-1700")
    with pytest.raises(ValueError, match="sealed to reporter-contact"):
        sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, ReporterContactV2(contact="0812"), case=CASE)


def test_tampering_is_detected() -> None:
    sealing, opening = key_rings("bps-1700")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    raw = bytearray(base64.b64decode(sealed.ciphertext))
    raw[-1] ^= 0x01
    tampered = sealed.model_copy(update={"ciphertext": base64.b64encode(raw).decode()})
    with pytest.raises(SealedPayloadError):
        opening.open(tampered, tenant="bps-1700", case=CASE, model=ReportSubstanceV1)


def test_first_format_payloads_still_open_and_reseal_binds_them_to_their_case() -> None:
    sealing, opening = key_rings("bps-1700")
    old = seal_first_format(sealing, "bps-1700", SUBSTANCE)
    assert old.format is None
    assert opening.open(old, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == SUBSTANCE
    assert not opening.is_current(old, "bps-1700")

    upgraded = opening.reseal(old, tenant="bps-1700", case=CASE, model=ReportSubstanceV1)
    assert upgraded.format == 2
    assert opening.is_current(upgraded, "bps-1700")
    assert opening.open(upgraded, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == SUBSTANCE
    with pytest.raises(SealedPayloadError, match="another case"):
        opening.open(upgraded, tenant="bps-1700", case=OTHER_CASE, model=ReportSubstanceV1)


def test_a_first_format_plaintext_cannot_pose_as_format_2() -> None:
    sealing, opening = key_rings("bps-1700")
    posing = seal_first_format(sealing, "bps-1700", SUBSTANCE).model_copy(update={"format": 2})
    with pytest.raises(SealedPayloadError, match="claims format 2"):
        opening.open(posing, tenant="bps-1700", case=CASE, model=ReportSubstanceV1)


def test_first_format_contacts_are_upgraded_to_version_2() -> None:
    sealing, opening = key_rings("bps-1700")
    old = seal_first_format(sealing, "bps-1700", ReporterContactV1(contact="saksi@example.org"))
    upgraded = opening.reseal(old, tenant="bps-1700", case=CASE, model=ReporterContactV2)
    opened = opening.open(upgraded, tenant="bps-1700", case=CASE, model=ReporterContactV2)
    assert opened.contact == "saksi@example.org"


# -- padding --------------------------------------------------------------------------------------


def test_sizes_round_up_to_a_few_classes() -> None:
    assert [padded_size(n) for n in (0, 1, 1024, 1025, 4096, 4097, 200_000, 262_144)] == [
        1024, 1024, 1024, 4096, 4096, 16_384, 262_144, 262_144,
    ]  # fmt: skip
    assert padded_size(262_145) == 2 * 262_144
    assert padded_size(10, at_least=4096) == 4096


def test_the_length_of_a_report_does_not_show_within_its_size_class() -> None:
    sealing, _ = key_rings("bps-1700")
    short = SUBSTANCE
    longer = SUBSTANCE.model_copy(update={"what": "Pungutan liar " * 40, "amount_idr": 10**15})
    lengths = {
        ciphertext_length(sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, s, case=CASE)) for s in (short, longer)
    }
    assert len(lengths) == 1
    [length] = lengths
    assert length - 48 in SIZE_CLASSES  # the sealed box adds 48 bytes to the padded plaintext


def test_the_largest_possible_substance_fits_the_largest_class_and_opens_unpadded() -> None:
    sealing, opening = key_rings("bps-1700")
    wide = "\U0001f600"  # four bytes in UTF-8
    largest = ReportSubstanceV1(
        what=wide * TEXT_LIMIT,
        where=wide * SHORT_TEXT_LIMIT,
        when=wide * SHORT_TEXT_LIMIT,
        who=wide * TEXT_LIMIT,
        how=wide * TEXT_LIMIT,
        amount_idr=10**16,
    )
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, largest, case=CASE)
    assert ciphertext_length(sealed) - 48 == SIZE_CLASSES[-1]
    assert opening.open(sealed, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == largest


@pytest.mark.parametrize(
    "contact",
    [None, "x", "\U0001f600" * SHORT_TEXT_LIMIT, '"\\' * (SHORT_TEXT_LIMIT // 2)],
    ids=["none", "short", "longest-utf8", "longest-escaped"],
)
def test_whether_a_reporter_left_a_contact_does_not_show(contact: str | None) -> None:
    sealing, opening = key_rings("bps-1700")
    none = sealing.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV2(contact=None), case=CASE)
    some = sealing.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV2(contact=contact), case=CASE)
    assert ciphertext_length(some) == ciphertext_length(none) == CONTACT_SEALED_SIZE + 48
    assert opening.open(some, tenant="bps-1700", case=CASE, model=ReporterContactV2).contact == contact


# -- keys on disk, rotation, entitlement ---------------------------------------------------------


def test_a_tenant_without_keys_cannot_be_sealed_to() -> None:
    with pytest.raises(MissingKey):
        KeyRing().seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)


def test_key_directory_gives_private_keys_only_to_entitled_services(tmp_path: Path) -> None:
    created = ensure_tenant_keys(tmp_path, "bps-1700")
    assert ensure_tenant_keys(tmp_path, "bps-1700") == []  # existing keys are kept
    private_files = [p for p in created if p.suffix == ".key"]
    assert len(private_files) == len(Audience.ALL)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in private_files)

    intake = KeyRing.from_directory(tmp_path)
    notify = KeyRing.from_directory(tmp_path, open_audiences=[Audience.REPORTER_CONTACT])
    contact = intake.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV2(contact="08123"), case=CASE)
    substance = intake.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    assert notify.open(contact, tenant="bps-1700", case=CASE, model=ReporterContactV2).contact == "08123"
    with pytest.raises(MissingKey):
        notify.open(substance, tenant="bps-1700", case=CASE, model=ReportSubstanceV1)


def test_keys_can_come_from_the_environment_as_json(tmp_path: Path) -> None:
    ensure_tenant_keys(tmp_path, "bps-1700", [Audience.CASE_SUBSTANCE])
    public = json.loads((tmp_path / "bps-1700" / "case-substance.pub.json").read_text())["public_key"]
    private = next((tmp_path / "bps-1700").glob("case-substance-*.key")).read_text().strip()
    document = json.dumps({"bps-1700": {"case-substance": {"public": public, "private": [private]}}})
    triage = KeyRing.load(None, document, open_audiences=[Audience.CASE_SUBSTANCE])
    intake = KeyRing.load(None, document)
    sealed = intake.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    assert triage.open(sealed, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == SUBSTANCE
    assert intake.private == {}


def test_a_payload_that_opens_to_the_wrong_document_never_quotes_the_plaintext() -> None:
    sealing, opening = key_rings("bps-1700")
    kid, public_key = sealing.public[("bps-1700", Audience.CASE_SUBSTANCE)]
    ciphertext = SealedBox(public_key).encrypt(b'{"contact": "rahasia-0812"}')  # first format, wrong document
    sealed = SealedPayload(audience=Audience.CASE_SUBSTANCE, kid=kid, ciphertext=base64.b64encode(ciphertext).decode())
    with pytest.raises(SealedPayloadError) as caught:
        opening.open(sealed, tenant="bps-1700", case=CASE, model=ReportSubstanceV1)
    assert "rahasia-0812" not in str(caught.value)
    assert "what (missing)" in str(caught.value)
    assert caught.value.__cause__ is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_running_ring_picks_up_rotated_keys_within_seconds_and_keeps_opening_old_data(tmp_path: Path) -> None:
    ensure_tenant_keys(tmp_path, "bps-1700")
    clock = Clock()
    ring = KeyRing.load(tmp_path, None, [Audience.CASE_SUBSTANCE], check_seconds=3.0, clock=clock)
    before = ring.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)

    [new_kid] = rotate_tenant_keys(tmp_path, "bps-1700", [Audience.CASE_SUBSTANCE])
    clock.now += 1.0  # within the check interval: the ring has not looked yet
    assert ring.current_kid("bps-1700", Audience.CASE_SUBSTANCE) == before.kid
    clock.now += 3.0
    after = ring.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=CASE)
    assert after.kid == new_kid != before.kid
    assert ring.open(before, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == SUBSTANCE
    assert ring.open(after, tenant="bps-1700", case=CASE, model=ReportSubstanceV1) == SUBSTANCE
    assert not ring.is_current(before, "bps-1700")
    assert ring.is_current(ring.reseal(before, tenant="bps-1700", case=CASE, model=ReportSubstanceV1), "bps-1700")


def test_a_half_written_key_file_keeps_the_keys_loaded_before(tmp_path: Path) -> None:
    ensure_tenant_keys(tmp_path, "bps-1700")
    clock = Clock()
    ring = KeyRing.load(tmp_path, None, check_seconds=1.0, clock=clock)
    kid = ring.current_kid("bps-1700", Audience.CASE_SUBSTANCE)
    (tmp_path / "bps-1700" / "case-substance.pub.json").write_text('{"kid": "x", "public')
    clock.now += 2.0
    assert ring.current_kid("bps-1700", Audience.CASE_SUBSTANCE) == kid


def test_rotation_reaches_each_service_as_entitled_and_old_private_keys_stay(tmp_path: Path) -> None:
    services = ("intake", "triage", "notify")
    issue_for_services(tmp_path, "bps-1700", services)
    first = {k.kid for k in list_tenant_keys(tmp_path / "_master", "bps-1700")}
    rotated = set(rotate_tenant_keys(tmp_path / "_master", "bps-1700"))
    issue_for_services(tmp_path, "bps-1700", services)

    keys = list_tenant_keys(tmp_path / "_master", "bps-1700")
    assert {k.kid for k in keys} == first | rotated
    assert {k.kid for k in keys if k.current} == rotated
    for service in services:
        held = {k.kid for k in list_tenant_keys(tmp_path / service, "bps-1700")}
        entitled = {k.kid for k in keys if service in Audience.READERS[k.audience]}
        assert held == entitled
        ring = KeyRing.from_directory(tmp_path / service)
        assert {ring.current_kid("bps-1700", a) for a in Audience.ALL} == rotated


def test_a_private_key_a_service_is_not_entitled_to_is_taken_away(tmp_path: Path) -> None:
    issue_for_services(tmp_path, "bps-1700", ["intake"])
    stray = next((tmp_path / "_master" / "bps-1700").glob("reporter-contact-*.key"))
    (tmp_path / "intake" / "bps-1700" / stray.name).write_text(stray.read_text())
    issue_for_services(tmp_path, "bps-1700", ["intake"])
    held = {tuple(path.name.split("-")[:2]) for path in (tmp_path / "intake" / "bps-1700").glob("*.key")}
    assert stray.name not in {p.name for p in (tmp_path / "intake" / "bps-1700").glob("*.key")}
    # Intake keeps only what it is entitled to: the reporter's identity and mailbox.
    assert {"-".join(parts) for parts in held} == {Audience.REPORTER_IDENTITY, Audience.REPORTER_MAILBOX}


def test_a_service_may_declare_only_audiences_it_is_entitled_to() -> None:
    assert entitled_audiences("notify", [Audience.REPORTER_CONTACT]) == {Audience.REPORTER_CONTACT}
    assert entitled_audiences("intake", []) == frozenset()
    with pytest.raises(NotEntitled, match="triage may not open reporter-contact"):
        entitled_audiences("triage", [Audience.REPORTER_CONTACT])
    with pytest.raises(NotEntitled):
        entitled_audiences("reporting", [Audience.CASE_SUBSTANCE])


def _documents() -> list[type[SealedDocument]]:
    return [ReportSubstanceV1, ReporterContactV1, ReporterContactV2]


@pytest.mark.parametrize("document", _documents(), ids=lambda d: d.schema_name())
def test_every_sealed_document_names_an_audience_that_exists(document: type[SealedDocument]) -> None:
    assert document.audience in Audience.ALL


def test_cases_are_uuids() -> None:
    sealing, opening = key_rings("bps-1700")
    case = uuid4()
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE, case=case)
    assert opening.open(sealed, tenant="bps-1700", case=UUID(str(case)), model=ReportSubstanceV1) == SUBSTANCE


@pytest.mark.parametrize(
    ("service", "opens"),
    [
        ("intake", {Audience.REPORTER_IDENTITY, Audience.REPORTER_MAILBOX}),
        ("triage", {Audience.CASE_SUBSTANCE}),  # evidence keys and the reporter's messages, for officers
        ("investigation", {Audience.CASE_SUBSTANCE}),  # the report and the telaah's conclusion, for auditors
        ("notify", {Audience.REPORTER_CONTACT}),
        ("reporting", set()),
    ],
)
def test_a_service_loads_private_keys_only_for_what_it_opens(tmp_path: Path, service: str, opens: set[str]) -> None:
    issue_for_services(tmp_path, "bps-1700", [service])
    entrypoint = importlib.import_module(f"wbs_{service}.entrypoint")
    settings = entrypoint.PROGRAM.settings(key_dir=tmp_path / service, database_url="postgresql://x@127.0.0.1:9/x")
    runtime = entrypoint.build(settings)
    assert {kid.split("/")[1] for kid in runtime.keyring.private} == opens
    assert all(runtime.keyring.can_seal("bps-1700", audience) for audience in Audience.ALL)


def test_a_service_that_declares_an_audience_it_is_not_entitled_to_does_not_start(tmp_path: Path) -> None:
    from wbs_runtime.service import ServiceRuntime
    from wbs_runtime.unit_of_work import UnitOfWork
    from wbs_triage.entrypoint import TriageSettings

    settings = TriageSettings(key_dir=tmp_path, database_url="postgresql://x@127.0.0.1:9/x")
    with pytest.raises(NotEntitled):
        ServiceRuntime(settings, UnitOfWork, opens=(Audience.REPORTER_CONTACT,))
