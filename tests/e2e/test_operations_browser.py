"""The demonstration operator in a real browser, through the gateway: signs in, opens queue health
from their home page, sees every service ready and every consumer group with its lag and the
commands for dead letters, in Indonesian and in English; and the API documentation is one click
from the page's footer."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect

from tests.e2e.test_admin_browser import demo_password
from tests.e2e.test_browser import CHROMIUM, FLAGS
from tests.e2e.test_sign_in_browser import sign_in, watched_page
from tests.support.waiting import eventually
from wbs_contracts.registry import SERVICES
from wbs_launcher.stack import Stack
from wbs_runtime.monitoring import subscriptions

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]
OPERATOR = "operator"


async def test_the_operator_sees_queue_health_in_a_browser(stack: Stack) -> None:
    assert CHROMIUM is not None
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await watched_page(browser, problems)
        await sign_in(page, stack, OPERATOR, demo_password(stack, OPERATOR))
        await expect(page.locator("#welcome")).to_be_visible()

        await page.click('#work a[href="/operasi"]')
        await expect(page.locator("#queue-health")).to_have_text("Kesehatan antrean")

        async def every_service_ready() -> bool:
            await page.reload()
            return await page.locator('#readiness tr[data-ready="true"]').count() == len(SERVICES)

        # Measured on directory's own clock: the page shows the latest measurement.
        await eventually(every_service_ready, within=60, interval=1, what="every service ready on the page")
        shown = {await row.get_attribute("data-group") for row in await page.locator("#lag tbody tr[data-group]").all()}
        assert shown == {s.group for s in subscriptions(stack.config.topic_prefix)}
        await expect(page.locator("#outbox tbody tr")).to_have_count(len(SERVICES))
        await expect(page.locator("#dead-letters tr.dead-letters")).to_have_count(len(SERVICES))
        await expect(page.locator("#outbox-command code")).to_have_text("wbs outbox status --service LAYANAN")

        await page.click("#language-en")
        await expect(page.locator("#queue-health")).to_have_text("Queue health")
        await expect(page.locator("#readiness thead")).to_contain_text("Service")

        await page.click("#api-docs-link")
        await expect(page.locator("#api-docs")).to_be_visible()
        for service in SERVICES:
            await expect(
                page.locator(f'section[data-service="{service}"] a[href="/api/openapi/{service}.json"]')
            ).to_be_visible()
        await browser.close()
    assert not [p for p in problems if "Content Security Policy" in p], problems
