"""The caller's assertion: only directory's key, for this service, not expired, is accepted."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from wbs_contracts.identity import CallerClaims, TenantRoles
from wbs_contracts.roles import Role
from wbs_runtime.auth.assertions import AssertionSigner, AssertionVerifier, InvalidAssertion, validity
from wbs_runtime.auth.keys import issue_assertion_keys

pytestmark = pytest.mark.unit


def claims(audience: str = "triage", **overrides: int) -> CallerClaims:
    return CallerClaims(
        aud=audience,
        sub="officer-1",
        name="Petugas Satu",
        sid="session-1",
        grants=(TenantRoles(tenant="bps-1700", roles=(Role.PENELAAH,)),),
        **(validity() | overrides),
    )


@pytest.fixture
def key_root(tmp_path: Path) -> Path:
    issue_assertion_keys(tmp_path, ["directory", "triage", "intake"])
    return tmp_path


def test_a_service_accepts_an_assertion_signed_for_it(key_root: Path) -> None:
    token = AssertionSigner.from_key_dir(key_root / "directory").sign(claims())
    verified = AssertionVerifier.from_key_dir(key_root / "triage", "triage").verify(token)
    assert verified.sub == "officer-1"
    assert verified.grants[0].roles == (Role.PENELAAH,)


def test_only_directory_gets_the_signing_key(key_root: Path) -> None:
    assert (key_root / "directory" / "assertion-signing.jwk").exists()
    assert not (key_root / "triage" / "assertion-signing.jwk").exists()
    assert (key_root / "directory" / "assertion-signing.jwk").stat().st_mode & 0o077 == 0


def test_an_assertion_for_another_service_is_refused(key_root: Path) -> None:
    token = AssertionSigner.from_key_dir(key_root / "directory").sign(claims(audience="intake"))
    with pytest.raises(InvalidAssertion):
        AssertionVerifier.from_key_dir(key_root / "triage", "triage").verify(token)


def test_an_expired_assertion_is_refused(key_root: Path) -> None:
    past = int(time.time()) - 120
    token = AssertionSigner.from_key_dir(key_root / "directory").sign(claims(iat=past, exp=past + 60))
    with pytest.raises(InvalidAssertion):
        AssertionVerifier.from_key_dir(key_root / "triage", "triage").verify(token)


def test_a_key_that_is_not_directorys_is_refused(key_root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other_root = tmp_path_factory.mktemp("other")
    issue_assertion_keys(other_root, ["directory"])
    token = AssertionSigner.from_key_dir(other_root / "directory").sign(claims())
    with pytest.raises(InvalidAssertion):
        AssertionVerifier.from_key_dir(key_root / "triage", "triage").verify(token)


def test_a_tampered_assertion_is_refused(key_root: Path) -> None:
    """A penelaah's assertion with an administrator's grants pasted in keeps the old signature."""
    header, _, signature = AssertionSigner.from_key_dir(key_root / "directory").sign(claims()).split(".")
    other = AssertionSigner.from_key_dir(key_root / "directory").sign(
        claims().model_copy(update={"grants": (TenantRoles(tenant="bps-1700", roles=(Role.ADMINISTRATOR,)),)})
    )
    with pytest.raises(InvalidAssertion):
        AssertionVerifier.from_key_dir(key_root / "triage", "triage").verify(
            f"{header}.{other.split('.')[1]}.{signature}"
        )
