"""What investigation's use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol

from wbs_investigation.domain.case_file import CaseFile
from wbs_runtime.unit_of_work import Transactional


class CaseFiles(Protocol):
    async def open(self, case_file: CaseFile) -> bool:
        """False when the case file exists already."""
        ...


class InvestigationUnitOfWork(Transactional, Protocol):
    @property
    def case_files(self) -> CaseFiles: ...
