"""A page the browser fails to render is analysed from its raw HTML, and counted.

:class:`RenderFallbackMiddleware` sees every render request's outcome:

- rendered: counted in ``mentionspider/render/rendered``;
- failed (a timeout, the browser's network error, a crash): counted in
  ``mentionspider/render/fallback/<kind>`` and logged in one line; the page's raw
  HTML goes to the spider instead. In ``auto`` mode that raw page was fetched
  already and travels with the render request; otherwise (``always``, a site known
  to need JavaScript) the page is fetched again, raw.

Either way the spider's callback gets the page with ``mentionspider_render_failed``
in its meta, and the item records ``render = "fallback"``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.http import HtmlResponse, Request, Response

from mentionspider.render.requests import (DEPTH_META, FAILED_META, PLAYWRIGHT_KEYS, RAW_META,
                                           REASON_META)

__all__ = ["RenderFallbackMiddleware", "failure_kind"]

logger = logging.getLogger(__name__)


def failure_kind(exception: BaseException) -> str:
    """A short name for why a render failed: ``timeout``, ``err_name_not_resolved``, ..."""
    name = type(exception).__name__
    if name == "TimeoutError":
        return "timeout"
    message = str(exception)
    if "net::ERR_" in message:
        return message.split("net::", 1)[1].split()[0].lower()
    if "closed" in message.lower() or name == "TargetClosedError":
        return "browser_closed"
    return name.lower()


class RenderFallbackMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RenderFallbackMiddleware":
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """A render request made from its raw page carries the page's own depth: Scrapy's
        depth middleware counted it one level deeper (it was yielded from the raw page),
        and the links of the rendered page must not be either."""
        if DEPTH_META in request.meta:
            request.meta["depth"] = request.meta[DEPTH_META]

    def process_response(self, request: Request, response: Response) -> Response:
        meta = request.meta
        if REASON_META in meta and FAILED_META not in meta and "playwright" in response.flags:
            self.crawler.stats.inc_value("mentionspider/render/rendered")
            meta.pop(RAW_META, None)
        return response

    def process_exception(self, request: Request, exception: BaseException
                          ) -> Response | Request | None:
        meta = request.meta
        if not meta.get("playwright") or REASON_META not in meta:
            return None
        kind = failure_kind(exception)
        stats = self.crawler.stats
        stats.inc_value("mentionspider/render/fallback")
        stats.inc_value(f"mentionspider/render/fallback/{kind}")
        first_line = (str(exception).strip().splitlines() or [""])[0][:200]
        logger.warning("rendering %s failed (%s): %s; analysing its raw HTML", request.url,
                       kind, first_line)
        for key in PLAYWRIGHT_KEYS:
            meta.pop(key, None)
        meta[FAILED_META] = kind
        raw = meta.pop(RAW_META, None)
        if raw is None:
            return request.replace(dont_filter=True)
        return HtmlResponse(url=raw["url"], status=raw["status"], body=raw["body"],
                            encoding=raw["encoding"], request=request)
