"""``python -m wbs_gateway``: serve the one public address (``WBS_PORT``, 8000 by default)."""

from __future__ import annotations

import logging

import uvicorn

from wbs_gateway.app import GatewaySettings, create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s [wbs-gateway] %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = GatewaySettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
