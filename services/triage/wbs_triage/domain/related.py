"""Related reports without plaintext: what triage keeps to find, among a tenant's cases, those
about the same reported official or unit and those whose text is similar, so that a duplicate is
linked instead of assessed twice.

Nothing kept here can be read back into words. Each term (a terlapor's NIP/NRP, their name, the
unit reported) is normalised and kept as a keyed digest (HMAC-SHA256 under a secret triage holds,
bound to the tenant). The text is cut into shingles; their keyed MinHash signature estimates how
much two texts share (the fraction of equal values estimates the Jaccard similarity of the
shingle sets), and digests of its bands (locality-sensitive hashing) let candidates come from one
indexed lookup: two texts sharing at least one band are compared.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

#: 32 bands of 4 rows: texts sharing half their shingles meet in a band 87% of the time, at 60%
#: 99%; texts sharing a fifth, 5%. The signature then tells how similar the candidates really are.
#: (``PERMUTATIONS`` must divide 2**_BIN_BITS, so the low bits pick a bin evenly.)
BANDS = 32
ROWS = 4
PERMUTATIONS = BANDS * ROWS
#: Texts at least this similar (estimated Jaccard of their shingles) are shown as related.
SIMILAR_ENOUGH = 0.4
#: Characters per shingle: short enough to survive Indonesian affixes (di-/me-/-kan), long enough
#: to tell words apart.
SHINGLE = 4
#: The low bits of a shingle's hash choose its bin; the rest is its value (below 2**56), and a
#: borrowed value is shifted by ``distance * 2**56``: a signature fits PostgreSQL's bigint.
_BIN_BITS = 8
_ROTATION = 1 << 56
_EMPTY = 1 << 63
_SHINGLE = b"wbs-related-text"
#: Enough of a text to tell what it is about, and a bound on the work per case.
TEXT_READ = 4_000

#: Words that say nothing about a report's matter (Indonesian function words).
_FUNCTION_WORDS = """
    yang dan di ke dari pada untuk dengan dalam oleh atau ini itu adalah akan telah sudah juga tidak
    ada saya kami kita ia dia mereka para serta bahwa karena sebagai secara agar supaya maka namun
    tersebut setiap sebuah seorang suatu hal lalu kemudian saat ketika bagi antara hingga sampai
    per pun lah nya bisa dapat harus masih belum sedang
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())

#: Titles and degrees around a name (Dr., Ir., H., Hj., S.E., M.Si., ...): not part of who it is.
_TITLES = """
    dr drs dra ir h hj prof s se sh ssi sst skom spd sos ssos st mm msi mt mh mpd me mkom ma
    bapak ibu pak bu sdr sdri
"""
NAME_TITLES = frozenset(_TITLES.split())


class Term(StrEnum):
    NIP = "nip"
    NAMA = "nama"
    UNIT = "unit"


class Reason(StrEnum):
    SAME_NIP = "nip-sama"
    SAME_NAME = "nama-sama"
    SAME_UNIT = "unit-sama"
    SIMILAR_TEXT = "teks-mirip"


_TERM_REASON = {Term.NIP: Reason.SAME_NIP, Term.NAMA: Reason.SAME_NAME, Term.UNIT: Reason.SAME_UNIT}


