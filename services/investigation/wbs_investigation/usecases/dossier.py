"""What an agency's dossier is made of, gathered from what the case file holds.

One seam for the steps of the audit that feed the dossier:

- the terlapor: from the report the telaah handed over (``case_files.sealed``, ReportSubstanceV1,
  opened with case-substance), when triage sent it;
- the findings: the audit's own summary of findings, kept with its result (the audit step);
- the exposé's conclusion: ``EksposeConclusionV1`` kept on the case file (the ekspose step).

Where a source is not there, the dossier says what the case file holds in words (result, loss,
final report) and leaves the exposé's summary empty. Nothing here comes from the reporter's
identity or contact, which investigation never holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from wbs_contracts.events.intake import ReportedOfficial, ReportSubstanceV1
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.ports import EscalationUnitOfWork, Keys


@dataclass(frozen=True)
class DossierSources:
    terlapor: tuple[ReportedOfficial, ...] = ()
    #: None: the audit's summary of findings is not available; the case file's words are used.
    findings: str | None = None
    ekspose_summary: str = ""


async def dossier_sources(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys) -> DossierSources:
    return DossierSources(
        terlapor=await terlapor_of(case_file, uow, keys),
        findings=await audit_findings(case_file, uow, keys),
        ekspose_summary=await ekspose_summary(case_file, uow, keys),
    )


async def terlapor_of(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys) -> tuple[ReportedOfficial, ...]:
    """The terlapor rows of the report the telaah handed to the audit (none when it sent no report)."""
    _, report = await uow.case_files.sealed(case_file.case_id)
    if report is None:
        return ()
    substance = keys.open(report, tenant=case_file.tenant, case=case_file.case_id, model=ReportSubstanceV1)
    return substance.terlapor


async def audit_findings(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys) -> str | None:
    """The summary of findings the audit recorded with its result. The audit step keeps it; until it
    offers it here, None (the dossier then states the result, loss and final report in words)."""
    return None


async def ekspose_summary(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys) -> str:
    """The exposé's conclusion (``case_file.sealed_ekspose_conclusion``, EksposeConclusionV1, kept by
    the ekspose step). Until that step offers it here, empty."""
    return ""
