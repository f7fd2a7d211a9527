"""What an agency's dossier is made of, gathered from what the case file holds.

One seam for the steps of the audit that feed the dossier:

- the terlapor: from the report the telaah handed over (``case_files.sealed``, ReportSubstanceV1,
  opened with case-substance), when triage sent it;
- the findings: the auditors' summary of findings (``AuditFindingsV1``), kept with the result the
  final report issued (the audit step);
- the exposé's conclusion: ``EksposeConclusionV1`` kept on the case file when the exposé concluded
  (the ekspose step), as one paragraph in the body's zone.

Where a source is not there (a case file brought to its final report some other way), the dossier
says what the case file holds in words (result, loss, final report) and leaves the exposé's summary
empty. Nothing here comes from the reporter's identity or contact, which investigation never holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from wbs_contracts.events.intake import ReportedOfficial, ReportSubstanceV1
from wbs_investigation.domain.audit_result import AuditFindingsV1
from wbs_investigation.domain.case_file import CaseFile
from wbs_investigation.domain.ekspose import EksposeConclusionV1
from wbs_investigation.ports import EscalationUnitOfWork, Keys


@dataclass(frozen=True)
class DossierSources:
    terlapor: tuple[ReportedOfficial, ...] = ()
    #: None: the audit's summary of findings is not available; the case file's words stand alone.
    findings: str | None = None
    ekspose_summary: str = ""


async def dossier_sources(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys, zone: ZoneInfo) -> DossierSources:
    return DossierSources(
        terlapor=await terlapor_of(case_file, uow, keys),
        findings=await audit_findings(case_file, uow, keys),
        ekspose_summary=await ekspose_summary(case_file, uow, keys, zone),
    )


async def terlapor_of(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys) -> tuple[ReportedOfficial, ...]:
    """The terlapor rows of the report the telaah handed to the audit (none when it sent no report)."""
    _, report = await uow.case_files.sealed(case_file.case_id)
    if report is None:
        return ()
    substance = keys.open(report, tenant=case_file.tenant, case=case_file.case_id, model=ReportSubstanceV1)
    return substance.terlapor


async def audit_findings(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys) -> str | None:
    """The summary of findings recorded with the result the newest final report issued (after a
    revision, the revised result's); without a final report on record, the result in force (the
    newest). None when the audit recorded no result here."""
    results = await uow.audit_results.results(case_file.case_id)
    if not results:
        return None
    reports = await uow.audit_results.reports(case_file.case_id)
    reported = next((r for r in results if reports and r.id == reports[0].result_id), results[0])
    opened = keys.open(reported.sealed_findings, tenant=case_file.tenant, case=case_file.case_id, model=AuditFindingsV1)
    return opened.summary


async def ekspose_summary(case_file: CaseFile, uow: EscalationUnitOfWork, keys: Keys, zone: ZoneInfo) -> str:
    """The conclusion of the exposé the hand-over rests on (``case_file.sealed_ekspose_conclusion``),
    in one paragraph with its date in the body's zone; empty when none is kept."""
    sealed = await uow.eksposes.case_conclusion(case_file.case_id)
    if sealed is None:
        return ""
    conclusion = keys.open(sealed, tenant=case_file.tenant, case=case_file.case_id, model=EksposeConclusionV1)
    return conclusion.summary(zone)
