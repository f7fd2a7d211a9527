"""How a report is handled and how long each step may take, as the reporter reads it on a body's
page. The steps follow the regulations' procedure (pencatatan, penelaahan, audit investigasi,
rekomendasi); the durations come from the body's policy (its ``time_limits``), so two bodies
with different rules show different limits, and a step without a limit in the policy says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wbs_contracts.events.directory import TimeLimit
from wbs_intake.domain.wording import Wording

#: What a reporter's question waits for at most when the policy names no limit (the Kotak
#: Komunikasi's default).
DEFAULT_ANSWER_LIMIT = TimeLimit(working_days=5, basis="")


@dataclass(frozen=True)
class Step:
    title: Wording
    explanation: Wording
    #: How long the step may take; None: no fixed limit.
    duration: Wording | None
    #: Where the limit comes from (a Pasal, an SOP), in the policy's own words.
    basis: str = ""


def duration(limit: TimeLimit) -> Wording:
    if limit.working_days is not None:
        days = limit.working_days
        return Wording(f"paling lama {days} hari kerja", f"at most {days} working day{'s' if days != 1 else ''}")
    months = limit.months or 0
    return Wording(f"paling lama {months} bulan", f"at most {months} month{'s' if months != 1 else ''}")


#: The time-limit keys that mean a step of the procedure above.
_STEP_KEYS = frozenset(
    {"tindak-lanjut-tim", "telaah", "audit-investigasi", "tindak-lanjut-disiplin", "jawaban-pelapor"}
)


def _limit(limits: Mapping[str, TimeLimit], *keys: str) -> TimeLimit | None:
    return next((limits[key] for key in keys if key in limits), None)


def handling_steps(limits: Mapping[str, TimeLimit]) -> list[Step]:
    """The procedure as the reporter follows it, with the body's time limits where it has them."""
    telaah = _limit(limits, "tindak-lanjut-tim", "telaah")
    audit = _limit(limits, "audit-investigasi")
    discipline = _limit(limits, "tindak-lanjut-disiplin")
    answer = _limit(limits, "jawaban-pelapor") or DEFAULT_ANSWER_LIMIT
    steps = [
        Step(
            Wording("Laporan diterima", "Report received"),
            Wording(
                "Anda langsung mendapat nomor registrasi dan kode rahasia (atau memakai nama samaran dan kata sandi).",
                "You get a registration number and a secret at once (or use a pseudonym and password).",
            ),
            Wording("seketika", "at once"),
        ),
        Step(
            Wording("Pencatatan", "Registration"),
            Wording(
                "Laporan dicatat dalam agenda pengaduan instansi, dari saluran mana pun laporan datang.",
                "The report is entered in the body's register of complaints, whatever channel it came by.",
            ),
            Wording("dalam beberapa saat", "within moments"),
        ),
        Step(
            Wording("Penelaahan oleh tim", "Assessment by the team"),
            Wording(
                "Tim merumuskan pokok masalah, memeriksa kelengkapan bukti, dan memutuskan: tidak dilanjutkan, "
                "diteruskan ke instansi yang berwenang, atau dilanjutkan dengan audit investigasi.",
                "The team states the core problem, checks the evidence and decides: not pursued, forwarded to the "
                "body in charge, or pursued with an investigative audit.",
            ),
            duration(telaah) if telaah else None,
            telaah.basis if telaah else "",
        ),
        Step(
            Wording("Audit investigasi", "Investigative audit"),
            Wording(
                "Bila ada indikasi tindak pidana korupsi: tim audit mengumpulkan dan menguji bukti, lalu menyusun "
                "laporan hasil audit.",
                "When corruption is indicated: an audit team gathers and tests the evidence and writes its report.",
            ),
            duration(audit) if audit else None,
            audit.basis if audit else "",
        ),
        Step(
            Wording("Rekomendasi dan tindak lanjut", "Recommendation and follow-up"),
            Wording(
                "Hukuman disiplin, pengembalian kerugian negara, atau penyerahan kepada aparat penegak hukum atau KPK.",
                "Disciplinary measures, recovery of state losses, or handing the case to law enforcement or the KPK.",
            ),
            duration(discipline) if discipline else None,
            discipline.basis if discipline else "",
        ),
        Step(
            Wording("Jawaban atas pertanyaan Anda", "An answer to your question"),
            Wording(
                "Selama laporan ditangani, Anda dapat bertanya lewat Kotak Komunikasi; petugas wajib menjawab.",
                "While the report is handled you may ask through the message box; the officers must answer.",
            ),
            duration(answer),
            answer.basis,
        ),
    ]
    # A limit the policy holds that no step above names is still shown, under its own key.
    for key, limit in sorted(limits.items()):
        if key not in _STEP_KEYS:
            title = Wording(key.replace("-", " ").capitalize(), key.replace("-", " ").capitalize())
            steps.append(Step(title, Wording("", ""), duration(limit), limit.basis))
    return steps
