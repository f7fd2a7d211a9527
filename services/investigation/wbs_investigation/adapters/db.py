"""Investigation's table: the case register."""

from __future__ import annotations

from sqlalchemy import Column, Date, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import insert

from wbs_investigation.domain.case_file import CaseFile
from wbs_runtime.unit_of_work import Repository, UnitOfWork

metadata = MetaData()

case_file_table = Table(
    "case_file",
    metadata,
    Column("case_id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    Column("agenda_number", Text, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("status", Text, nullable=False),
)


#: Built once: building a statement per call costs more than executing it.
_OPEN = insert(case_file_table).on_conflict_do_nothing().returning(case_file_table.c.case_id)


class SqlCaseFiles(Repository):
    async def open(self, case_file: CaseFile) -> bool:
        result = await self._session.execute(
            _OPEN,
            {
                "case_id": case_file.case_id,
                "tenant_id": case_file.tenant,
                "agenda_number": case_file.agenda_number,
                "registered_on": case_file.registered_on,
                "status": case_file.status.value,
            },
        )
        return result.first() is not None


class SqlInvestigationUnitOfWork(UnitOfWork):
    case_files: SqlCaseFiles
