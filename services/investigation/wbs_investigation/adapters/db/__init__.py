"""Investigation's tables and repositories (one module per concept)."""

from __future__ import annotations

from wbs_investigation.adapters.db.case_files import SqlCaseFiles
from wbs_investigation.adapters.db.tables import case_file_table, metadata
from wbs_investigation.adapters.db.unit_of_work import SqlInvestigationUnitOfWork

__all__ = ["SqlCaseFiles", "SqlInvestigationUnitOfWork", "case_file_table", "metadata"]
