"""Tenants' configurations for tests, built from the demonstration's documents by directory's own
domain, and published the way directory publishes them."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from tests.support.infrastructure import Infrastructure
from tests.support.publish import publish
from tests.support.services import topic
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import TenantConfiguredV1
from wbs_contracts.registry import TENANT_CONFIGURED
from wbs_directory.adapters.tenant_files import read_documents
from wbs_directory.domain.tenant import TenantDocument, configuration
from wbs_launcher.stack import DEMO_TENANTS
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.tenancy import AfterKept, keeper


@functools.cache
def demo_documents() -> dict[str, TenantDocument]:
    return {d.id: d for d in read_documents(DEMO_TENANTS)}


def demo_configuration(tenant_id: str, *, version: int = 1, **changes: Any) -> TenantConfiguredV1:
    """The demo tenant's configuration as directory would publish it, with ``changes`` to its document."""
    documents = demo_documents()
    document = documents[tenant_id].model_copy(update=changes)
    now = datetime.now(UTC)
    return configuration(
        document, version=version, documents={**documents, tenant_id: document}, today=now.date(), changed_at=now
    )


def tenant_configured(data: TenantConfiguredV1) -> Envelope[Any]:
    return TENANT_CONFIGURED.envelope(
        data, tenant=data.tenant_id, subject=data.tenant_id, time=datetime.now(UTC), correlation_id=str(uuid4())
    )


async def publish_tenant(infra: Infrastructure, data: TenantConfiguredV1) -> None:
    await publish(infra.bootstrap_servers, topic(infra, TENANT_CONFIGURED.topic), tenant_configured(data))


async def keep_in(runtime: ServiceRuntime[Any], data: TenantConfiguredV1, then: AfterKept | None = None) -> None:
    """Apply ``data`` to a service's local copy in-process, as its tenant-configured handler does."""
    async with runtime.unit_of_work() as uow:
        await keeper(then)(tenant_configured(data), uow)
        await uow.commit()
