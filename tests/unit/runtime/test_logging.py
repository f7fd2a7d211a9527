"""What a service's (and make run's) output carries: not a line per probe request or per Kafka
coordinator lookup, which came every few seconds and buried the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from wbs_runtime.cli import CHATTY_LIBRARIES, configure_logging


@pytest.fixture
def restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    chatty = {
        name: logging.getLogger(name).level for name in (*CHATTY_LIBRARIES, "aiokafka.consumer.group_coordinator")
    }
    try:
        yield
    finally:
        root.handlers[:], root.level = handlers, level
        for name, was in chatty.items():
            logging.getLogger(name).setLevel(was)


@pytest.mark.usefixtures("restored")
def test_a_service_logs_no_line_per_probe_request_or_coordinator_lookup(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("httpx").setLevel(logging.NOTSET)  # as the library leaves it
    logging.getLogger().handlers.clear()  # configuring closes the root's handlers: not pytest's
    configure_logging("directory", "info")
    logging.getLogger().addHandler(caplog.handler)  # configuring replaced the root's handlers
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info('HTTP Request: GET http://127.0.0.1:8001/readyz "HTTP/1.1 200 OK"')
        logging.getLogger("aiokafka.consumer.group_coordinator").info("Discovered coordinator 1 for group g")
        logging.getLogger("aiokafka.consumer.group_coordinator").warning("the coordinator is not available")
        logging.getLogger("wbs.directory").info("directory started")
    assert [r.getMessage() for r in caplog.records] == ["the coordinator is not available", "directory started"]
