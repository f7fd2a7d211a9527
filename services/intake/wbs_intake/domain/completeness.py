"""How complete a report is, by the elements the regulations ask for (4W1H, the loss, evidence).

A report without What, Where and When is still accepted (nobody is turned away), but it is flagged
for the officers and the reporter is told what would make it actionable (004 BAB II A.2.b.4).
"""

from __future__ import annotations

from wbs_contracts.events.intake import ReportCompleteness, ReportElement, ReportSubstanceV1


def assess(substance: ReportSubstanceV1, *, evidence_files: int = 0) -> ReportCompleteness:
    named = any(o.nama or o.nip or o.jabatan or o.unit_kerja for o in substance.terlapor)
    given = {
        ReportElement.WHAT: bool(substance.what.strip()),
        ReportElement.WHERE: bool(substance.where.strip()),
        ReportElement.WHEN: bool(substance.when.strip()),
        ReportElement.WHO: bool(substance.who.strip()) or named,
        ReportElement.HOW: bool(substance.how.strip()),
        ReportElement.AMOUNT: substance.amount_idr is not None,
        ReportElement.EVIDENCE: evidence_files > 0,
    }
    return ReportCompleteness(missing=tuple(element for element in ReportElement if not given[element]))
