"""Keeping the English catalogue complete: every message a package's templates and code mark
(``_()`` in templates, ``N_()`` in code) must have an English translation.

    python -m wbs_runtime.web.catalogue check PACKAGE_DIR    # lists untranslated messages
    python -m wbs_runtime.web.catalogue update PACKAGE_DIR   # adds them to the .po, untranslated

A test runs ``check`` for every package that renders pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "N_": None, "gettext": None}


def marked_messages(package_dir: Path) -> list[str]:
    found: dict[str, None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(package_dir), METHODS, OPTIONS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if isinstance(message, str) and message:
            found[message] = None
    return list(found)


def catalogue_path(package_dir: Path, language: str = "en") -> Path:
    folder = package_dir / "locale" / language / "LC_MESSAGES"
    existing = sorted(folder.glob("*.po"))
    return existing[0] if existing else folder / f"{package_dir.name.removeprefix('wbs_')}.po"


def untranslated(package_dir: Path, language: str = "en") -> list[str]:
    path = catalogue_path(package_dir, language)
    catalog = _read(path, language)
    return [m for m in marked_messages(package_dir) if not (catalog.get(m) and catalog.get(m).string)]  # type: ignore[union-attr]


def _read(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update(package_dir: Path, language: str = "en") -> list[str]:
    path = catalogue_path(package_dir, language)
    catalog = _read(path, language)
    missing = [m for m in marked_messages(package_dir) if catalog.get(m) is None]
    for message in missing:
        catalog.add(message, "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=False)
    return missing


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"check", "update"}:
        print("usage: python -m wbs_runtime.web.catalogue check|update PACKAGE_DIR", file=sys.stderr)
        return 2
    package_dir = Path(argv[1])
    if argv[0] == "update":
        for message in update(package_dir):
            print(f"added: {message}")
        return 0
    missing = untranslated(package_dir)
    for message in missing:
        print(f"untranslated: {message}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
