"""Single sign-on's pure rules: which provider answers count as a second factor, which issuers
and subjects name an identity, and the flow that waits for the provider."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wbs_directory.domain.identity_link import (
    FLOW_LIFETIME,
    InvalidIdentity,
    SsoPurpose,
    check_issuer,
    check_subject,
    flow_digest,
    new_flow,
    provider_did_mfa,
    session_methods,
)
from wbs_runtime.clock import utc_now


@pytest.mark.parametrize(
    ("amr", "mfa"),
    [
        ((), False),
        (("pwd",), False),
        (("otp",), False),
        (("hwk",), False),
        (("pwd", "kba"), False),
        (("mfa",), True),
        (("pwd", "otp"), True),
        (("hwk", "fpt"), True),
        (("pwd", "sms"), True),
    ],
)
def test_a_second_factor_is_a_possession_beside_knowledge_or_inherence_or_mfa(amr: tuple[str, ...], mfa: bool) -> None:
    assert provider_did_mfa(amr) is mfa
    assert session_methods(amr) == (("oidc", "mfa") if mfa else ("oidc",))


@pytest.mark.parametrize(
    "issuer", ["https://sso.bengkulu.go.id", "https://login.example.id/realms/inspektorat", "http://127.0.0.1:4444"]
)
def test_issuers_are_https_urls_or_loopback(issuer: str) -> None:
    assert check_issuer(f" {issuer} ") == issuer


@pytest.mark.parametrize(
    "issuer", ["http://sso.example.id", "https://sso.example.id/?x=1", "https://sso.example.id#a", "sso.example.id", ""]
)
def test_other_issuers_are_refused_in_both_languages(issuer: str) -> None:
    with pytest.raises(InvalidIdentity, match=r"harus berupa alamat https.*an OpenID issuer is an https URL"):
        check_issuer(issuer)


def test_subjects_are_short_printable_ascii() -> None:
    assert check_subject("248289761001") == "248289761001"
    for bad in ("", "x" * 256, "nama dengan é", "a\nb"):
        with pytest.raises(InvalidIdentity):
            check_subject(bad)


def test_a_flow_is_fresh_bound_to_its_state_and_short_lived() -> None:
    now = utc_now()
    token, flow = new_flow(issuer="https://sso.example.id", tenant="t", purpose=SsoPurpose.SIGN_IN, at=now)
    other_token, other = new_flow(issuer="https://sso.example.id", tenant="t", purpose=SsoPurpose.SIGN_IN, at=now)
    assert token != other_token
    assert flow_digest(token) != flow_digest(other_token)
    assert len({flow.state, flow.nonce, other.state, other.nonce}) == 4
    assert 43 <= len(flow.code_verifier) <= 128
    assert flow.answers(flow.state)
    assert not flow.answers(other.state)
    assert not flow.answers("")
    assert not flow.expired(now + FLOW_LIFETIME - timedelta(seconds=1))
    assert flow.expired(now + FLOW_LIFETIME)
