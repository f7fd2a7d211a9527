"""Message catalogues: msgids are Bahasa Indonesia (the default), English comes from ``.po`` files.

The ``.po`` files are committed and compiled in memory when a service starts, so nothing has to
be built after a fresh clone. Each package that renders pages keeps its catalogue in
``locale/en/LC_MESSAGES/*.po``; a service's catalogue is merged over the runtime's.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from wbs_runtime.web import LANGUAGE_COOKIE

DEFAULT_LANGUAGE = "id"
LANGUAGES: tuple[str, ...] = ("id", "en")
#: The runtime's own catalogue (the base layout's strings).
RUNTIME_LOCALE = Path(__file__).resolve().parent / "locale"


def catalogue_files(locale_dir: Path, language: str) -> list[Path]:
    return sorted((locale_dir / language / "LC_MESSAGES").glob("*.po"))


def compile_po(path: Path, language: str) -> Translations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def load_translations(locale_dirs: Iterable[Path]) -> dict[str, gettext.NullTranslations]:
    """Per language, the catalogues of ``locale_dirs`` merged, later ones winning."""
    translations: dict[str, gettext.NullTranslations] = {DEFAULT_LANGUAGE: NullTranslations()}
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue  # the msgids are the Indonesian text
        merged = Translations()
        for locale_dir in locale_dirs:
            for path in catalogue_files(locale_dir, language):
                merged.merge(compile_po(path, language))
        translations[language] = merged
    return translations


def language_of(cookies: Mapping[str, str]) -> str:
    chosen = cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
