"""Re-sealing data at rest to the newest key, for a service's ``reseal`` command.

After ``wbs keys rotate`` new data is sealed to the new key; what a service keeps sealed at rest
still opens with the old private key, which stays. Re-sealing opens each stored document with
whichever key it was sealed to and seals it again to the current one, upgrading documents of the
first sealed format (which name no case) on the way. Only services that may open an audience can
re-seal it. The runtime knows no service: each declares its sealed columns and gets the command::

    extra_commands={"reseal": ("...", reseal_command(SealedColumn(case_table, "sealed_substance",
                                                                  case="id", tenant="tenant_id",
                                                                  model=ReportSubstanceV1)))}
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Column, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wbs_contracts.sealed import SealedDocument, SealedPayload
from wbs_runtime.crypto.keyring import KeyRing, MissingKey, SealedPayloadError, entitled_audiences
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200


@dataclass(frozen=True)
class SealedColumn:
    """Sealed documents a service keeps: a JSONB column holding a ``SealedPayload`` per row."""

    table: Table
    column: str
    #: The column naming the case each document is bound to.
    case: str
    #: The column naming the tenant: of ``table``, or of a table it references (joined by its foreign key).
    tenant: str | Column[Any]
    model: type[SealedDocument]
    #: Other document types the column may hold (sealed to the same audience).
    also: tuple[type[SealedDocument], ...] = ()
    #: The column that tells rows apart when a case has several (by default the case column).
    row: str | None = None
    #: Whether rows may hold nothing sealed (NULL, or JSON null): those are passed over.
    optional: bool = False

    @property
    def audience(self) -> str:
        return self.model.audience

    @property
    def models(self) -> tuple[type[SealedDocument], ...]:
        return (self.model, *self.also)

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column}"


@dataclass
class ResealCount:
    resealed: int = 0
    current: int = 0
    failed: int = 0


async def reseal_column(
    sessionmaker: async_sessionmaker[AsyncSession],
    ring: KeyRing,
    target: SealedColumn,
    tenant: str,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> ResealCount:
    """Re-seal every document of ``tenant`` in ``target`` that is not sealed to the current key in
    the current format. One transaction per batch; a row changed meanwhile is left as it is."""
    table = target.table
    case_column, sealed_column = table.c[target.case], table.c[target.column]
    row_column = table.c[target.row or target.case]
    tenant_column = table.c[target.tenant] if isinstance(target.tenant, str) else target.tenant
    count = ResealCount()
    after: Any = None
    while True:
        query = select(row_column, case_column, sealed_column).where(tenant_column == tenant).order_by(row_column)
        if tenant_column.table is not table:
            query = query.join_from(table, tenant_column.table)
        if after is not None:
            query = query.where(row_column > after)
        if target.optional:
            query = query.where(func.jsonb_typeof(sealed_column) == "object")
        async with sessionmaker() as session, session.begin():
            rows = (await session.execute(query.limit(batch_size))).all()
            for row, case, stored in rows:
                try:
                    sealed = SealedPayload.model_validate(stored)
                    if ring.is_current(sealed, tenant):
                        count.current += 1
                        continue
                    fresh = _resealed(ring, sealed, tenant, case, target.models)
                except (SealedPayloadError, MissingKey, ValidationError) as error:
                    # The message names key and problem, never the plaintext.
                    log.warning("%s of case %s not re-sealed: %s", target.name, case, _reason(error))
                    count.failed += 1
                    continue
                changed = await session.execute(
                    update(table)
                    .where(row_column == row, sealed_column == stored)
                    .values({target.column: fresh.model_dump(mode="json")})
                )
                count.resealed += int(getattr(changed, "rowcount", 0) or 0)
        if len(rows) < batch_size:
            return count
        after = rows[-1][0]


def _resealed(
    ring: KeyRing, sealed: SealedPayload, tenant: str, case: Any, models: tuple[type[SealedDocument], ...]
) -> SealedPayload:
    """Re-sealed as whichever of ``models`` it is (the last refusal if none)."""
    refused: SealedPayloadError | None = None
    for model in models:
        try:
            return ring.reseal(sealed, tenant=tenant, case=case, model=model)
        except SealedPayloadError as error:
            refused = error
    assert refused is not None
    raise refused


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return f"stored value is not a sealed payload ({error.error_count()} problem(s))"
    return str(error)


async def _reseal(settings: ServiceSettings, targets: tuple[SealedColumn, ...], arguments: argparse.Namespace) -> int:
    audiences = entitled_audiences(settings.service, {t.audience for t in targets})
    ring = KeyRing.load(settings.key_dir, settings.keys_json, audiences)
    engine = create_engine(settings.database_url, pool_size=1)
    failed = 0
    try:
        sessionmaker = create_sessionmaker(engine)
        for tenant in arguments.tenant:
            for target in targets:
                count = await reseal_column(sessionmaker, ring, target, tenant, batch_size=arguments.batch_size)
                failed += count.failed
                print(
                    f"{settings.service} {tenant} {target.name}: {count.resealed} disegel ulang / re-sealed, "
                    f"{count.current} sudah dengan kunci terbaru / already current, {count.failed} gagal / failed",
                    flush=True,
                )
    finally:
        await engine.dispose()
    return 1 if failed else 0


def reseal_command(
    *targets: SealedColumn,
) -> Callable[[argparse.ArgumentParser], Callable[[ServiceSettings, argparse.Namespace], int]]:
    """The service's ``reseal`` command (an ``ExtraCommand`` of :class:`wbs_runtime.cli.ServiceProgram`)."""

    def configure(parser: argparse.ArgumentParser) -> Callable[[ServiceSettings, argparse.Namespace], int]:
        parser.add_argument(
            "--tenant", required=True, action="append", help="instansi / tenant (may be given more than once)"
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="rows per transaction")

        def command(settings: ServiceSettings, arguments: argparse.Namespace) -> int:
            return asyncio.run(_reseal(settings, targets, arguments))

        return command

    return configure
