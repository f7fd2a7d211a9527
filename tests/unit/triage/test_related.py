"""Related reports without plaintext: normalisation of the terms, the keyed MinHash signature and
its bands, and why a candidate is related."""

from __future__ import annotations

import uuid

from wbs_triage.domain.related import (
    BANDS,
    PERMUTATIONS,
    SIMILAR_ENOUGH,
    Candidate,
    Reason,
    RelatedKey,
    band_digests,
    index_entry,
    normalised_name,
    normalised_nip,
    normalised_unit,
    relations,
    shingles,
    similarity,
    terms_of,
)

KEY = RelatedKey(b"k" * 32)
REPORT = (
    "Kepala bagian keuangan Dinas Pendidikan meminta uang pelicin sebesar lima juta rupiah kepada setiap "
    "kepala sekolah agar dana BOS dicairkan tepat waktu. Uang diserahkan di ruang kerjanya pada bulan Maret."
)
#: The same matter told by another reporter: other words, another order.
REWORDED = (
    "Pada bulan Maret, di ruang kerjanya, setiap kepala sekolah diminta menyerahkan uang pelicin lima juta "
    "rupiah oleh kepala bagian keuangan Dinas Pendidikan supaya pencairan dana BOS tidak terlambat."
)
UNRELATED = (
    "Pengadaan mobil dinas di Sekretariat DPRD digelembungkan harganya oleh panitia lelang; rekanan yang "
    "menang adalah kerabat ketua panitia dan spesifikasi kendaraan tidak sesuai kontrak."
)


def test_a_nip_is_its_digits_and_too_short_a_number_names_no_one() -> None:
    assert normalised_nip("1980 0101 200501 1 001") == "198001012005011001"
    assert normalised_nip("19800101.200501.1.001") == "198001012005011001"
    assert normalised_nip("123") == ""
    assert normalised_nip("") == ""


def test_a_name_loses_titles_degrees_case_accents_and_order() -> None:
    assert normalised_name("Dr. Ir. Budi Santoso, S.E., M.Si.") == "budi santoso"
    assert normalised_name("SANTOSO, Budi") == "budi santoso"
    assert normalised_name("H. Ahmad Fauzi") == normalised_name("ahmad  fauzi")
    assert normalised_name("Désirée") == "desiree"
    assert normalised_name("Dr.") == ""


def test_a_unit_is_compared_without_case_or_punctuation() -> None:
    assert normalised_unit("Dinas Pendidikan,  Bidang SD") == normalised_unit("dinas pendidikan bidang sd")


def test_shingles_ignore_word_order_and_function_words() -> None:
    assert shingles("uang pelicin kepala sekolah") == shingles("kepala sekolah yang uang dan pelicin")
    assert shingles("yang dan di") == set()


def test_a_reworded_report_in_another_order_is_similar_and_an_unrelated_one_is_not() -> None:
    mine, reworded, unrelated = KEY.signature(REPORT, "t"), KEY.signature(REWORDED, "t"), KEY.signature(UNRELATED, "t")
    assert len(mine) == PERMUTATIONS
    assert similarity(mine, reworded) >= SIMILAR_ENOUGH
    assert similarity(mine, unrelated) < 0.2
    assert similarity(mine, mine) == 1.0
    assert similarity(mine, ()) == 0.0
    # The bands make them candidates of one another: at least one band in common.
    assert set(band_digests(mine)) & set(band_digests(reworded))
    assert len(band_digests(mine)) == BANDS
    # The same text in another tenant: another signature, no band in common.
    elsewhere = KEY.signature(REPORT, "u")
    assert similarity(mine, elsewhere) < 0.2
    assert not set(band_digests(mine)) & set(band_digests(elsewhere))


def test_digests_depend_on_the_key_and_the_tenant_and_hold_no_words() -> None:
    terms = terms_of(nips=["198001012005011001"], names=["Budi Santoso"], units=["Dinas Pendidikan"])
    entry = index_entry(KEY, "satker-a", terms, REPORT)
    other_tenant = index_entry(KEY, "satker-b", terms, REPORT)
    other_key = index_entry(RelatedKey(b"x" * 32), "satker-a", terms, REPORT)
    assert not set(entry.digests) & set(other_tenant.digests)
    assert not set(entry.digests) & set(other_key.digests)
    assert entry.signature != other_key.signature
    assert entry.signature != other_tenant.signature
    kept = b"".join(d for _, d in entry.digests)
    for word in (b"budi", b"santoso", b"pendidikan", b"1980"):
        assert word not in kept.lower()
    labels = [label for label, _ in entry.digests]
    assert labels[:3] == ["nip", "nama", "unit"]
    assert len(labels) == 3 + BANDS


def test_why_a_candidate_is_related_and_a_band_alone_is_not_enough() -> None:
    mine = KEY.signature(REPORT, "t")
    same_nip, similar, band_only = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    found = relations(
        mine,
        [
            Candidate(same_nip, frozenset({"nip", "unit"}), KEY.signature(UNRELATED, "t"), "A/1"),
            Candidate(similar, frozenset({"band-3"}), KEY.signature(REWORDED, "t"), "A/2"),
            Candidate(band_only, frozenset({"band-7"}), KEY.signature(UNRELATED, "t"), "A/3"),
        ],
    )
    assert [(r.case_id, r.reasons) for r in found] == [
        (same_nip, (Reason.SAME_NIP, Reason.SAME_UNIT)),
        (similar, (Reason.SIMILAR_TEXT,)),
    ]
    assert found[1].similarity >= SIMILAR_ENOUGH
