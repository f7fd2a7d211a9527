"""Where a notification points: a page behind sign-in (a path under the one public address).
A link names a tenant and a case id at most, never anything about the matter."""

from __future__ import annotations

from uuid import UUID


def case_page(tenant: str, case_id: UUID) -> str:
    """Triage's page of a case: its team, the Kotak Komunikasi, the telaah."""
    return f"/perkara/{tenant}/{case_id}"


def recommendations_page(tenant: str, case_id: UUID) -> str:
    """Investigation's page of a case's recommendations and their follow-up."""
    return f"/audit/{tenant}/{case_id}/rekomendasi"


def agency_page(agency: str) -> str:
    """The receiving agency's page of the escalations addressed to it."""
    return f"/pelimpahan/{agency}"


#: Where a reporter follows their report (they sign in with their receipt and code).
REPORTER_PAGE = "/pantau"
