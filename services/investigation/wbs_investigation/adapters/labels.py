"""Words the investigation pages share, so one result reads the same on every page."""

from __future__ import annotations

from wbs_contracts.events.investigation import AuditResult
from wbs_investigation.domain.messages import N_

#: The audit's result, as the audit, recommendation and escalation pages name it.
RESULT_LABELS = {
    AuditResult.TPK.value: N_("Berindikasi tindak pidana korupsi (TPK)"),
    AuditResult.PELANGGARAN_ADMINISTRATIF.value: N_("Pelanggaran administratif saja"),
    AuditResult.TIDAK_ADA_PENYIMPANGAN.value: N_("Tidak ada penyimpangan"),
}
