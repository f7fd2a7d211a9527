"""The S3 blob store against a real S3 protocol server: moto's S3 service run as an HTTP server on
a free port by this module (``moto.server.ThreadedMotoServer``). It is an S3-compatible emulator,
not AWS: the requests, the multipart protocol and the errors are S3's, over the network, but
AWS's limits and consistency are not measured here.

Each test gets its own key prefix, so what it lists is only what it made.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiobotocore.session import get_session
from moto.server import ThreadedMotoServer

from wbs_runtime.blobs import BlobNotFound, InvalidBlobName, blob_store, decrypt, encrypt, new_file_key
from wbs_runtime.blobs.s3 import MIN_PART_BYTES, READ_CHUNK, S3BlobStore
from wbs_runtime.settings import S3Location
from wbs_triage.entrypoint import TriageSettings

BUCKET = "wbs-bukti"
REGION = "ap-southeast-3"  # Jakarta


class UploadFailed(RuntimeError):
    """What the chunks raise in the middle of a blob (a limit reached, the client gone)."""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as environment:
        # The store takes credentials from the standard AWS chain, as it does when deployed.
        environment.setenv("AWS_ACCESS_KEY_ID", "wbs-test")
        environment.setenv("AWS_SECRET_ACCESS_KEY", "wbs-test-secret")
        environment.setenv("AWS_CONFIG_FILE", os.devnull)
        environment.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
async def s3(endpoint: str) -> AsyncIterator[Any]:
    """A client of its own, to look at the bucket behind the store's back."""
    async with get_session().create_client("s3", endpoint_url=endpoint, region_name=REGION) as client:
        buckets = await client.list_buckets()
        if BUCKET not in [bucket["Name"] for bucket in buckets["Buckets"]]:
            await client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client


@pytest.fixture
async def location(s3: Any, endpoint: str) -> S3Location:
    return S3Location(
        bucket=BUCKET,
        prefix=f"test-{secrets.token_hex(4)}/",
        endpoint_url=endpoint,
        region=REGION,
        addressing_style="path",
    )


@pytest.fixture
async def store(location: S3Location) -> AsyncIterator[S3BlobStore]:
    blobs = S3BlobStore(location, part_bytes=MIN_PART_BYTES)
    yield blobs
    await blobs.aclose()


async def keys(s3: Any, location: S3Location) -> list[str]:
    listed = await s3.list_objects_v2(Bucket=location.bucket, Prefix=location.prefix)
    return [entry["Key"] for entry in listed.get("Contents", [])]


async def open_uploads(s3: Any, location: S3Location) -> list[str]:
    listed = await s3.list_multipart_uploads(Bucket=location.bucket, Prefix=location.prefix)
    return [upload["Key"] for upload in listed.get("Uploads", [])]


