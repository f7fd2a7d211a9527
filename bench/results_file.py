"""``bench/RESULTS.md`` holds one section per measure; each measure rewrites only its own."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
RESULTS_MD = RESULTS.parent / "RESULTS.md"
TITLE = "# Benchmark results (`make bench`)"


def update_section(heading: str, body: str, path: Path = RESULTS_MD) -> None:
    """Replace the section ``## heading`` (or add it at the end), keeping every other section."""
    text = path.read_text() if path.exists() else f"{TITLE}\n"
    sections = re.split(r"(?m)^(?=## )", text)
    head, parts = sections[0], [part.rstrip() + "\n\n" for part in sections[1:]]
    new = f"## {heading}\n\n{body.strip()}\n\n"
    for index, part in enumerate(parts):
        if part.splitlines()[0] == f"## {heading}":
            parts[index] = new
            break
    else:
        parts.append(new)
    path.write_text((head.rstrip() + "\n\n" + "".join(parts)).rstrip() + "\n")
