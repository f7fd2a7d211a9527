"""``wbs audit``: its help, and what it says when it cannot read a database."""

from __future__ import annotations

import argparse

import pytest

from tests.support.infrastructure import free_port
from wbs_runtime.ops import audit


def parser() -> argparse.ArgumentParser:
    wbs = argparse.ArgumentParser(prog="wbs")
    commands = wbs.add_subparsers(dest="command", required=True)
    unreachable = f"postgresql://wbs_triage@127.0.0.1:{free_port()}/wbs_triage"
    audit.register(commands, database_urls=lambda: {"triage": unreachable})
    return wbs


def test_the_commands_have_help_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["audit", "--help"])
    help_text = capsys.readouterr().out
    assert "periksa setiap rantai" in help_text
    assert "check every chain" in help_text
    shown = parser().parse_args(["audit", "show", "--service", "triage", "--tenant", "bps-1700", "--object", "c-1"])
    assert (shown.service, shown.tenant, shown.object_id, shown.limit) == ("triage", "bps-1700", "c-1", 50)
    with pytest.raises(SystemExit):
        parser().parse_args(["audit", "show", "--service", "triage"])  # a chain is a service's and a tenant's


def test_a_database_that_cannot_be_read_fails_the_verification(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = parser().parse_args(["audit", "verify"])
    assert arguments.handler(arguments) == 1
    output = capsys.readouterr().out
    assert "triage: basis data tidak dapat dibaca / database cannot be read" in output
    assert "Jejak audit TIDAK utuh: 0 rantai gagal, 1 basis data tak terbaca" in output
    assert "Audit trail NOT intact: 0 chains failed, 1 database unreadable" in output


def test_an_unknown_service_is_refused_by_name() -> None:
    arguments = parser().parse_args(["audit", "show", "--service", "nope", "--tenant", "bps-1700"])
    with pytest.raises(LookupError, match="unknown service: nope"):
        arguments.handler(arguments)
