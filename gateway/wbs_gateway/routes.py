"""Which service answers which path. The longest matching prefix wins."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    prefix: str
    service: str
    exact: bool = False


PUBLIC_ROUTES: tuple[Route, ...] = (
    Route("/", "intake", exact=True),  # the reporter's pages
    Route("/assets", "intake"),
    Route("/api/v1/reports", "intake"),
    Route("/api/v1/tenants", "intake"),
    # Officers: sign-in, the second step and sign-out, the account pages; the pages' shared
    # stylesheet, script and language switch (every service's pages use these addresses).
    Route("/masuk", "directory"),
    Route("/keluar", "directory"),
    Route("/akun", "directory"),
    Route("/bahasa", "directory", exact=True),
    Route("/static/wbs", "directory"),
    # Not /api/v1/statistics: exact live counts per category let an employer match a report to its
    # own network logs. Reporting keeps the route for internal use until safe public statistics exist.
)

#: Operators' view of each service, behind ``/ops/<service>/``; exposed only when configured.
OPERATIONS_PATHS = ("healthz", "readyz", "metrics")


def match(path: str, routes: tuple[Route, ...] = PUBLIC_ROUTES) -> Route | None:
    candidates = [r for r in routes if path == r.prefix or (not r.exact and path.startswith(r.prefix + "/"))]
    return max(candidates, key=lambda r: len(r.prefix), default=None)
