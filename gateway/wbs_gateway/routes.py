"""Which service answers which path. The longest matching prefix wins; a ``*`` segment in a prefix
matches any one segment (a tenant id, say)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    prefix: str
    service: str
    exact: bool = False
    #: The reporter's routes: an officer's session is never looked up for them (so directory never
    #: learns that an officer's browser is reporting, and no assertion names them beside a report).
    anonymous: bool = False

    def matches(self, path: str) -> bool:
        if "*" not in self.prefix:
            return path == self.prefix or (not self.exact and path.startswith(self.prefix + "/"))
        wanted, given = self.prefix.split("/")[1:], path.split("/")[1:]
        if len(given) < len(wanted) or (self.exact and len(given) != len(wanted)):
            return False
        return all(given[i] if w == "*" else given[i] == w for i, w in enumerate(wanted))


PUBLIC_ROUTES: tuple[Route, ...] = (
    Route("/", "intake", exact=True, anonymous=True),  # the reporter's pages
    Route("/assets", "intake", anonymous=True),
    Route("/api/v1/reports", "intake", anonymous=True),
    # The signed-in reporter (intake's own session cookie, wbs_pelapor).
    Route("/api/v1/reporter", "intake", anonymous=True),
    # The reporter's pages: a body's page and form, following a report; and the officers' pages
    # of intake (reports recorded from other channels, identity disclosure).
    Route("/lapor", "intake", anonymous=True),
    Route("/pantau", "intake", anonymous=True),
    Route("/petugas", "intake"),
    # The officers' pages of triage: the tenant's queue and each case's page.
    Route("/perkara", "triage"),
    # The auditors' pages of investigation (audit, recommendations, ekspose, pelimpahan), and the
    # receiving agencies' page of the escalations addressed to them.
    Route("/audit", "investigation"),
    Route("/pelimpahan", "investigation"),
    Route("/api/v1/agencies", "investigation"),
    Route("/api/v1/tenants", "intake"),
    # Officers only (the service refuses a request without an officer's assertion): exact live
    # counts per category are never public, as they let an employer match a report to its own
    # network logs.
    Route("/api/v1/tenants/*/statistics", "reporting", exact=True),
    # Officers: publications of public statistics (propose, approve); the public page of a body's
    # approved statistics needs no sign-in (counts only, small ones suppressed).
    Route("/api/v1/tenants/*/publications", "reporting"),
    Route("/statistik-publik", "reporting", anonymous=True),
    Route("/statistik", "reporting"),  # officers: the annual tables, charts, report and its files
    # Officers who may read the tenant's cases: a case's registration and its history.
    Route("/api/v1/tenants/*/cases", "triage"),
    # The audit of a case, its recommendations, exposés and escalation.
    Route("/api/v1/tenants/*/audits", "investigation"),
    # ...except a reporter's identity, which only intake holds: asking for its disclosure, the
    # custodian's decision, and the approved officer's reading of it.
    Route("/api/v1/tenants/*/cases/*/identity-disclosures", "intake"),
    Route("/api/v1/tenants/*/cases/*/identity", "intake", exact=True),
    # Officers: sign-in, the second step and sign-out, the account pages; the pages' shared
    # stylesheet, script and language switch (every service's pages use these addresses).
    Route("/masuk", "directory"),
    Route("/keluar", "directory"),
    Route("/akun", "directory"),
    # Tenant administrators: their tenants' configuration and accounts (officer routes).
    Route("/admin", "directory"),
    # Operators: the deployment's queue health (lag, readiness, outboxes, dead letters).
    Route("/operasi", "directory"),
    # Officers: their in-app inbox of notifications (notify), the page and its API.
    Route("/kotak-masuk", "notify"),
    Route("/api/v1/inbox", "notify"),
    Route("/bahasa", "directory", exact=True),
    Route("/static/wbs", "directory"),
)

#: Operators' view of each service, behind ``/ops/<service>/``; exposed only when configured.
OPERATIONS_PATHS = ("healthz", "readyz", "metrics")


def match(path: str, routes: tuple[Route, ...] = PUBLIC_ROUTES) -> Route | None:
    candidates = [r for r in routes if r.matches(path)]
    return max(candidates, key=lambda r: len(r.prefix), default=None)
