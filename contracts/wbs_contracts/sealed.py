"""Ciphertext that crosses the bus in place of a reporter's identity or a report's substance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Sealed documents bind their tenant, case, audience, type and version inside the ciphertext and
#: are padded to a size class (see ``wbs_runtime.crypto``). Payloads without ``format`` are of the
#: first format: the document alone, unpadded, bound to nothing but its key.
BOUND_AND_PADDED = 2


class SealedPayload(BaseModel):
    """A JSON document sealed to one key of one tenant and one audience.

    ``audience`` names who may read it (``case-substance``: triage and investigation;
    ``reporter-contact``: notify). ``kid`` names the exact key, so keys can be rotated.
    """

    model_config = ConfigDict(frozen=True)

    #: X25519 sealed box (libsodium ``crypto_box_seal``): anonymous sender; only the holder of the
    #: audience's private key can open it.
    alg: Literal["x25519-xsalsa20poly1305-sealedbox"] = "x25519-xsalsa20poly1305-sealedbox"
    audience: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    kid: str = Field(min_length=1, max_length=200)
    ciphertext: str = Field(description="Base64 (standard alphabet) of the sealed box.")
    format: int | None = Field(
        default=None,
        ge=1,
        description=(
            "2: the plaintext names tenant, case, audience, document type and version, and is padded "
            "to a size class; opening checks them. Absent: the first format (the document alone)."
        ),
    )


class SealedDocument(BaseModel):
    """A document that crosses the bus only sealed. Its type, version and audience are sealed with
    it, so it cannot be opened as another document or for another audience."""

    #: e.g. ``report-substance``; the published schema is ``sealed.<sealed_type>.v<sealed_version>``.
    sealed_type: ClassVar[str]
    sealed_version: ClassVar[int]
    #: The one audience this document is sealed to.
    audience: ClassVar[str]
    #: Every document of this type is padded to at least this many bytes, so that what a field
    #: holds (or whether it holds anything) does not show in the ciphertext's length.
    padded_to_at_least: ClassVar[int] = 0

    @classmethod
    def schema_name(cls) -> str:
        return f"sealed.{cls.sealed_type}.v{cls.sealed_version}"


class Audience:
    """Who may open a sealed field. Each audience has its own key pair per tenant."""

    #: The report's substance (4W1H, amount): triage and investigation hold the private key.
    CASE_SUBSTANCE = "case-substance"
    #: How to reach the reporter: notify holds the private key.
    REPORTER_CONTACT = "reporter-contact"
    #: Who the reporter is: intake holds the private key, and opens it only for an officer whose
    #: disclosure request a custodian approved. No case officer's service can open it.
    REPORTER_IDENTITY = "reporter-identity"
    #: The reporter's mailbox (officers' answers, the reporter's own copies): intake opens it only
    #: for the reporter who signed in.
    REPORTER_MAILBOX = "reporter-mailbox"
    #: What a receiving agency (APH, KPK) may read of an escalated case: sealed to the agency
    #: tenant's key, whose private half goes to the agency; no service of ours opens it.
    AGENCY_DOSSIER = "agency-dossier"

    ALL = (CASE_SUBSTANCE, REPORTER_CONTACT, REPORTER_IDENTITY, REPORTER_MAILBOX, AGENCY_DOSSIER)

    #: The services entitled to each audience's private key; nobody else ever holds it.
    READERS: ClassVar[Mapping[str, tuple[str, ...]]] = {
        CASE_SUBSTANCE: ("triage", "investigation"),
        REPORTER_CONTACT: ("notify",),
        REPORTER_IDENTITY: ("intake",),
        REPORTER_MAILBOX: ("intake",),
        AGENCY_DOSSIER: (),
    }

    @classmethod
    def readable_by(cls, service: str) -> tuple[str, ...]:
        return tuple(audience for audience, readers in cls.READERS.items() if service in readers)
