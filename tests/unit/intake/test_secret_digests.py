"""The reporter's secret is kept as a keyed digest; argon2id hashes from before still verify."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from wbs_intake.adapters.hashing import Argon2PasswordHasher
from wbs_intake.adapters.keyed_digest import KeyedDigests, ReporterSecretHasher
from wbs_intake.domain.credentials import accept_client_secret, canonical_secret, issue_secret
from wbs_runtime.crypto.service_secret import SecretUnavailable, load_service_secret

PEPPER = b"p" * 32
#: The cheapest argon2id profile, so the test does not spend 25 ms per hash.
FAST_ARGON2 = Argon2PasswordHasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def load_pepper(value: str | None, file: Path | None, *, create: bool) -> bytes:
    return load_service_secret(value, file, create=create, variable="WBS_INTAKE_SECRET_PEPPER")


async def test_a_secret_is_kept_as_a_keyed_digest_not_a_slow_hash() -> None:
    hasher = ReporterSecretHasher(KeyedDigests(PEPPER))
    secret = canonical_secret(issue_secret())
    stored = await hasher.hash(secret)
    assert stored.startswith("hmac-sha256$")
    assert secret not in stored
    assert await hasher.verify(stored, secret)
    assert not await hasher.verify(stored, canonical_secret(issue_secret()))
    assert not hasher.needs_rehash(stored)


async def test_the_digest_depends_on_the_pepper() -> None:
    secret = canonical_secret(issue_secret())
    stored = await ReporterSecretHasher(KeyedDigests(PEPPER)).hash(secret)
    other = ReporterSecretHasher(KeyedDigests(b"q" * 32))
    assert await other.hash(secret) != stored
    assert not await other.verify(stored, secret)  # and the log says why (another pepper)


async def test_no_digest_to_check_is_a_mismatch() -> None:
    hasher = ReporterSecretHasher(KeyedDigests(PEPPER))
    assert not await hasher.verify(None, canonical_secret(issue_secret()))
    assert not await hasher.verify("", "")
    assert not await hasher.verify("something else", "something else")


async def test_argon2id_hashes_written_before_still_verify_and_ask_to_be_replaced() -> None:
    hasher = ReporterSecretHasher(KeyedDigests(PEPPER), legacy=FAST_ARGON2)
    secret = canonical_secret(issue_secret())
    legacy = await FAST_ARGON2.hash(secret)
    assert legacy.startswith("$argon2id$")
    assert await hasher.verify(legacy, secret)
    assert not await hasher.verify(legacy, canonical_secret(issue_secret()))
    assert hasher.needs_rehash(legacy)


async def test_argon2id_stays_available_for_secrets_people_choose() -> None:
    stored = await FAST_ARGON2.hash("kata sandi pilihan sendiri")
    assert await FAST_ARGON2.verify(stored, "kata sandi pilihan sendiri")
    assert not await FAST_ARGON2.verify(stored, "tebakan")
    assert not await FAST_ARGON2.verify(None, "tebakan")


def test_purposes_get_separate_digests() -> None:
    digests = KeyedDigests(PEPPER)
    assert digests.digest("idempotency-key", b"x") != digests.digest("submission", b"x")
    assert digests.digest("submission", b"x") == KeyedDigests(PEPPER).digest("submission", b"x")
    with pytest.raises(ValueError, match="32 bytes"):
        KeyedDigests(b"short")


def test_a_pepper_file_is_created_once_for_its_owner_only(tmp_path: Path) -> None:
    file = tmp_path / "intake-pepper"
    first = load_pepper(None, file, create=True)
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    assert load_pepper(None, file, create=True) == first
    assert [p.name for p in tmp_path.iterdir()] == ["intake-pepper"]  # no draft left behind


def test_a_configured_pepper_wins(tmp_path: Path) -> None:
    assert load_pepper("v" * 40, tmp_path / "intake-pepper", create=True) == b"v" * 40
    assert not (tmp_path / "intake-pepper").exists()


@pytest.mark.parametrize(
    ("value", "file", "create", "complaint"),
    [
        (None, None, True, "no WBS_INTAKE_SECRET_PEPPER"),
        (None, "missing", False, "does not exist"),
        (None, "unwritable/intake-pepper", True, "cannot create"),
        ("short", None, True, "shorter than 32"),
    ],
)
def test_without_a_usable_pepper_intake_does_not_start(
    tmp_path: Path, value: str | None, file: str | None, create: bool, complaint: str
) -> None:
    (tmp_path / "unwritable").write_text("a file where a folder should be")
    with pytest.raises(SecretUnavailable, match=complaint):
        load_pepper(value, tmp_path / file if file else None, create=create)


def test_a_secret_made_by_the_browser_must_look_like_one_drawn_at_random() -> None:
    drawn = issue_secret()
    assert accept_client_secret(drawn) == drawn
    assert accept_client_secret(drawn.lower().replace("-", "")) == drawn
    assert accept_client_secret(drawn[:-1]) is None  # 24 symbols
    assert accept_client_secret(drawn + "A") is None
    assert accept_client_secret("UUUUU-" + drawn[6:]) is None  # U is not in the alphabet
    assert accept_client_secret("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA") is None
    assert accept_client_secret("01234-56012-34560-12345-60123") is None  # 7 symbols over and over
