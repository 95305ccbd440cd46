"""scrapy-playwright's download handler with a global page cap and recycled contexts.

Installed for ``http`` and ``https`` only when a run may render (see
:func:`mentionspider.render.setup.configure_rendering`); requests without the
``playwright`` meta key (raw pages, robots.txt, link checks) go through Scrapy's own
HTTP/1.1 handler as before.

- Playwright's driver starts with the first page to render, not with the crawl: a run
  that renders nothing starts no Node.js process and no browser.
- At most ``MENTIONSPIDER_RENDER_CONCURRENCY`` pages are open at once, all contexts
  together.
- Pages are given to browser contexts in turn: after
  ``MENTIONSPIDER_RENDER_CONTEXT_PAGES`` pages a context takes no more, and it is closed
  as soon as its last page is done, so that what the browser keeps per context
  (caches, storage, detached DOMs) cannot pile up over a long run. The choice is made
  when the page starts downloading, not when it is scheduled, so a context never waits
  for a page that has not started yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

__all__ = ["RenderDownloadHandler"]

logger = logging.getLogger(__name__)


class _QuietFailedPages(logging.Filter):
    """scrapy-playwright logs a traceback for every page that fails; the fallback middleware
    logs one line for it instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Closing page due to failed request")


logging.getLogger("scrapy-playwright").addFilter(_QuietFailedPages())


class RenderDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._pages = asyncio.Semaphore(max(1, settings.getint("MENTIONSPIDER_RENDER_CONCURRENCY")))
        self._per_context = max(1, settings.getint("MENTIONSPIDER_RENDER_CONTEXT_PAGES"))
        self._generation = 0
        self._given = 0  # pages given to the current context
        self._open: Counter[str] = Counter()  # pages in flight per context
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """scrapy-playwright starts Playwright's driver when the engine starts; here it starts
        with the first page to render, so a run that renders nothing never starts it."""

    async def _start(self) -> None:
        async with self._start_lock:
            if not self._started:
                await self._launch()
                self._started = True

    async def download_request(self, request: Request) -> Response:  # type: ignore[override]
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        if not self._started:
            await self._start()
        async with self._pages:
            name = self._context_for_next_page()
            request.meta["playwright_context"] = name
            await self._close_finished_contexts()
            try:
                return await super().download_request(request)
            finally:
                self._open[name] -= 1
                await self._close_finished_contexts()

    def _context_for_next_page(self) -> str:
        if self._given >= self._per_context:
            self._generation += 1
            self._given = 0
        self._given += 1
        name = f"mentionspider-{self._generation}"
        self._open[name] += 1
        return name

    async def _close_finished_contexts(self) -> None:
        """Close every earlier context whose last page is done."""
        current = f"mentionspider-{self._generation}"
        for name in [n for n, pages in self._open.items() if not pages and n != current]:
            del self._open[name]
            wrapper = self.context_wrappers.get(name)
            if wrapper is None:
                continue
            self.stats.inc_value("mentionspider/render/contexts_recycled")
            try:
                await wrapper.context.close()
            except Exception as exc:  # a browser that went away closed it already
                logger.debug("closing browser context %s: %s", name, exc)
