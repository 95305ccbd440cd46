"""The downloader middleware of search discovery: provider pacing, and hosts never fetched.

- A search API request (meta ``mentionspider_search``) goes to its provider's own
  download slot (``search:<name>``): one request at a time, ``1 / requests_per_second``
  seconds apart, no jitter, apart from the crawl's slots.
- In a campaign with ``[search]``, nothing found through search and no link check
  goes to a host the spider excludes (brand domains, ``exclude_domains``, the
  social/UGC list): not a result page, not a page it leads to, not a redirect to one,
  not a link check or soft-404 probe, and so not their robots.txt either (this runs
  before the robots.txt middleware). The seed sites you list are crawled as given.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from mentionspider.analysis.urls import host_in_domains, host_of
from mentionspider.linkcheck.middleware import is_check

__all__ = ["EXCLUDED_MESSAGE", "SEARCH_META", "SearchRequestsMiddleware"]

#: Request meta key of a search API request: its plain-data state (see SearchSource).
SEARCH_META = "mentionspider_search"
#: How the IgnoreRequest of an excluded host begins (the spider counts it, not as an error).
EXCLUDED_MESSAGE = "excluded host: "


class SearchRequestsMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.default_rate = crawler.settings.getfloat("MENTIONSPIDER_SEARCH_REQUESTS_PER_SECOND")

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SearchRequestsMiddleware":
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if SEARCH_META in request.meta:
            slot = request.meta.get("download_slot", "")
            rate = request.meta.get("mentionspider_search_rate") or self.default_rate
            self.crawler.engine.downloader.per_slot_settings.setdefault(
                slot, {"concurrency": 1, "delay": 1.0 / rate, "jitter": 0.0})
            return
        excluded = getattr(self.crawler.spider, "excluded_hosts", ())
        if not excluded or not ("mentionspider_source" in request.meta or is_check(request)):
            return
        if host_in_domains(host_of(request.url), excluded):
            self.crawler.stats.inc_value("mentionspider/search/excluded_requests_dropped")
            raise IgnoreRequest(f"{EXCLUDED_MESSAGE}{request.url}")
