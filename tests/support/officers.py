"""Officers' assertions for tests: signed with a directory key made for the test, as directory signs them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from wbs_contracts.identity import ASSERTION_HEADER, CallerClaims, TenantRoles
from wbs_contracts.roles import Role
from wbs_runtime.auth.assertions import AssertionSigner, validity
from wbs_runtime.auth.keys import ISSUING_SERVICE


def claims_for(audience: str, grants: Mapping[str, Iterable[Role]], **overrides: int) -> CallerClaims:
    return CallerClaims(
        aud=audience,
        sub="officer-1",
        name="Petugas Uji",
        sid="session-1",
        amr=("pwd",),
        grants=tuple(TenantRoles(tenant=t, roles=tuple(roles)) for t, roles in grants.items()),
        **(validity() | overrides),
    )


def assertion_headers(
    key_root: Path, audience: str, grants: Mapping[str, Iterable[Role]], **overrides: int
) -> dict[str, str]:
    """The header the gateway would forward for an officer holding ``grants``, to ``audience``."""
    signer = AssertionSigner.from_key_dir(key_root / ISSUING_SERVICE)
    return {ASSERTION_HEADER: signer.sign(claims_for(audience, grants, **overrides))}


def officer_headers(
    key_root: Path, audience: str, grants: Mapping[str, Iterable[Role]], *, officer: str, name: str
) -> dict[str, str]:
    """As :func:`assertion_headers`, for a given officer (tests where who acts matters)."""
    signer = AssertionSigner.from_key_dir(key_root / ISSUING_SERVICE)
    claims = claims_for(audience, grants).model_copy(update={"sub": officer, "name": name})
    return {ASSERTION_HEADER: signer.sign(claims)}
