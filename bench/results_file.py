"""``bench/RESULTS.md`` holds one section per measure; each measure rewrites only its own."""

from __future__ import annotations

import json
import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from tests.support.infrastructure import free_port
from wbs_contracts.registry import SERVICES
from wbs_launcher.stack import StackConfig

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


def machine() -> str:
    """What the figures were measured on, as every section states it."""
    return (
        f"{os.cpu_count()} CPU ({cpu_model()}), {round(psutil.virtual_memory().total / 2**30)} GiB, "
        f"Python {platform.python_version()}, {platform.system()}"
    )


def cpu_model() -> str:
    """The processor's name as Linux reports it: machines of the same size differed twofold in CPU per report."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def stolen_percent(before: Any, after: Any) -> float | None:
    """Of the CPU time between two ``psutil.cpu_times()``, the share the hypervisor gave to other
    guests (``steal``; 0 on bare metal): the machine's own figures shrink by that much. None where
    the system does not count it."""
    if not hasattr(after, "steal"):
        return None
    total = _all_time(after) - _all_time(before)
    return round(100 * (after.steal - before.steal) / total, 1) if total > 0 else 0.0


def _all_time(times: Any) -> float:
    """Linux counts a guest's time in ``user`` and ``nice`` too: not twice."""
    return float(sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0))


def stack_config(var_dir: Path, **extra_env: str) -> StackConfig:
    """A whole stack of the benchmark's own: free ports and its own data, so it runs beside
    ``make run``. Every report comes from this one address, so per-client throttling is off."""
    return StackConfig(
        var_dir=var_dir,
        gateway_port=free_port(),
        broker_port=free_port(),
        postgres_port=free_port(),
        service_ports={s: free_port() for s in SERVICES},
        service_log_dir=var_dir / "log",
        extra_env={"WBS_GATEWAY_SUBMISSIONS_PER_WINDOW": "0", "WBS_GATEWAY_STATUS_CHECKS_PER_WINDOW": "0", **extra_env},
    )


def stamped(result: dict[str, Any]) -> dict[str, Any]:
    """A measure's figures with when and on what they were measured."""
    return {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), **result}


def publish(result: dict[str, Any], table: str, *, json_name: str, heading: str, write: bool) -> None:
    """Print a measure's figures; unless told not to, keep them in bench/results and RESULTS.md."""
    print(json.dumps(result, indent=2))
    print(table)
    if write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / json_name).write_text(json.dumps(result, indent=2) + "\n")
        update_section(heading, table)
