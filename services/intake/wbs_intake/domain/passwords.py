"""The strength of a password a reporter chooses (kata sandi), judged by zxcvbn: how many guesses
an attacker who knows common passwords, words, names, dates and keyboard patterns would need.

A reporter's password protects a report of corruption, perhaps against the people reported, who
may know the reporter well. So it must be long enough (10 characters), not contain the pseudonym,
and score at least 3 of 4 (about 10^8 guesses: slow against an argon2id hash). The explanation
is given in both languages: zxcvbn's own feedback is English, so each of its sentences has an
Indonesian translation here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zxcvbn import zxcvbn

from wbs_intake.domain.messages import N_
from wbs_intake.domain.pseudonym import normalise_pseudonym
from wbs_intake.domain.wording import Wording

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3
#: zxcvbn refuses longer input; a longer password is judged by its first 72 characters.
_ZXCVBN_MAX = 72

TOO_SHORT = N_("Kata sandi terlalu pendek: paling sedikit 10 karakter.")
TOO_LONG = N_("Kata sandi terlalu panjang: paling banyak 128 karakter.")
CONTAINS_PSEUDONYM = N_("Kata sandi tidak boleh memuat nama samaran Anda.")
TOO_GUESSABLE = N_(
    "Kata sandi ini mudah ditebak. Pakai beberapa kata yang tidak berhubungan, misalnya empat kata acak."
)
PASSWORDS_DIFFER = N_("Kedua isian kata sandi tidak sama.")

#: zxcvbn's feedback sentences in Bahasa Indonesia (its English stays the English text).
_FEEDBACK_ID = {
    "Use a few words, avoid common phrases.": "Pakai beberapa kata, hindari ungkapan yang umum.",
    "No need for symbols, digits, or uppercase letters.": "Tidak perlu simbol, angka, atau huruf besar.",
    "Add another word or two. Uncommon words are better.": "Tambahkan satu atau dua kata lagi. Kata yang jarang "
    "dipakai lebih baik.",
    "Straight rows of keys are easy to guess.": "Deretan tombol yang lurus mudah ditebak.",
    "Short keyboard patterns are easy to guess.": "Pola papan ketik yang pendek mudah ditebak.",
    "Use a longer keyboard pattern with more turns.": "Pakai pola papan ketik yang lebih panjang dengan lebih banyak "
    "belokan.",
    'Repeats like "aaa" are easy to guess.': 'Pengulangan seperti "aaa" mudah ditebak.',
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': 'Pengulangan seperti "abcabcabc" hanya '
    'sedikit lebih sulit ditebak daripada "abc".',
    "Avoid repeated words and characters.": "Hindari kata dan karakter yang berulang.",
    'Sequences like "abc" or "6543" are easy to guess.': 'Urutan seperti "abc" atau "6543" mudah ditebak.',
    "Avoid sequences.": "Hindari urutan.",
    "Recent years are easy to guess.": "Tahun-tahun terakhir mudah ditebak.",
    "Avoid recent years.": "Hindari tahun-tahun terakhir.",
    "Avoid years that are associated with you.": "Hindari tahun yang berkaitan dengan Anda.",
    "Dates are often easy to guess.": "Tanggal sering mudah ditebak.",
    "Avoid dates and years that are associated with you.": "Hindari tanggal dan tahun yang berkaitan dengan Anda.",
    "This is a top-10 common password.": "Ini termasuk 10 kata sandi yang paling sering dipakai.",
    "This is a top-100 common password.": "Ini termasuk 100 kata sandi yang paling sering dipakai.",
    "This is a very common password.": "Ini kata sandi yang sangat umum.",
    "This is similar to a commonly used password.": "Ini mirip kata sandi yang umum dipakai.",
    "A word by itself is easy to guess.": "Satu kata saja mudah ditebak.",
    "Names and surnames by themselves are easy to guess.": "Nama atau nama keluarga saja mudah ditebak.",
    "Common names and surnames are easy to guess.": "Nama dan nama keluarga yang umum mudah ditebak.",
    "Capitalization doesn't help very much.": "Huruf besar di awal tidak banyak membantu.",
    "All-uppercase is almost as easy to guess as all-lowercase.": "Semua huruf besar hampir sama mudah ditebak "
    "dengan semua huruf kecil.",
    "Reversed words aren't much harder to guess.": "Kata yang dibalik tidak jauh lebih sulit ditebak.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": "Penggantian yang mudah diduga seperti "
    "'@' untuk 'a' tidak banyak membantu.",
}


def _wording(sentence: str) -> Wording:
    return Wording(_FEEDBACK_ID.get(sentence, sentence), sentence)


@dataclass(frozen=True)
class Strength:
    #: zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess).
    score: int
    #: Catalogue messages: why the password is refused; empty when it is accepted.
    problems: list[str] = field(default_factory=list)
    #: zxcvbn's advice, in both languages.
    advice: list[Wording] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return not self.problems


def judge_password(password: str, *, repeated: str | None = None, pseudonym: str = "") -> Strength:
    """Whether ``password`` may protect a report (and, if given, whether ``repeated`` matches)."""
    problems: list[str] = []
    if repeated is not None and repeated != password:
        problems.append(PASSWORDS_DIFFER)
    if len(password) < MIN_LENGTH:
        problems.append(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(TOO_LONG)
    normal = normalise_pseudonym(pseudonym)
    if normal and normal.replace(" ", "") in normalise_pseudonym(password).replace(" ", ""):
        problems.append(CONTAINS_PSEUDONYM)
    inputs = [normal, *normal.split()] if normal else []
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs) if password else None
    score = int(result["score"]) if result else 0
    if score < MIN_SCORE and TOO_SHORT not in problems:
        problems.append(TOO_GUESSABLE)
    advice: list[Wording] = []
    if result and score < MIN_SCORE:
        feedback = result["feedback"]
        sentences = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
        advice = [_wording(sentence) for sentence in sentences if sentence]
    return Strength(score, problems, advice)
