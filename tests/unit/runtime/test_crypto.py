from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from pydantic import BaseModel

from tests.support.keys import key_rings
from wbs_contracts.events.intake import ReporterContactV1, ReportSubstanceV1
from wbs_contracts.sealed import Audience
from wbs_runtime.crypto import KeyRing, MissingKey, SealedPayloadError, ensure_tenant_keys

SUBSTANCE = ReportSubstanceV1(what="a", where="b", when="c", who="d", how="e", amount_idr=1)


def test_what_is_sealed_opens_only_with_the_audiences_private_key() -> None:
    sealing, opening = key_rings("bps-1700")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    assert "amount_idr" not in sealed.ciphertext
    assert opening.open(sealed, "bps-1700", ReportSubstanceV1) == SUBSTANCE
    with pytest.raises(MissingKey):
        sealing.open(sealed, "bps-1700", ReportSubstanceV1)


def test_sealing_twice_gives_different_ciphertexts() -> None:
    sealing, _ = key_rings("bps-1700")
    first = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    second = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    assert first.ciphertext != second.ciphertext


def test_a_payload_sealed_for_one_tenant_does_not_open_as_another() -> None:
    sealing, opening = key_rings("bps-1700", "pemkab-lebak")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    with pytest.raises(SealedPayloadError, match="not to tenant"):
        opening.open(sealed, "pemkab-lebak", ReportSubstanceV1)


def test_tampering_or_the_wrong_document_type_is_detected() -> None:
    sealing, opening = key_rings("bps-1700")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    raw = bytearray(base64.b64decode(sealed.ciphertext))
    raw[-1] ^= 0x01
    tampered = sealed.model_copy(update={"ciphertext": base64.b64encode(raw).decode()})
    with pytest.raises(SealedPayloadError):
        opening.open(tampered, "bps-1700", ReportSubstanceV1)

    class Other(BaseModel):
        required_field: int

    with pytest.raises(SealedPayloadError):
        opening.open(sealed, "bps-1700", Other)


def test_a_tenant_without_keys_cannot_be_sealed_to() -> None:
    with pytest.raises(MissingKey):
        KeyRing().seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)


def test_key_directory_gives_private_keys_only_to_entitled_services(tmp_path: Path) -> None:
    created = ensure_tenant_keys(tmp_path, "bps-1700")
    assert ensure_tenant_keys(tmp_path, "bps-1700") == []  # existing keys are kept
    private_files = [p for p in created if p.suffix == ".key"]
    assert len(private_files) == len(Audience.ALL)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in private_files)

    intake = KeyRing.from_directory(tmp_path)
    notify = KeyRing.from_directory(tmp_path, open_audiences=[Audience.REPORTER_CONTACT])
    contact = intake.seal("bps-1700", Audience.REPORTER_CONTACT, ReporterContactV1(contact="08123"))
    substance = intake.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    assert notify.open(contact, "bps-1700", ReporterContactV1).contact == "08123"
    with pytest.raises(MissingKey):
        notify.open(substance, "bps-1700", ReportSubstanceV1)


def test_keys_can_come_from_the_environment_as_json(tmp_path: Path) -> None:
    ensure_tenant_keys(tmp_path, "bps-1700", [Audience.CASE_SUBSTANCE])
    public = json.loads((tmp_path / "bps-1700" / "case-substance.pub.json").read_text())["public_key"]
    private = next((tmp_path / "bps-1700").glob("case-substance-*.key")).read_text().strip()
    document = json.dumps({"bps-1700": {"case-substance": {"public": public, "private": [private]}}})
    triage = KeyRing.load(None, document, open_audiences=[Audience.CASE_SUBSTANCE])
    intake = KeyRing.load(None, document)
    sealed = intake.seal("bps-1700", Audience.CASE_SUBSTANCE, SUBSTANCE)
    assert triage.open(sealed, "bps-1700", ReportSubstanceV1) == SUBSTANCE
    assert intake.private == {}


def test_a_payload_that_opens_to_the_wrong_document_never_quotes_the_plaintext() -> None:
    sealing, opening = key_rings("bps-1700")
    sealed = sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, ReporterContactV1(contact="rahasia-0812"))
    with pytest.raises(SealedPayloadError) as caught:
        opening.open(sealed, "bps-1700", ReportSubstanceV1)
    assert "rahasia-0812" not in str(caught.value)
    assert "what (missing)" in str(caught.value)
    assert caught.value.__cause__ is None
