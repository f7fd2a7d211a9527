"""``python -m wbs_gateway``: serve the one public address (``WBS_PORT``, 8000 by default)."""

from __future__ import annotations

import logging

import uvicorn

from wbs_gateway.app import GatewaySettings, create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s [wbs-gateway] %(name)s: %(message)s")
    logging.getLogger("aiohttp").setLevel(logging.WARNING)
    settings = GatewaySettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        # No access log: it would write every client's address beside the path it asked for.
        access_log=False,
        # Only proxies named in WBS_GATEWAY_TRUSTED_PROXIES may say who the client is; uvicorn's
        # default would believe any X-Forwarded-For sent from 127.0.0.1.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
