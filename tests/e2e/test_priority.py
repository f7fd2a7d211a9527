"""Under a flood of reports the public edge takes the CPU first: the launcher starts the back
office's services at a lower priority (``WBS_BACK_OFFICE_NICE``), the gateway and intake at the
launcher's own."""

from __future__ import annotations

import os

import psutil

from wbs_launcher.stack import EDGE, Stack


def test_the_back_office_runs_below_the_edge(stack: Stack) -> None:
    own = os.nice(0)
    priorities = {name: psutil.Process(process.pid).nice() for name, process in stack.processes.items()}
    assert set(EDGE) <= set(priorities)
    assert {name: priorities[name] for name in EDGE} == dict.fromkeys(EDGE, own)
    back_office = {name: nice for name, nice in priorities.items() if name not in EDGE}
    assert set(back_office) == {"triage", "investigation", "notify", "reporting", "directory"}
    assert stack.back_office_nice > 0  # otherwise this test shows nothing
    assert back_office == dict.fromkeys(back_office, min(own + stack.back_office_nice, 19))
