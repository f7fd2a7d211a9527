"""``python -m wbs_runtime.crypto --tenant T --into DIR``: kept for existing deployment notes;
``wbs keys issue`` does the same."""

from __future__ import annotations

import sys

from wbs_runtime.ops.cli import main

if __name__ == "__main__":
    sys.exit(main(["keys", "issue", *sys.argv[1:]]))
