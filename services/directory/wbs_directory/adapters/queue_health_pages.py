"""The operators' queue-health page, ``GET /operasi``: per consumer group and partition, the lag in
records and in seconds; each service's readiness, outbox, relay and dead letters.

Directory hosts it because directory holds no case content at all (it opens no sealed audience),
and because the page cannot be more available than sign-in, which is directory's anyway. It reads
nothing of the other services' tables: the measurement (``wbs_runtime.monitoring``) asks the broker
and each service's ``/readyz`` and ``/metrics``, on a clock of its own; the page shows the latest.

Dead letters are acted on with ``wbs dlq``, which the page spells out per service, rather than with
buttons: the rows live in each service's own database, which directory must not write; a resend is
done after a fix is deployed, and the command waits for the running service and reports each
outcome, which a page cannot; and ``wbs dlq show`` prints the stored record, which has no place on
a page that shows no case content. The operator's shell holds the databases' credentials already.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wbs_directory.domain.messages import N_
from wbs_directory.ports import DirectoryUnitOfWork
from wbs_directory.usecases.operations import queue_health_viewed
from wbs_runtime.auth.access import Caller, require
from wbs_runtime.auth.permissions import Permission
from wbs_runtime.clock import Clock, utc_now
from wbs_runtime.monitoring import GroupLag, QueueHealth, QueueHealthMonitor, ServiceHealth
from wbs_runtime.web.pages import WebPages

QUEUE_HEALTH = "/operasi"
RELAY_STATES = {
    "publishing": N_("menerbitkan"),
    "standby": N_("siaga (replika lain menerbitkan)"),
    "stopped": N_("berhenti"),
    "unknown": N_("tidak diketahui"),
}
Operator = Annotated[Caller, require(Permission.VIEW_QUEUE_HEALTH)]


def duration(seconds: float | None) -> str:
    """``4.2 s``, ``3 min 20 s``, ``2 h 5 min`` (SI symbols read the same in both languages)."""
    if seconds is None:
        return "?"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def commands(service: str) -> dict[str, list[str]]:
    """The exact commands an operator runs for this service's dead letters (on the host, as
    ``make run`` or a deployment set ``wbs`` up); ``ID`` is a number ``dlq list`` prints."""
    return {
        "dead_letters": [
            f"wbs dlq list --service {service} --status parked",
            f"wbs dlq show {service}:ID",
            f"wbs dlq resend {service}:ID",
            f"wbs dlq resend --all --service {service}",
            f"wbs dlq discard {service}:ID",
        ],
    }


def group_view(group: GroupLag) -> dict[str, Any]:
    return {
        "group": group.group,
        "service": group.service,
        "lag": group.lag,
        "lag_seconds": group.lag_seconds,
        "age": duration(group.lag_seconds),
        "topics": len({p.topic for p in group.partitions}),
        "partitions": [
            {
                "topic": p.topic,
                "partition": p.partition,
                "committed": "—" if p.committed is None else p.committed,
                "end": p.end_offset,
                "lag": p.lag,
                "lag_seconds": "" if p.lag_seconds is None else f"{p.lag_seconds:.3f}",
                "age": duration(p.lag_seconds),
            }
            # The partitions behind first: a group reads many topics, most of them caught up.
            for p in sorted(group.partitions, key=lambda p: (-p.lag, p.topic, p.partition))
        ],
    }


def service_view(health: ServiceHealth) -> dict[str, Any]:
    return {
        "service": health.service,
        "reachable": health.reachable,
        "ready": health.ready,
        "checks": sorted(health.checks.items()),
        "relay_state": health.relay_state,
        "relay_label": RELAY_STATES[health.relay_state],
        "relay_errors": "?" if health.relay_errors is None else health.relay_errors,
        "backlog": "?" if health.outbox_backlog is None else health.outbox_backlog,
        "oldest": duration(health.outbox_oldest_age_seconds),
        "dead_letters": health.dead_letters,
        "parked": health.dead_letters_parked,
        "error": health.error,
        "commands": commands(health.service),
    }


def page_values(health: QueueHealth, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    def moment(at: datetime | None) -> str | None:
        return None if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")

    groups = health.groups()
    return {
        "measured_at": moment(health.measured_at),
        "measured_ago": None if health.measured_at is None else duration((now - health.measured_at).total_seconds()),
        "lag_measured_at": moment(health.lag_measured_at),
        "broker_error": health.broker_error,
        "groups": [group_view(group) for group in groups],
        "total_lag": sum(group.lag for group in groups),
        "services": [service_view(service) for service in health.services],
        "signed_in": True,
    }


def build_queue_health_router(
    web: WebPages,
    unit_of_work: Callable[[], DirectoryUnitOfWork],
    monitor: QueueHealthMonitor,
    zone: ZoneInfo,
    *,
    clock: Clock = utc_now,
) -> APIRouter:
    router = web.router()

    @router.get(QUEUE_HEALTH)
    async def queue_health(request: Request, caller: Operator) -> Response:
        await queue_health_viewed(unit_of_work(), officer_id=caller.officer_id, session_id=caller.session_id)
        return web.render(request, "directory/operasi.html", page_values(monitor.latest, zone, clock()))

    return router
