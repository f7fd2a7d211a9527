"""What the operator commands share: which database each service uses, and plain-text tables."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from wbs_contracts.registry import SERVICES
from wbs_runtime.db import create_engine
from wbs_runtime.ops.environment import settings_of

#: service -> database URL
DatabaseUrls = Callable[[], Mapping[str, str]]


def database_urls_from_environment(services: Iterable[str] = SERVICES) -> dict[str, str]:
    """Each service's database, found as the service itself finds it (``WBS_<SERVICE>_DATABASE_URL``,
    else the default of ``make run``; ``wbs`` reads the launcher's ``var/wbs.env`` first)."""
    return {s: settings_of(s).database_url for s in services}


@asynccontextmanager
async def connect(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A single connection for one command; the engine is disposed afterwards."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table with aligned columns."""
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def one_line(text: str | None, width: int = 60) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