async def pieces(data: bytes, size: int = 100_000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_a_blob_of_several_parts_round_trips_byte_for_byte_as_a_stream(
    store: S3BlobStore, s3: Any, location: S3Location
) -> None:
    data = os.urandom(2 * MIN_PART_BYTES + 123_457)  # three parts, the last a short one
    seen_while_sending: list[list[str]] = []

    async def chunks() -> AsyncIterator[bytes]:
        async for chunk in pieces(data):
            yield chunk
        seen_while_sending.append(await open_uploads(s3, location))

    assert await store.put("evidence/besar", chunks()) == len(data)
    # Parts went up while the chunks were still coming: the upload was open before the last one.
    assert seen_while_sending == [[location.prefix + "evidence/besar"]]
    head = await s3.head_object(Bucket=location.bucket, Key=location.prefix + "evidence/besar")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-3")  # S3's mark of a three-part upload
    assert await open_uploads(s3, location) == []

    read = [chunk async for chunk in store.open("evidence/besar")]
    assert len(read) > 1
    assert max(len(chunk) for chunk in read) <= READ_CHUNK
    assert b"".join(read) == data


async def test_a_small_blob_goes_as_one_object(store: S3BlobStore, s3: Any, location: S3Location) -> None:
    assert await store.put("evidence/kecil", pieces(b"bukti kecil")) == len(b"bukti kecil")
    assert await store.put("evidence/kosong", pieces(b"")) == 0
    head = await s3.head_object(Bucket=location.bucket, Key=location.prefix + "evidence/kecil")
    assert "-" not in head["ETag"]
    assert b"".join([chunk async for chunk in store.open("evidence/kecil")]) == b"bukti kecil"
    assert [chunk async for chunk in store.open("evidence/kosong")] == []


@pytest.mark.parametrize("fail_after", [MIN_PART_BYTES // 2, 2 * MIN_PART_BYTES + 1])
async def test_chunks_that_fail_leave_no_object_and_no_open_upload(
    store: S3BlobStore, s3: Any, location: S3Location, fail_after: int
) -> None:
    uploads_before_failing: list[list[str]] = []

    async def chunks() -> AsyncIterator[bytes]:
        sent = 0
        while sent < fail_after:
            yield os.urandom(100_000)
            sent += 100_000
        uploads_before_failing.append(await open_uploads(s3, location))
        raise UploadFailed("batas ukuran / size limit")

    with pytest.raises(UploadFailed):
        await store.put("evidence/gagal", chunks())
    # Beyond one part, an upload was open when the chunks failed: the store aborted it.
    expected = [location.prefix + "evidence/gagal"] if fail_after > MIN_PART_BYTES else []
    assert uploads_before_failing == [expected]
    assert await open_uploads(s3, location) == []
    assert await keys(s3, location) == []
    assert not await store.exists("evidence/gagal")


async def test_a_missing_blob_is_not_found_on_the_first_read(store: S3BlobStore) -> None:
    chunks = store.open("evidence/tidak-ada")
    with pytest.raises(BlobNotFound):
        await anext(chunks)


async def test_delete_and_exists(store: S3BlobStore, s3: Any, location: S3Location) -> None:
    assert not await store.exists("evidence/hapus")
    await store.put("evidence/hapus", pieces(b"isi"))
    assert await store.exists("evidence/hapus")
    assert await keys(s3, location) == [location.prefix + "evidence/hapus"]
    await store.delete("evidence/hapus")
    assert not await store.exists("evidence/hapus")
    await store.delete("evidence/hapus")  # missing is not an error
    assert await keys(s3, location) == []


@pytest.mark.parametrize("name", ["", "../rahasia", "/etc/passwd", "evidence/../x", "Evidence/A", "a//b", "a/"])
async def test_names_outside_the_rule_are_refused(store: S3BlobStore, s3: Any, location: S3Location, name: str) -> None:
    with pytest.raises(InvalidBlobName):
        await store.put(name, pieces(b"x"))
    with pytest.raises(InvalidBlobName):
        await anext(store.open(name))
    with pytest.raises(InvalidBlobName):
        await store.delete(name)
    with pytest.raises(InvalidBlobName):
        await store.exists(name)
    assert await keys(s3, location) == []


async def test_encrypted_evidence_round_trips_through_s3(store: S3BlobStore, s3: Any, location: S3Location) -> None:
    """The evidence path end to end: encrypt -> put -> open -> decrypt, past one part."""
    key = new_file_key()
    plaintext = os.urandom(MIN_PART_BYTES + 70_001)
    size = await store.put("evidence/rahasia", encrypt(pieces(plaintext, 65_000), key))
    assert size > len(plaintext)
    stored = await s3.get_object(Bucket=location.bucket, Key=location.prefix + "evidence/rahasia")
    async with stored["Body"] as body:
        head = await body.read(1 << 16)
    assert plaintext[:64] not in head  # ciphertext only
    assert b"".join([chunk async for chunk in decrypt(store.open("evidence/rahasia"), key)]) == plaintext


async def test_the_store_the_settings_name_keeps_blobs_under_the_prefix(
    endpoint: str, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = f"settings-{secrets.token_hex(4)}"
    monkeypatch.setenv("WBS_BLOB_URL", f"s3://{BUCKET}/{prefix}/bukti")
    monkeypatch.setenv("WBS_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("WBS_S3_REGION", REGION)
    blobs = blob_store(TriageSettings())
    assert isinstance(blobs, S3BlobStore)
    try:
        await blobs.put("evidence/satu", pieces(b"satu"))
        await blobs.aclose()  # as at shutdown; a later use opens a new client
        assert b"".join([chunk async for chunk in blobs.open("evidence/satu")]) == b"satu"
    finally:
        await blobs.aclose()
    listed = await s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
    assert [entry["Key"] for entry in listed["Contents"]] == [f"{prefix}/bukti/evidence/satu"]
