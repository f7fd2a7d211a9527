"""The OpenID providers of the bodies that sign their officers in themselves, through authlib.

Each issuer's endpoints come from its discovery document (``<issuer>/.well-known/openid-configuration``,
whose ``issuer`` must be the issuer itself), kept for an hour; its signing keys from its
``jwks_uri``, read again when a token names a key not seen yet. The client id and secret per
issuer are deployment secrets (``WBS_DIRECTORY_OIDC_CLIENTS``), never policy.

The code is exchanged with the PKCE verifier and the client's secret (HTTP Basic); the ID token's
signature (an asymmetric algorithm the provider announces), issuer, audience (and ``azp``),
nonce, expiry and issue time are checked by authlib's ``CodeIDToken`` rules.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from wbs_directory.domain.identity_link import SsoFlow
from wbs_directory.ports import ProviderFailed, VerifiedIdentity
from wbs_runtime.clock import Clock, utc_now

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
METADATA_KEPT = timedelta(hours=1)
#: Clock difference tolerated between the provider and us.
LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 10.0
#: Asymmetric signatures only: an HMAC-signed ID token would be signed with our own secret.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


class OidcClient(BaseModel):
    """Our client at one provider (a deployment secret)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str = Field(min_length=1)
    client_secret: SecretStr


@dataclass
class _Provider:
    metadata: dict[str, Any]
    read_at: datetime
    keys: KeySet | None = None


class OpenIdProviders:
    """``IdentityProviders`` over HTTP, for the issuers the deployment has a client at."""

    def __init__(
        self,
        clients: Mapping[str, OidcClient],
        *,
        clock: Clock = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._clients = dict(clients)
        self._clock = clock
        self._transport = transport
        self._providers: dict[str, _Provider] = {}

    def configured(self, issuer: str) -> bool:
        return issuer in self._clients

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=TIMEOUT_SECONDS, transport=self._transport, follow_redirects=False)

    def _oauth(self, issuer: str, redirect_uri: str) -> AsyncOAuth2Client:
        client = self._clients.get(issuer)
        if client is None:
            raise ProviderFailed(f"no client configured for {issuer}")
        return AsyncOAuth2Client(
            client_id=client.client_id,
            client_secret=client.client_secret.get_secret_value(),
            scope="openid",
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT_SECONDS,
            transport=self._transport,
        )

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self._http() as http:
                response = await http.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                found = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderFailed(f"{url}: {error!r}") from error
        if not isinstance(found, dict):
            raise ProviderFailed(f"{url}: not a JSON object")
        return found

    async def _provider(self, issuer: str) -> _Provider:
        now = self._clock()
        known = self._providers.get(issuer)
        if known is not None and now < known.read_at + METADATA_KEPT:
            return known
        metadata = await self._get_json(issuer.rstrip("/") + DISCOVERY_PATH)
        # OpenID Connect Discovery 4.3: the document is the issuer's own.
        if metadata.get("issuer") != issuer:
            raise ProviderFailed(f"discovery of {issuer} names the issuer {metadata.get('issuer')!r}")
        missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not metadata.get(k)]
        if missing:
            raise ProviderFailed(f"discovery of {issuer} lacks {', '.join(missing)}")
        methods = metadata.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise ProviderFailed(f"{issuer} does not support PKCE with S256")
        provider = _Provider(metadata, now)
        self._providers[issuer] = provider
        return provider

    async def _keys(self, issuer: str, provider: _Provider, *, again: bool = False) -> KeySet:
        if provider.keys is None or again:
            found = await self._get_json(str(provider.metadata["jwks_uri"]))
            try:
                provider.keys = KeySet.import_key_set(found)  # type: ignore[arg-type]
            except (JoseError, ValueError, KeyError, TypeError) as error:
                raise ProviderFailed(f"{issuer}: unusable JWKS: {error!r}") from error
        return provider.keys

    async def authorization_url(self, flow: SsoFlow, redirect_uri: str) -> str:
        provider = await self._provider(flow.issuer)
        async with self._oauth(flow.issuer, redirect_uri) as client:
            url, _ = client.create_authorization_url(
                provider.metadata["authorization_endpoint"],
                state=flow.state,
                code_verifier=flow.code_verifier,
                nonce=flow.nonce,
            )
        return str(url)

    async def identify(self, flow: SsoFlow, code: str, redirect_uri: str) -> VerifiedIdentity:
        provider = await self._provider(flow.issuer)
        try:
            async with self._oauth(flow.issuer, redirect_uri) as client:
                token = await client.fetch_token(
                    provider.metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=flow.code_verifier,
                )
        except (httpx.HTTPError, AuthlibBaseError, ValueError) as error:
            raise ProviderFailed(f"{flow.issuer}: the code was not exchanged: {error!r}") from error
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise ProviderFailed(f"{flow.issuer}: no ID token in the token response")
        claims = await self._verified(flow, provider, id_token, token.get("access_token"))
        amr = claims.get("amr") or []
        acr = claims.get("acr")
        return VerifiedIdentity(
            issuer=flow.issuer,
            subject=str(claims["sub"]),
            amr=tuple(str(method) for method in amr),
            acr=str(acr) if acr is not None else None,
        )

    def _algorithms(self, provider: _Provider) -> list[str]:
        announced = provider.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        return [alg for alg in ACCEPTED_ALGORITHMS if alg in announced]

    async def _verified(self, flow: SsoFlow, provider: _Provider, id_token: str, access_token: object) -> CodeIDToken:
        client_id = self._clients[flow.issuer].client_id
        algorithms = self._algorithms(provider)
        try:
            try:
                decoded = jwt.decode(id_token, await self._keys(flow.issuer, provider), algorithms=algorithms)
            except (ValueError, JoseError):
                # A key the provider has rotated in since we read its keys: read them once more.
                decoded = jwt.decode(
                    id_token, await self._keys(flow.issuer, provider, again=True), algorithms=algorithms
                )
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                options={
                    "iss": {"essential": True, "value": flow.issuer},
                    "aud": {"essential": True, "value": client_id},
                    "sub": {"essential": True},
                    "nonce": {"essential": True, "value": flow.nonce},
                },
                params={
                    "nonce": flow.nonce,
                    "client_id": client_id,
                    "access_token": access_token if isinstance(access_token, str) else None,
                },
            )
            claims.validate(now=int(self._clock().timestamp()), leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError, KeyError, TypeError) as error:
            raise ProviderFailed(f"{flow.issuer}: the ID token was refused: {error!r}") from error
        return claims
