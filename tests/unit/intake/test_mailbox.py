"""The Kotak Komunikasi in intake, on fakes: what the reporter writes goes out sealed with the
reporter's copy kept, a question gets its due time from the policy and the tenant's calendar, an
officer's message is kept once, and the timeline says that an officer answered."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from tests.support.keys import key_rings
from tests.unit.intake.fakes import FakeConfigurations, FakeDigests, FakeHasher, FakeIntakeUnitOfWork
from tests.unit.intake.test_usecases import BENGKULU, submission
from wbs_contracts.envelope import Envelope
from wbs_contracts.events.directory import (
    Holiday,
    TenantConfiguredV1,
    TenantKind,
    TenantPolicy,
    TimeLimit,
    WorkingCalendar,
)
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
from wbs_intake.domain.mailbox import Direction, MailboxMessage, MessageRefused
from wbs_intake.domain.reporter_view import message_entries
from wbs_intake.usecases import (
    MessageDraft,
    UnknownReport,
    read_mailbox,
    record_officer_message,
    send_reporter_message,
    submit_report,
)
from wbs_runtime.crypto import KeyRing, SealedPayloadError

JAKARTA = ZoneInfo("Asia/Jakarta")
#: Friday 14 August 2026, 16:00 WIB; Monday the 17th is Hari Kemerdekaan.
FRIDAY = datetime(2026, 8, 14, 9, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar(
    holidays=(Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan"),),
    covers_from=date(2026, 1, 1),
    covers_until=date(2026, 12, 31),
)


class KotakUnitOfWork(FakeIntakeUnitOfWork):
    def __init__(self, *configurations: TenantConfiguredV1) -> None:
        super().__init__(BENGKULU)
        self.configurations = FakeConfigurations(*configurations)


def configuration(**limits: TimeLimit) -> TenantConfiguredV1:
    return TenantConfiguredV1(
        tenant_id="bps-1700",
        name="BPS Provinsi Bengkulu",
        kind=TenantKind.BODY,
        policy_version=1,
        policy=TenantPolicy(calendar=CALENDAR, time_limits=limits),
        changed_at=FRIDAY,
    )


async def reported(uow: KotakUnitOfWork, sealing: KeyRing) -> UUID:
    receipt = await submit_report(
        submission(),
        uow=uow,
        sealer=sealing,
        hasher=FakeHasher(),
        digests=FakeDigests(),
        clock=lambda: FRIDAY,
        correlation_id="req-0",
    )
    uow.outbox.events.clear()
    return receipt.report_id


async def write(
    uow: KotakUnitOfWork, sealing: KeyRing, report: UUID, kind: ReporterMessageKind, text: str, **more: Any
) -> MailboxMessage:
    return await send_reporter_message(
        report,
        MessageDraft(kind=kind, text=text, **more),
        uow=uow,
        sealer=sealing,
        clock=lambda: FRIDAY,
        zone=JAKARTA,
        correlation_id="req-1",
    )


def officer_message(
    case: UUID, sealing: KeyRing, text: str, *, kind: OfficerMessageKind = OfficerMessageKind.JAWABAN, **more: Any
) -> Envelope[Any]:
    data = OfficerMessageSentV1(
        case_id=case,
        message_id=more.pop("message_id", uuid4()),
        kind=kind,
        sent_at=more.pop("sent_at", datetime(2026, 8, 18, 3, 0, tzinfo=UTC)),
        body=sealing.seal("bps-1700", Audience.REPORTER_MAILBOX, MailboxMessageV1(text=text), case=case),
        **more,
    )
    return OFFICER_MESSAGE_SENT.envelope(
        data, tenant="bps-1700", subject=str(case), time=data.sent_at, correlation_id="req-2"
    )


async def test_a_question_goes_out_sealed_with_its_due_time_and_the_reporter_keeps_a_sealed_copy() -> None:
    sealing, opening = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration())
    report = await reported(uow, sealing)
    sent = await write(uow, sealing, report, ReporterMessageKind.PERTANYAAN, "Bagaimana perkembangan laporan saya?")

    # No jawaban-pelapor in the policy: 5 working days, past the weekend and Independence Day.
    assert sent.answer_due == datetime(2026, 8, 25, tzinfo=JAKARTA)
    [(spec, envelope)] = uow.outbox.events
    assert spec is REPORTER_MESSAGE_SENT
    event: ReporterMessageSentV1 = envelope.data
    assert (envelope.tenant, envelope.subject) == ("bps-1700", str(report))
    assert (event.message_id, event.kind, event.answer_due) == (
        sent.id,
        ReporterMessageKind.PERTANYAAN,
        sent.answer_due,
    )
    assert event.body.audience == Audience.CASE_SUBSTANCE
    assert "perkembangan" not in envelope.model_dump_json()
    opened = opening.open(event.body, tenant="bps-1700", case=report, model=ReporterMessageV1)
    assert opened.text == "Bagaimana perkembangan laporan saya?"
    [kept] = uow.messages.rows.values()
    assert (kept.direction, kept.sealed.audience) == (Direction.DARI_PELAPOR, Audience.REPORTER_MAILBOX)
    assert opening.open(kept.sealed, tenant="bps-1700", case=report, model=MailboxMessageV1).text == opened.text


async def test_the_policys_own_limit_decides_in_working_days_or_in_months() -> None:
    sealing, _ = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration(**{"jawaban-pelapor": TimeLimit(working_days=2)}))
    report = await reported(uow, sealing)
    question = await write(uow, sealing, report, ReporterMessageKind.PERTANYAAN, "Sudah sampai mana?")
    assert question.answer_due == datetime(2026, 8, 20, tzinfo=JAKARTA)  # Tuesday, Wednesday

    uow.configurations.rows["bps-1700"] = configuration(**{"jawaban-pelapor": TimeLimit(months=1)})
    later = await write(uow, sealing, report, ReporterMessageKind.PERTANYAAN, "Dan sekarang?")
    assert later.answer_due == datetime(2026, 9, 15, tzinfo=JAKARTA)


async def test_beyond_the_calendar_a_question_is_still_taken_counting_weekends_only() -> None:
    sealing, _ = key_rings("bps-1700")
    short = configuration().policy.model_copy(
        update={"calendar": CALENDAR.model_copy(update={"covers_until": FRIDAY.date()})}
    )
    uow = KotakUnitOfWork(configuration().model_copy(update={"policy": short}))
    report = await reported(uow, sealing)
    question = await write(uow, sealing, report, ReporterMessageKind.PERTANYAAN, "Ada kabar?")
    # The holiday on the 17th is beyond what the calendar covers: Monday counts.
    assert question.answer_due == datetime(2026, 8, 22, tzinfo=JAKARTA)


async def test_a_message_or_more_information_starts_no_clock() -> None:
    sealing, _ = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration())
    report = await reported(uow, sealing)
    for kind in (ReporterMessageKind.PESAN, ReporterMessageKind.INFORMASI_TAMBAHAN):
        sent = await write(uow, sealing, report, kind, "Saya ingat satu hal lagi.")
        assert sent.answer_due is None
    assert [e.data.answer_due for _, e in uow.outbox.events] == [None, None]


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (TEXT_LIMIT + 1)])
async def test_empty_or_overlong_text_is_refused_in_both_languages_and_nothing_is_sent(text: str) -> None:
    sealing, _ = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration())
    report = await reported(uow, sealing)
    with pytest.raises(MessageRefused) as refused:
        await write(uow, sealing, report, ReporterMessageKind.PESAN, text)
    assert refused.value.field == "text"
    assert refused.value.pesan != refused.value.message  # one in each language
    assert uow.outbox.events == []
    assert uow.messages.rows == {}


async def test_the_reporter_answers_only_an_officers_message_of_their_own_report() -> None:
    sealing, opening = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration())
    report = await reported(uow, sealing)
    own = await write(uow, sealing, report, ReporterMessageKind.PESAN, "Pesan pertama")
    uow.outbox.events.clear()
    for not_an_officers in (own.id, uuid4()):
        with pytest.raises(MessageRefused) as refused:
            await write(uow, sealing, report, ReporterMessageKind.PESAN, "Balasan", in_reply_to=not_an_officers)
        assert refused.value.field == "in_reply_to"
    asked = officer_message(report, sealing, "Mohon sebutkan ruangannya.", kind=OfficerMessageKind.PERMINTAAN_INFORMASI)
    await record_officer_message(opening)(asked, uow)
    reply = await write(
        uow, sealing, report, ReporterMessageKind.INFORMASI_TAMBAHAN, "Ruang 2", in_reply_to=asked.data.message_id
    )
    assert reply.in_reply_to == asked.data.message_id
    assert uow.outbox.events[-1][1].data.in_reply_to == asked.data.message_id


async def test_an_officers_message_is_kept_once_and_read_back_in_order_with_the_timeline() -> None:
    sealing, opening = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration())
    report = await reported(uow, sealing)
    question = await write(uow, sealing, report, ReporterMessageKind.PERTANYAAN, "Bagaimana perkembangannya?")
    answer = officer_message(report, sealing, "Laporan Anda sedang ditelaah.", in_reply_to=question.id)
    handle = record_officer_message(opening)
    await handle(answer, uow)
    await handle(answer, uow)  # delivered again
    await handle(answer.model_copy(update={"id": uuid4()}), uow)  # and again, as another event
    opened = await read_mailbox(report, uow=uow, opener=opening)
    assert [(o.message.direction, o.text) for o in opened] == [
        (Direction.DARI_PELAPOR, "Bagaimana perkembangannya?"),
        (Direction.DARI_PETUGAS, "Laporan Anda sedang ditelaah."),
    ]
    assert opened[1].message.in_reply_to == question.id
    [(about, entry)] = message_entries(o.message for o in opened)
    assert about == opened[1].message.id
    assert (entry.kind, entry.title("id"), entry.title("en")) == (
        "petugas-menjawab",
        "Petugas menjawab",
        "An officer answered",
    )


async def test_an_officers_message_for_an_unknown_report_or_that_does_not_open_is_refused() -> None:
    sealing, opening = key_rings("bps-1700")
    uow = KotakUnitOfWork(configuration())
    report = await reported(uow, sealing)
    handle = record_officer_message(opening)
    with pytest.raises(UnknownReport):
        await handle(officer_message(uuid4(), sealing, "Untuk siapa?"), uow)
    other_case = officer_message(uuid4(), sealing, "Dipindahkan")
    mine = officer_message(report, sealing, "x")
    # A ciphertext copied from another case into an event about this one.
    moved = mine.model_copy(update={"data": mine.data.model_copy(update={"body": other_case.data.body})})
    with pytest.raises(SealedPayloadError):
        await handle(moved, uow)
    assert uow.messages.rows == {}


def test_a_request_for_information_has_its_own_timeline_entry() -> None:
    message = MailboxMessage(
        id=uuid4(),
        report_id=uuid4(),
        direction=Direction.DARI_PETUGAS,
        kind=OfficerMessageKind.PERMINTAAN_INFORMASI.value,
        sent_at=FRIDAY,
        sealed=key_rings("bps-1700")[0].seal(
            "bps-1700", Audience.REPORTER_MAILBOX, MailboxMessageV1(text="?"), case=uuid4()
        ),
    )
    own = MailboxMessage(**{**message.__dict__, "id": uuid4(), "direction": Direction.DARI_PELAPOR, "kind": "pesan"})
    [(_, entry)] = message_entries([own, message])
    assert entry.title("id") == "Petugas meminta informasi tambahan"
    assert entry.kind == "petugas-meminta-informasi"
