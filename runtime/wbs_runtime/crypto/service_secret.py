"""A service's own secret key (intake's pepper, directory's key for TOTP secrets at rest).

In this order: the value itself (an environment variable, e.g. ``WBS_INTAKE_SECRET_PEPPER``); a
file, by default named for the secret in the key directory (``WBS_KEY_DIR``). When that file does
not exist and creating is allowed (the default, so that ``make run`` needs no configuration), the
service creates it on first start with 32 random bytes, readable by its owner only. Otherwise the
service refuses to start: a deployment turns creating off (or mounts its keys read-only), so a
missing secret is an error at start and never silently a new one, which would make everything kept
under the old one unreachable.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

MINIMUM_LENGTH = 32


class SecretUnavailable(RuntimeError):
    pass


def load_service_secret(value: str | None, file: Path | None, *, create: bool, variable: str) -> bytes:
    """``variable`` names the environment variable that sets the value, for the error messages."""
    if value:
        return _checked(value.encode(), variable)
    if file is None:
        raise SecretUnavailable(f"no {variable}: set it, {variable}_FILE or WBS_KEY_DIR")
    if not file.exists():
        if not create:
            raise SecretUnavailable(
                f"the file {file} does not exist and {variable}_CREATE is false: restore it "
                "(what was kept under another secret cannot be read without it)"
            )
        _create(file)
    return _checked(file.read_bytes().strip(), str(file))


def _create(file: Path) -> None:
    """Written aside, then linked into place: another process starting at the same moment sees
    either no file or a whole one, and the first link wins."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SecretUnavailable(f"cannot create the secret file {file}: {error.strerror}") from None
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
        raise SecretUnavailable(f"cannot create the secret file {file}: {error.strerror}") from None
    finally:
        draft.unlink(missing_ok=True)


def _checked(secret: bytes, source: str) -> bytes:
    if len(secret) < MINIMUM_LENGTH:
        raise SecretUnavailable(f"the secret from {source} is shorter than {MINIMUM_LENGTH} bytes")
    return secret
