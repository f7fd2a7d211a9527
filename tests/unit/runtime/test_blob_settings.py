"""Where evidence blobs are kept: ``WBS_BLOB_URL`` (a directory or an S3-compatible bucket), else
``WBS_BLOB_DIR``; the store each names. No store is used here (an S3 store makes its client on
first use): the S3 store itself is tested against an S3 server in tests/integration/runtime.
And the services that keep evidence close their store when they stop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from wbs_intake.entrypoint import IntakeSettings
from wbs_intake.entrypoint import build as build_intake
from wbs_runtime.blobs import FilesystemBlobStore, blob_store
from wbs_runtime.blobs.s3 import MIN_PART_BYTES, S3BlobStore
from wbs_runtime.service import ServiceRuntime
from wbs_runtime.settings import BlobDirectory, S3Location
from wbs_triage.entrypoint import TriageSettings
from wbs_triage.entrypoint import build as build_triage


def test_without_a_url_the_blob_directory_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TriageSettings().blob_location() == BlobDirectory(Path("var/blobs"))
    monkeypatch.setenv("WBS_BLOB_DIR", "/var/lib/wbs/blobs")
    assert (
        IntakeSettings().blob_location()
        == TriageSettings().blob_location()
        == BlobDirectory(Path("/var/lib/wbs/blobs"))
    )
    store = blob_store(TriageSettings())
    assert isinstance(store, FilesystemBlobStore)
    assert store.root == Path("/var/lib/wbs/blobs")


def test_a_file_url_names_a_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBS_BLOB_DIR", "/ignored")
    monkeypatch.setenv("WBS_BLOB_URL", "file:///srv/wbs/bukti%20rahasia")
    assert TriageSettings().blob_location() == BlobDirectory(Path("/srv/wbs/bukti rahasia"))
    monkeypatch.setenv("WBS_BLOB_URL", "file://localhost/srv/wbs")
    assert TriageSettings().blob_location() == BlobDirectory(Path("/srv/wbs"))


def test_an_s3_url_names_a_bucket_and_a_prefix_with_the_s3_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBS_BLOB_URL", "s3://wbs-bukti/produksi/bps-1700/")
    monkeypatch.setenv("WBS_S3_ENDPOINT_URL", "https://s3.example.go.id")
    monkeypatch.setenv("WBS_S3_REGION", "ap-southeast-3")
    location = IntakeSettings().blob_location()
    assert location == S3Location(
        bucket="wbs-bukti",
        prefix="produksi/bps-1700/",
        endpoint_url="https://s3.example.go.id",
        region="ap-southeast-3",
        addressing_style="path",  # with an endpoint of its own, most S3-compatible servers need it
    )
    assert TriageSettings().blob_location() == location  # intake and triage share the setting
    store = blob_store(TriageSettings())
    assert isinstance(store, S3BlobStore)
    assert store.location == location


def test_aws_itself_needs_no_endpoint_and_the_addressing_style_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WBS_BLOB_URL", "s3://wbs.bukti")
    assert TriageSettings().blob_location() == S3Location(bucket="wbs.bukti", prefix="", addressing_style="auto")
    monkeypatch.setenv("WBS_S3_ENDPOINT_URL", "https://storage.example.id")
    monkeypatch.setenv("WBS_S3_ADDRESSING_STYLE", "virtual")
    location = TriageSettings().blob_location()
    assert isinstance(location, S3Location)
    assert location.addressing_style == "virtual"
    monkeypatch.setenv("WBS_S3_ADDRESSING_STYLE", "sideways")
    with pytest.raises(ValidationError):
        TriageSettings()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://storage.example.id/bukti", "file:///path or s3://bucket/prefix"),
        ("var/blobs", "file:///path or s3://bucket/prefix"),
        ("file:var/blobs", "absolute path"),
        ("file://server/share", "absolute path"),
        ("s3://AKIA:rahasia@wbs-bukti", "no credentials"),
        ("s3://wbs-bukti:9000", "no credentials or port"),
        ("s3://Bukti_WBS", "not an S3 bucket name"),
        ("s3://ab", "not an S3 bucket name"),
        ("s3://wbs..bukti", "not an S3 bucket name"),
        ("s3://", "not an S3 bucket name"),
        ("s3://wbs-bukti/a/../b", "not a key prefix"),
        ("s3://wbs-bukti/a b", "not a key prefix"),
        ("s3://wbs-bukti/prefix?versionId=1", "no query"),
    ],
)
def test_urls_that_name_no_place_are_refused_at_start(monkeypatch: pytest.MonkeyPatch, url: str, reason: str) -> None:
    monkeypatch.setenv("WBS_BLOB_URL", url)
    with pytest.raises(ValidationError, match=reason):
        TriageSettings()


def test_parts_smaller_than_s3_allows_are_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        S3BlobStore(S3Location(bucket="wbs-bukti"), part_bytes=MIN_PART_BYTES - 1)


@pytest.mark.parametrize("build", [build_intake, build_triage])
async def test_the_services_close_their_blob_store_when_they_stop(
    monkeypatch: pytest.MonkeyPatch, build: Callable[[Any], ServiceRuntime[Any]]
) -> None:
    closed: list[S3BlobStore] = []

    async def aclose(store: S3BlobStore) -> None:
        closed.append(store)

    monkeypatch.setattr(S3BlobStore, "aclose", aclose)
    blob_url = "s3://wbs-bukti/bukti"
    settings = (
        IntakeSettings(blob_url=blob_url, secret_pepper="lada-" * 8)
        if build is build_intake
        else TriageSettings(blob_url=blob_url)
    )
    runtime = build(settings)
    assert closed == []
    await runtime.stop()  # never started: stopping still closes what the service made
    assert len(closed) == 1
