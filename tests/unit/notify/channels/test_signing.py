"""Notify's own signing, verified by the Standard Webhooks library; the body says nothing more."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from wbs_contracts.events.directory import NotificationSubject
from wbs_notify.domain import webhook

SECRET = webhook.secret_from(bytes(range(32)))
AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def body() -> bytes:
    return webhook.payload(
        subject=NotificationSubject.PELIMPAHAN, tenant="pemkab-lebak", link="https://wbs.test/perkara/x", at=AT
    )


def test_the_library_verifies_the_signature() -> None:
    msg_id = webhook.message_id("pelimpahan:e1:pemkab-lebak:webhook", uuid4())
    headers = webhook.signed_headers(SECRET, msg_id, datetime.now(UTC), body())
    verified = Webhook(SECRET).verify(body(), headers)
    assert verified["data"] == {"subject": "pelimpahan", "tenant": "pemkab-lebak", "link": "https://wbs.test/perkara/x"}
    assert headers["webhook-signature"].startswith("v1,")


def test_the_library_refuses_a_changed_body_or_another_secret() -> None:
    msg_id = webhook.message_id("k", uuid4())
    headers = webhook.signed_headers(SECRET, msg_id, datetime.now(UTC), body())
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body().replace(b"lebak", b"serang"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhook.secret_from(bytes(32))).verify(body(), headers)


def test_the_message_id_is_stable_per_endpoint_and_differs_between_endpoints() -> None:
    one, other = uuid4(), uuid4()
    assert webhook.message_id("k", one) == webhook.message_id("k", one)
    assert webhook.message_id("k", one) != webhook.message_id("k", other)
    assert webhook.message_id("k", one) != webhook.message_id("k2", one)


def test_the_body_carries_subject_tenant_and_link_only() -> None:
    document = json.loads(body())
    assert set(document) == {"type", "timestamp", "data"}
    assert set(document["data"]) == {"subject", "tenant", "link"}
    assert document["type"] == "wbs.notification.pelimpahan"


def test_a_secret_has_the_specs_length() -> None:
    with pytest.raises(ValueError, match="24 to 64 bytes"):
        webhook.secret_from(bytes(8))
    assert SECRET.startswith("whsec_")


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, webhook.Outcome.DELIVERED),
        (204, webhook.Outcome.DELIVERED),
        (301, webhook.Outcome.RETRY),
        (404, webhook.Outcome.RETRY),
        (410, webhook.Outcome.GONE),
        (500, webhook.Outcome.RETRY),
    ],
)
def test_what_an_answer_means(status: int, outcome: webhook.Outcome) -> None:
    assert webhook.outcome_of(status) is outcome
