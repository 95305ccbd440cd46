"""Put a campaign's rendering into the crawler's settings: scrapy-playwright, only when needed.

When no page of the run can be rendered (``render_js = "never"`` and no site that says
otherwise) nothing changes: no Playwright, no browser, Scrapy's own download handlers.
Otherwise :class:`~mentionspider.render.handler.RenderDownloadHandler` handles ``http``
and ``https`` (it passes every request without the ``playwright`` meta key to
Scrapy's HTTP/1.1 handler), with Debian's Chromium, the crawl's proxy, blocked
images/fonts/media and capped pages and contexts. It needs Twisted's asyncio reactor,
which ``mentionspider/settings.py`` pins (Scrapy's default since 2.13 anyway).
The browser itself is started on the first page that needs it: a run that renders
nothing starts only Playwright's driver.
"""

from __future__ import annotations

from typing import Any

from mentionspider.campaign import Campaign
from mentionspider.render.browser import (CHROMIUM_FLAGS, ResourceBlocker, find_chromium,
                                          proxy_launch_options, without_proxy_headers)
from mentionspider.render.policy import RenderPolicy

__all__ = ["HANDLER", "configure_rendering", "render_policy"]

HANDLER = "mentionspider.render.handler.RenderDownloadHandler"


def render_policy(campaign: Campaign) -> RenderPolicy:
    return RenderPolicy(campaign.crawl.render_js, campaign.crawl.sites)


def configure_rendering(settings: Any, campaign: Campaign) -> bool:
    """Set the scrapy-playwright settings when ``campaign`` may render; returns whether it may.

    Raises :class:`~mentionspider.render.browser.BrowserSetupError` when it may and no
    Chromium is found. Settings given on the command line (``-s PLAYWRIGHT_...``) win.
    """
    if not render_policy(campaign).can_render:
        return False
    chromium = find_chromium(settings.get("MENTIONSPIDER_CHROMIUM"))
    concurrency = max(1, settings.getint("MENTIONSPIDER_RENDER_CONCURRENCY"))
    launch: dict[str, Any] = {"executable_path": chromium, "headless": True,
                              "args": [*CHROMIUM_FLAGS, f"--user-agent={settings.get('USER_AGENT')}"]}
    proxy = proxy_launch_options()
    launch["args"] += proxy.pop("args", [])
    launch.update(proxy)
    values = {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        # One context taking pages, one finishing its last pages before it is closed.
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency,
        "PLAYWRIGHT_ABORT_REQUEST": ResourceBlocker(
            settings.getlist("MENTIONSPIDER_RENDER_BLOCK")),
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT":
            settings.getfloat("MENTIONSPIDER_RENDER_TIMEOUT") * 1000,
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": without_proxy_headers,
    }
    for name, value in values.items():
        settings.set(name, value, priority="spider")
    return True
