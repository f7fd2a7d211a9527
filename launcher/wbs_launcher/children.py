"""Child processes that cannot outlive the launcher.

Each child asks the kernel for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), so even a
launcher killed with SIGKILL leaves no orphans. The request is made after any switch of user,
because changing credentials clears it.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1
# Resolved now, in the parent: between fork and exec the child must not load libraries.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _prepare_child(nice: int) -> Callable[[], None]:
    def prepare() -> None:
        _die_with_parent()
        if nice:
            os.nice(nice)  # lowering one's own priority needs no privilege

    return prepare


def spawn(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
    log_file: Path | None = None,
    cwd: Path | None = None,
    nice: int = 0,
) -> subprocess.Popen[bytes]:
    """Start ``command``; ``nice`` lowers its CPU priority (see ``StackConfig.back_office_nice``)."""
    output: IO[Any] | None = None
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        output = log_file.open("ab")
    try:
        return subprocess.Popen(
            list(command),
            env=dict(env) if env is not None else None,
            user=user,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            stdin=subprocess.DEVNULL,
            # Own process group: Ctrl-C reaches the launcher only, which then stops children in order.
            start_new_session=True,
            preexec_fn=_prepare_child(nice),
        )
    finally:
        if output is not None:
            output.close()


def stop(process: subprocess.Popen[bytes], name: str, *, sig: int = signal.SIGTERM, timeout: float = 25.0) -> None:
    """Signal, wait, and kill if it will not stop."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(sig)
    except ProcessLookupError:
        return
    wait_or_kill(process, name, timeout=timeout)


def wait_or_kill(process: subprocess.Popen[bytes], name: str, *, timeout: float = 25.0) -> None:
    """Wait for a process already asked to stop; kill its group if it will not."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log.warning("%s did not stop within %.0fs; killing it", name, timeout)
        with_group = os.getpgid(process.pid)
        os.killpg(with_group, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass
