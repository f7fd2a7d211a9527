"""TOTP secrets sealed at rest under directory's own key, bound to their officer."""

from __future__ import annotations

import uuid

import pytest

from wbs_directory.adapters.totp_sealing import TotpSealer, TotpSecretUnreadable

pytestmark = pytest.mark.unit

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_secret_opens_for_its_officer_only() -> None:
    sealer = TotpSealer(b"k" * 32)
    officer, other = uuid.uuid4(), uuid.uuid4()
    sealed = sealer.seal(officer, SECRET)
    assert sealed is not None
    assert SECRET not in sealed
    assert sealer.open(officer, sealed) == SECRET
    with pytest.raises(TotpSecretUnreadable, match="another officer"):
        sealer.open(other, sealed)


def test_another_key_does_not_open_it() -> None:
    officer = uuid.uuid4()
    sealed = TotpSealer(b"k" * 32).seal(officer, SECRET)
    with pytest.raises(TotpSecretUnreadable, match="this key"):
        TotpSealer(b"x" * 32).open(officer, sealed)


def test_nothing_and_secrets_kept_before_sealing_pass_through() -> None:
    sealer = TotpSealer(b"k" * 32)
    assert sealer.seal(uuid.uuid4(), None) is None
    assert sealer.open(uuid.uuid4(), None) is None
    assert sealer.open(uuid.uuid4(), SECRET) == SECRET