def _folded(text: str) -> str:
    """Lower case, accents and punctuation gone, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def normalised_nip(nip: str) -> str:
    """Digits only (NIPs are written with spaces or dots); too short to name anyone: nothing."""
    digits = re.sub(r"\D", "", nip)
    return digits if len(digits) >= 8 else ""


def normalised_name(name: str) -> str:
    """Without titles or degrees, in a fixed order (``Santoso, Budi`` is ``Budi Santoso``)."""
    # Degrees follow a comma and are written with dots (S.E., M.Si.); a part without dots is a name.
    parts = [p for p in name.split(",") if not ("." in p and len(re.sub(r"[\s.]", "", p)) <= 6)]
    words = [w for w in _folded(" ".join(parts)).split() if w not in NAME_TITLES]
    return " ".join(sorted(words))


def normalised_unit(unit: str) -> str:
    return _folded(unit)


def shingles(text: str) -> set[str]:
    """The text's character shingles, word by word (so their order does not matter), without
    function words; of its first ``TEXT_READ`` characters."""
    found: set[str] = set()
    for word in _folded(text[:TEXT_READ]).split():
        if word in STOPWORDS or len(word) < 3:
            continue
        padded = f"_{word}_"
        if len(padded) <= SHINGLE:
            found.add(padded)
        else:
            found.update(padded[i : i + SHINGLE] for i in range(len(padded) - SHINGLE + 1))
    return found


@dataclass(frozen=True)
class RelatedKey:
    """The secret the digests and signatures are keyed with (a key file triage holds)."""

    secret: bytes
    _hashers: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < 32:
            raise ValueError("the related-reports key needs at least 32 bytes")

    def digest(self, tenant: str, label: str, value: str) -> bytes:
        message = b"\0".join((b"wbs-related", tenant.encode(), label.encode(), value.encode()))
        return hmac.digest(self.secret, message, "sha256")[:16]

    def _text_hasher(self, tenant: str) -> Any:
        """BLAKE2b keyed with the secret and salted with the tenant, keyed once per tenant."""
        hasher = self._hashers.get(tenant)
        if hasher is None:
            salt = hashlib.blake2b(tenant.encode(), digest_size=16).digest()
            hasher = self._hashers[tenant] = hashlib.blake2b(
                key=self.secret[:64], digest_size=8, salt=salt, person=_SHINGLE
            )
        return hasher

    def signature(self, text: str, tenant: str) -> tuple[int, ...]:
        """The keyed MinHash signature of the text's shingles (empty for a text without any),
        bound to the tenant (the same text in two tenants gives unrelated signatures).

        One permutation hashing: each shingle is hashed once; its hash picks one of
        ``PERMUTATIONS`` bins and each bin keeps its smallest value, so the cost grows with the
        text, not with the signature's length (it runs for every report registered). An empty bin
        borrows from the next filled one to its right, shifted by the distance (densification by
        rotation), so that short texts still get a full signature in which two texts' bins are
        equal with probability their Jaccard similarity."""
        found = shingles(text)
        if not found:
            return ()
        keyed = self._text_hasher(tenant)
        bins = [_EMPTY] * PERMUTATIONS
        for shingle in found:
            hasher = keyed.copy()  # the key's block is hashed once, not once per shingle
            hasher.update(shingle.encode())
            hashed = int.from_bytes(hasher.digest(), "big")
            position, value = hashed % PERMUTATIONS, hashed >> _BIN_BITS
            if value < bins[position]:
                bins[position] = value
        filled = [i for i, v in enumerate(bins) if v != _EMPTY]
        signature = bins.copy()
        # Each gap is filled from the filled bin that ends it; the first gap wraps around from the
        # last filled bin (negative positions count from the end).
        previous = filled[-1] - PERMUTATIONS
        for position in filled:
            value = bins[position]
            for empty in range(previous + 1, position):
                signature[empty] = value + (position - empty) * _ROTATION
            previous = position
        return tuple(signature)


def band_digests(signature: Sequence[int]) -> list[tuple[str, bytes]]:
    """One digest per band of the signature, labelled by band: the band's values themselves, which
    are keyed and bound to the tenant already (and kept anyway, as the signature)."""
    if len(signature) != PERMUTATIONS:
        return []
    packed = struct.pack(f">{PERMUTATIONS}Q", *signature)
    width = ROWS * 8
    return [(f"band-{band}", packed[band * width : (band + 1) * width]) for band in range(BANDS)]


def similarity(one: Sequence[int], other: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two texts' shingles (0 when either has none)."""
    if len(one) != PERMUTATIONS or len(other) != PERMUTATIONS:
        return 0.0
    return sum(1 for a, b in zip(one, other, strict=True) if a == b) / PERMUTATIONS


@dataclass(frozen=True)
class Terms:
    """What a case is about, in the clear, only while it is being indexed."""

    nips: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()


def terms_of(nips: Iterable[str], names: Iterable[str], units: Iterable[str]) -> Terms:
    return Terms(
        nips=frozenset(n for n in map(normalised_nip, nips) if n),
        names=frozenset(n for n in map(normalised_name, names) if n),
        units=frozenset(u for u in map(normalised_unit, units) if u),
    )


@dataclass(frozen=True)
class RelatedIndexEntry:
    """What is kept for one case: labelled digests and the text's signature."""

    digests: tuple[tuple[str, bytes], ...]
    signature: tuple[int, ...]


def index_entry(key: RelatedKey, tenant: str, terms: Terms, text: str) -> RelatedIndexEntry:
    digests = [(Term.NIP.value, key.digest(tenant, Term.NIP, n)) for n in sorted(terms.nips)]
    digests += [(Term.NAMA.value, key.digest(tenant, Term.NAMA, n)) for n in sorted(terms.names)]
    digests += [(Term.UNIT.value, key.digest(tenant, Term.UNIT, u)) for u in sorted(terms.units)]
    signature = key.signature(text, tenant)
    digests += band_digests(signature)
    return RelatedIndexEntry(digests=tuple(digests), signature=signature)


@dataclass(frozen=True)
class Candidate:
    """Another case sharing at least one digest, as the index found it."""

    case_id: UUID
    labels: frozenset[str]
    signature: tuple[int, ...]
    agenda_number: str = ""


@dataclass(frozen=True)
class Relation:
    case_id: UUID
    agenda_number: str
    reasons: tuple[Reason, ...]
    #: The estimated similarity of the two texts, 0..1.
    similarity: float


def relations(mine: Sequence[int], candidates: Iterable[Candidate]) -> list[Relation]:
    """Why each candidate is related, most related first; a candidate that shares only a band
    but is not similar enough is dropped (bands find candidates, the signature decides)."""
    found = []
    for candidate in candidates:
        score = similarity(mine, candidate.signature)
        reasons = [_TERM_REASON[t] for t in Term if t.value in candidate.labels]
        if score >= SIMILAR_ENOUGH:
            reasons.append(Reason.SIMILAR_TEXT)
        if reasons:
            found.append(Relation(candidate.case_id, candidate.agenda_number, tuple(reasons), score))
    return sorted(found, key=lambda r: (-len(r.reasons), -r.similarity))
