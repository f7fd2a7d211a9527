"""The password policy: length and a block list, not composition rules; temporary passwords."""

from __future__ import annotations

import pytest

from wbs_directory.domain.passwords import (
    CONTAINS_NAME,
    TOO_COMMON,
    TOO_FEW_DIFFERENT,
    TOO_LONG,
    TOO_SHORT,
    WeakPassword,
    check_password,
    password_problems,
    temporary_password,
)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("pendek-11ch", TOO_SHORT),
        ("x" * 257 + "abcde", TOO_LONG),
        ("Password2024!!", TOO_COMMON),
        ("katasandi-123456", TOO_COMMON),
        ("123456789012", TOO_COMMON),
        ("aaaaaaaabbbbbbbb", TOO_FEW_DIFFERENT),
        ("siti.rahma-rahasia-sekali", CONTAINS_NAME),
        ("kopi pagi di Rahmawati", CONTAINS_NAME),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, problem: str) -> None:
    problems = password_problems(password, login="siti.rahma", display_name="Siti Rahmawati")
    assert problem in problems
    with pytest.raises(WeakPassword) as refused:
        check_password(password, login="siti.rahma", display_name="Siti Rahmawati")
    assert problem in refused.value.problems


@pytest.mark.parametrize("password", ["kopi pagi di kantor Bengkulu", "tiga ekor kucing oranye", "Zq8#mW2!pL0v"])
def test_long_or_varied_passwords_pass(password: str) -> None:
    assert password_problems(password, login="siti.rahma", display_name="Siti Rahmawati") == []


def test_temporary_passwords_are_random_readable_and_meet_the_policy() -> None:
    passwords = {temporary_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert not set(password) & set("0o1li")  # nothing that reads as something else
        assert password_problems(password, login="petugas") == []
