"""The CloudEvents Kafka binding, binary mode: attributes in ce_* headers, data in the value."""

from __future__ import annotations

import json

import pytest

from tests.support.events import report_submitted
from wbs_contracts.registry import REPORT_SUBMITTED
from wbs_contracts.wire import MalformedEvent, decode, encode


def test_an_envelope_survives_the_trip_through_a_kafka_record() -> None:
    envelope = report_submitted()
    record = encode(envelope)
    headers = dict(record.headers)
    assert record.key == envelope.subject.encode()
    assert headers["ce_type"] == b"wbs.intake.report-submitted"
    assert headers["ce_schemaversion"] == b"1"
    assert headers["ce_tenant"] == b"bps-1700"
    assert headers["ce_source"] == b"/wbs/intake"
    assert headers["ce_dataschema"] == REPORT_SUBMITTED.dataschema.encode()
    assert headers["content-type"] == b"application/json"
    assert "ce_causationid" not in headers  # absent attributes are left out, not sent empty
    assert json.loads(record.value)["report_id"] == str(envelope.data.report_id)
    assert decode(record.headers, record.value) == envelope


def test_consumers_ignore_fields_they_do_not_know() -> None:
    record = encode(report_submitted())
    value = json.loads(record.value)
    value["added_in_a_later_minor_version"] = True
    assert decode(record.headers, json.dumps(value).encode()).data.category == "korupsi-gratifikasi"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, v: ([x for x in h if x[0] != "ce_id"], v), "missing CloudEvents headers: ce_id"),
        (lambda h, v: ([(k, b"9" if k == "ce_schemaversion" else x) for k, x in h], v), "unregistered event type"),
        (lambda h, v: ([(k, b"x" if k == "ce_schemaversion" else x) for k, x in h], v), "not an integer"),
        (lambda h, v: (h, b"[1, 2"), "does not match its schema"),
        (lambda h, v: (h, b'{"report_id": "not-a-uuid"}'), "does not match its schema"),
        (lambda h, v: ([(k, b"BAD TENANT" if k == "ce_tenant" else x) for k, x in h], v), "does not match"),
        (lambda h, v: (h, None), "no value"),
    ],
    ids=["no-id", "unknown-version", "bad-version", "bad-json", "bad-data", "bad-tenant", "no-value"],
)
def test_anything_else_is_malformed(mutate, reason: str) -> None:  # type: ignore[no-untyped-def]
    record = encode(report_submitted())
    headers, value = mutate(list(record.headers), record.value)
    with pytest.raises(MalformedEvent, match=reason):
        decode(headers, value)
