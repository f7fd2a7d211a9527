"""Schema migrations with alembic, one database per service.

Every service database carries two branches: ``messaging`` (the outbox, inbox, dead letters and
audit trail, defined once here) and the service's own. ``upgrade`` applies the heads of both.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from wbs_runtime.audit import tables as _audit_tables  # noqa: F401  (declares its tables on messaging_metadata)
from wbs_runtime.db import async_url
from wbs_runtime.messaging.tables import messaging_metadata

SCRIPT_LOCATION = Path(__file__).resolve().parent / "alembic"


def alembic_config(database_url: str, versions: Path, metadata: MetaData) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", f"{SCRIPT_LOCATION / 'versions'}:{versions}")
    config.attributes["database_url"] = async_url(database_url)
    config.attributes["target_metadata"] = [messaging_metadata, metadata]
    return config


def upgrade(database_url: str, versions: Path, metadata: MetaData) -> None:
    """Bring the database to the newest schema. Blocking: call it outside the event loop."""
    command.upgrade(alembic_config(database_url, versions, metadata), "heads")


def revision(database_url: str, versions: Path, metadata: MetaData, message: str, branch: str) -> None:
    """Autogenerate a new revision of the service's branch from its table definitions."""
    command.revision(
        alembic_config(database_url, versions, metadata),
        message=message,
        autogenerate=True,
        head=f"{branch}@head",
        version_path=str(versions),
    )
