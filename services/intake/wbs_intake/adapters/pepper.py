"""Where the pepper of the keyed digests comes from (see ``keyed_digest``).

In this order: ``WBS_INTAKE_SECRET_PEPPER`` (the value itself); the file
``WBS_INTAKE_SECRET_PEPPER_FILE``, by default ``intake-pepper`` in the key directory
(``WBS_KEY_DIR``). When that file does not exist and ``WBS_INTAKE_SECRET_PEPPER_CREATE`` is true
(the default, so that ``make run`` needs no configuration), intake creates it on first start with
32 random bytes, readable by its owner only. Otherwise intake refuses to start: a deployment sets
``WBS_INTAKE_SECRET_PEPPER_CREATE=false`` (or mounts its keys read-only), so a missing pepper is
an error at start and never silently a new pepper, which would make every report received under
the old one unreachable.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

MINIMUM_LENGTH = 32
DEFAULT_FILE_NAME = "intake-pepper"


class PepperUnavailable(RuntimeError):
    pass


def load_pepper(value: str | None, file: Path | None, *, create: bool) -> bytes:
    if value:
        return _checked(value.encode(), "WBS_INTAKE_SECRET_PEPPER")
    if file is None:
        raise PepperUnavailable(
            "no pepper for the reporters' secrets: set WBS_INTAKE_SECRET_PEPPER, WBS_INTAKE_SECRET_PEPPER_FILE "
            "or WBS_KEY_DIR"
        )
    if not file.exists():
        if not create:
            raise PepperUnavailable(
                f"the pepper file {file} does not exist and WBS_INTAKE_SECRET_PEPPER_CREATE is false: restore it "
                "(reports received under another pepper cannot be followed without it)"
            )
        _create(file)
    return _checked(file.read_bytes().strip(), str(file))


def _create(file: Path) -> None:
    """Written aside, then linked into place: another process starting at the same moment sees
    either no file or a whole one, and the first link wins."""
    draft = file.with_name(f".{file.name}.{secrets.token_hex(8)}")
    try:
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(draft, file)
    except FileExistsError:
        pass  # another process created it first: use theirs
    except OSError as error:
        raise PepperUnavailable(f"cannot create the pepper file {file}: {error.strerror}") from None
    finally:
        draft.unlink(missing_ok=True)


def _checked(pepper: bytes, source: str) -> bytes:
    if len(pepper) < MINIMUM_LENGTH:
        raise PepperUnavailable(f"the pepper from {source} is shorter than {MINIMUM_LENGTH} bytes")
    return pepper
