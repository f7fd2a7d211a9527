"""Directory against the real PostgreSQL and broker: tenants imported, versioned, and announced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from tests.support.infrastructure import Infrastructure
from tests.support.kafka import read_until
from tests.support.services import migrated_database, running, settings_for
from tests.support.tenants import demo_documents
from wbs_contracts.registry import TENANT_CONFIGURED
from wbs_contracts.wire import decode
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork, metadata
from wbs_directory.domain.tenant import InvalidTenant
from wbs_directory.entrypoint import PROGRAM, DirectorySettings, build
from wbs_directory.usecases import import_tenants
from wbs_runtime.service import ServiceRuntime

pytestmark = pytest.mark.integration


def announced_on(directory: ServiceRuntime[SqlDirectoryUnitOfWork]) -> str:
    return directory.topics(TENANT_CONFIGURED.topic)


def clock() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
async def directory(
    infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceRuntime[SqlDirectoryUnitOfWork]]:
    url = await migrated_database(infra, "directory", PROGRAM.migrations, metadata, label="_tenants")
    # Topics of its own too: other directory tests announce their tenants on the session's topics.
    runtime = build(
        settings_for(
            DirectorySettings,
            infra,
            url,
            tmp_path_factory.mktemp("keys"),
            kafka_topic_prefix=f"{infra.namespace}.tenants.",
        )
    )
    async with running(runtime):
        yield runtime


async def test_the_directory_is_imported_once_and_every_tenant_announced_on_its_compacted_key(
    directory: ServiceRuntime[SqlDirectoryUnitOfWork], infra: Infrastructure
) -> None:
    documents = list(demo_documents().values())
    first = await import_tenants(documents, directory.unit_of_work(), clock=clock, actor="test")
    assert sorted(first.created) == sorted(d.id for d in documents)
    again = await import_tenants(documents, directory.unit_of_work(), clock=clock, actor="test")
    assert again.created == again.changed == []
    assert sorted(again.unchanged) == sorted(d.id for d in documents)

    records = await read_until(infra.bootstrap_servers, announced_on(directory), lambda r: len(r) >= len(documents))
    announced = {record.key.decode(): decode(record.headers, record.value) for record in records}
    assert set(announced) == {d.id for d in documents}
    assert len(records) == len(documents)  # an unchanged import announces nothing
    child = announced["bps-3603"].data
    assert child.ancestors == ("bps", "bps-3600")
    assert child.policy_version == 1
    assert announced["bps-3603"].subject == "bps-3603"


async def test_a_change_is_a_new_version_and_moving_a_parent_republishes_its_children(
    directory: ServiceRuntime[SqlDirectoryUnitOfWork], infra: Infrastructure
) -> None:
    documents = demo_documents()
    await import_tenants(list(documents.values()), directory.unit_of_work(), clock=clock, actor="test")
    # BPS Provinsi Banten moves under a new regional office: its satker's ancestors change.
    region = documents["bps"].model_copy(
        update={"id": "bps-regional-barat", "name": "BPS Regional Barat", "parent": "bps"}
    )
    moved = documents["bps-3600"].model_copy(update={"parent": "bps-regional-barat"})
    result = await import_tenants([region, moved], directory.unit_of_work(), clock=clock, actor="test")
    assert result.created == ["bps-regional-barat"]
    assert result.changed == ["bps-3600"]
    assert result.republished == ["bps-3603", "bps-3674"]

    async with directory.unit_of_work() as uow:
        history = await uow.tenants.history("bps-3600")
        trail = await uow.audit.history("bps-3600", "tenant", "bps-3600")
    assert [v.version for v in history] == [1, 2]
    assert history[0].document.parent == "bps"
    # Every change of policy is on the tenant's audit chain, with who made it and which version.
    assert [(e.action, e.actor, dict(e.details)) for e in trail] == [
        ("tenant.created", "test", {"version": "1"}),
        ("tenant.policy-changed", "test", {"version": "2"}),
    ]

    def moved_children(records: list) -> bool:  # type: ignore[type-arg]
        latest = {r.key.decode(): decode(r.headers, r.value).data for r in records}
        return latest.get("bps-3674") is not None and latest["bps-3674"].ancestors[1:2] == ("bps-regional-barat",)

    await read_until(infra.bootstrap_servers, announced_on(directory), moved_children)


async def test_an_import_that_breaks_the_hierarchy_changes_nothing(
    directory: ServiceRuntime[SqlDirectoryUnitOfWork],
) -> None:
    documents = demo_documents()
    await import_tenants(list(documents.values()), directory.unit_of_work(), clock=clock, actor="test")
    async with directory.unit_of_work() as uow:
        before = {t: s.version for t, s in (await uow.tenants.all()).items()}
    renamed = documents["bps-1700"].model_copy(update={"name": "BPS Bengkulu (baru)"})
    orphan = documents["bps-3603"].model_copy(update={"parent": "bps-9999"})
    with pytest.raises(InvalidTenant, match="bps-9999"):
        await import_tenants([renamed, orphan], directory.unit_of_work(), clock=clock, actor="test")
    async with directory.unit_of_work() as uow:
        after = await uow.tenants.all()
    assert {t: s.version for t, s in after.items()} == before
    assert after["bps-1700"].document.name == "BPS Provinsi Bengkulu"
