from __future__ import annotations

import os

from wbs_intake.domain.credentials import (
    ALPHABET,
    canonical_registration_number,
    canonical_secret,
    issue_credentials,
)


def test_receipt_has_readable_grouped_codes() -> None:
    credentials = issue_credentials()
    prefix, *groups = credentials.registration_number.split("-")
    assert prefix == "WBS"
    assert [len(g) for g in groups] == [4, 4, 4]
    assert [len(g) for g in credentials.secret.split("-")] == [5, 5, 5, 5, 5]
    symbols = "".join(groups) + credentials.secret.replace("-", "")
    assert set(symbols) <= set(ALPHABET)


def test_codes_come_from_the_random_source() -> None:
    zeros = issue_credentials(lambda n: bytes(n))
    assert zeros.registration_number == "WBS-0000-0000-0000"
    assert zeros.secret == "00000-00000-00000-00000-00000"
    assert len({issue_credentials(os.urandom).secret for _ in range(200)}) == 200


def test_typed_registration_numbers_are_forgiving_but_exact() -> None:
    assert canonical_registration_number("wbs 7kq3 m9xd 2p4t") == "WBS-7KQ3-M9XD-2P4T"
    assert canonical_registration_number("7KQ3-M9XD-2P4T") == "WBS-7KQ3-M9XD-2P4T"
    assert canonical_registration_number("WBS-OKQ3-M9XD-2P4L") == "WBS-0KQ3-M9XD-2P41"  # O and L misread
    assert canonical_registration_number("WBS-7KQ3-M9XD") is None
    assert canonical_registration_number("WBS-7KQ3-M9XD-2P4U") is None  # U is not in the alphabet
    assert canonical_registration_number("") is None


def test_typed_secrets_ignore_case_spacing_and_lookalikes() -> None:
    assert canonical_secret("abcde-fghij") == canonical_secret("ABCDE FGH1J") == "ABCDEFGH1J"
    assert canonical_secret("o0-l1") == "0011"
