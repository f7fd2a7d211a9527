"""The officers' side of the Kotak Komunikasi, on fakes: a reporter's message is kept sealed once
with its due time; officers of the case's tenant read it opened, each reading on the trail; an
answer goes to the reporter sealed to reporter-mailbox, with triage's own copy it can open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.support.keys import key_rings
from tests.unit.triage.test_reading import NOW, READER, registered
from tests.unit.triage.test_register_case import FakeTriage
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.intake import (
    TEXT_LIMIT,
    MailboxMessageV1,
    ReporterMessageKind,
    ReporterMessageSentV1,
    ReporterMessageV1,
)
from wbs_contracts.events.triage import OfficerMessageKind, OfficerMessageSentV1
from wbs_contracts.registry import OFFICER_MESSAGE_SENT, REPORTER_MESSAGE_SENT
from wbs_contracts.sealed import Audience
from wbs_runtime.crypto import KeyRing, MissingKey, SealedPayloadError
from wbs_triage.domain.messages import Author, MessageRefused
from wbs_triage.usecases import OfficerDraft, read_messages, record_reporter_message, send_officer_message

pytestmark = pytest.mark.unit
DUE = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def reporter_message(
    case: UUID, sealing: KeyRing, text: str, *, kind: ReporterMessageKind = ReporterMessageKind.PERTANYAAN, **more: Any
) -> Envelope[Any]:
    data = ReporterMessageSentV1(
        report_id=case,
        message_id=uuid4(),
        kind=kind,
        sent_at=more.pop("sent_at", NOW + timedelta(minutes=5)),
        body=sealing.seal("bps-1700", Audience.CASE_SUBSTANCE, ReporterMessageV1(text=text), case=case),
        answer_due=DUE if kind is ReporterMessageKind.PERTANYAAN else None,
        **more,
    )
    return REPORTER_MESSAGE_SENT.envelope(
        data, tenant="bps-1700", subject=str(case), time=data.sent_at, correlation_id="req-1"
    )


async def test_a_question_is_kept_sealed_once_and_an_officer_reads_it_with_its_due_time() -> None:
    sealing, opening = key_rings("bps-1700")
    triage = FakeTriage()
    case = await registered(triage)
    question = reporter_message(case, sealing, "Bagaimana perkembangannya?")
    handle = record_reporter_message(opening)
    await handle(question, triage)
    await handle(question.model_copy(update={"id": uuid4()}), triage)  # delivered again as another event
    [kept] = triage.messages.rows.values()
    assert (kept.author, kept.answer_due, kept.sealed.audience) == (Author.PELAPOR, DUE, Audience.CASE_SUBSTANCE)

    opened = await read_messages("bps-1700", case, READER, uow=triage, keys=opening)
    assert opened is not None
    [(message, text, answered_by)] = [(o.message, o.text, o.answered_by) for o in opened]
    assert (message.kind, text, message.answer_due, answered_by) == (
        "pertanyaan",
        "Bagaimana perkembangannya?",
        DUE,
        None,
    )
    assert triage.audit.actions("bps-1700") == [("case.messages-read", str(case))]


async def test_a_reporters_message_that_does_not_open_is_refused_and_not_kept() -> None:
    sealing, opening = key_rings("bps-1700")
    triage = FakeTriage()
    case = await registered(triage)
    moved = reporter_message(uuid4(), sealing, "Dari perkara lain")
    tampered = moved.model_copy(update={"data": moved.data.model_copy(update={"report_id": case})})
    with pytest.raises(SealedPayloadError):
        await record_reporter_message(opening)(tampered, triage)
    with pytest.raises(MissingKey):  # a service that holds no case-substance key cannot keep it
        await record_reporter_message(sealing)(reporter_message(case, sealing, "?"), triage)
    assert triage.messages.rows == {}


async def test_an_officer_answers_sealed_to_the_reporters_mailbox_and_reads_the_conversation() -> None:
    sealing, opening = key_rings("bps-1700")
    triage = FakeTriage()
    case = await registered(triage)
    question = reporter_message(case, sealing, "Sudah sampai mana?")
    await record_reporter_message(opening)(question, triage)
    answer = OfficerDraft(OfficerMessageKind.JAWABAN, "Laporan Anda sedang ditelaah.", question.data.message_id)

    sent = await send_officer_message("bps-1700", case, answer, READER, uow=triage, keys=sealing, clock=lambda: DUE)
    assert sent is not None
    [(_, envelope)] = [e for e in triage.events if e[0] is OFFICER_MESSAGE_SENT]
    event: OfficerMessageSentV1 = envelope.data
    assert (envelope.tenant, envelope.subject, event.message_id) == ("bps-1700", str(case), sent.id)
    assert (event.kind, event.in_reply_to) == (OfficerMessageKind.JAWABAN, question.data.message_id)
    assert event.body.audience == Audience.REPORTER_MAILBOX
    mailbox = opening.open(event.body, tenant="bps-1700", case=case, model=MailboxMessageV1)
    assert mailbox.text == "Laporan Anda sedang ditelaah."
    assert "ditelaah" not in envelope.model_dump_json()
    assert [a for a, _ in triage.audit.actions("bps-1700")] == ["case.message-sent"]
    assert "ditelaah" not in str(triage.audit.chains["bps-1700"][-1].details)

    opened = await read_messages("bps-1700", case, READER, uow=triage, keys=opening)
    assert opened is not None
    assert [(o.message.author, o.text) for o in opened] == [
        (Author.PELAPOR, "Sudah sampai mana?"),
        (Author.PETUGAS, "Laporan Anda sedang ditelaah."),
    ]
    assert opened[0].answered_by == sent.id


async def test_an_officer_answers_only_the_reporters_messages_of_this_case_with_some_text() -> None:
    sealing, opening = key_rings("bps-1700")
    triage = FakeTriage()
    case = await registered(triage)
    other = await registered(triage)
    elsewhere = reporter_message(other, sealing, "Perkara lain")
    await record_reporter_message(opening)(elsewhere, triage)
    for draft in (
        OfficerDraft(OfficerMessageKind.JAWABAN, "Jawaban", elsewhere.data.message_id),
        OfficerDraft(OfficerMessageKind.JAWABAN, "  "),
        OfficerDraft(OfficerMessageKind.PERMINTAAN_INFORMASI, "x" * (TEXT_LIMIT + 1)),
    ):
        with pytest.raises(MessageRefused):
            await send_officer_message("bps-1700", case, draft, READER, uow=triage, keys=sealing, clock=lambda: NOW)
    assert [e for e in triage.events if e[0] is OFFICER_MESSAGE_SENT] == []


async def test_a_case_of_another_tenant_shows_and_takes_nothing_and_nothing_is_recorded() -> None:
    sealing, opening = key_rings("bps-1700", "bps-3603")
    triage = FakeTriage()
    case = await registered(triage, "bps-3603")
    draft = OfficerDraft(OfficerMessageKind.JAWABAN, "Jawaban")
    assert await read_messages("bps-1700", case, READER, uow=triage, keys=opening) is None
    assert (
        await send_officer_message("bps-1700", case, draft, READER, uow=triage, keys=sealing, clock=lambda: NOW) is None
    )
    assert triage.audit.actions("bps-1700") == triage.audit.actions("bps-3603") == []
