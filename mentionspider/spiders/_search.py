"""Search discovery as the sweep spider's second source (the callbacks and their glue).

The decisions live in :class:`mentionspider.search.source.SearchSource`; this turns
its steps into Scrapy requests and items. Search API requests skip robots.txt (they
are APIs the user configured), go straight to an instance on a loopback address
(``127.0.0.1``, ``localhost``) rather than through ``http_proxy``, and skip Scrapy's retries (the source retries with its own
backoff); result pages are page requests like any other, robots.txt obeyed. Requests
stay serialisable: the callbacks are spider methods and the meta is plain data.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from mentionspider.analysis.urls import host_of, site_of
from mentionspider.campaign import Campaign
from mentionspider.frontier import Frontier
from mentionspider.items import SearchAnswerItem, utcnow
from mentionspider.linkcheck.failures import failure_kind
from mentionspider.linkcheck.middleware import response_headers
from mentionspider.search.base import Hit
from mentionspider.search.middleware import SEARCH_META
from mentionspider.search.source import CachedAnswer, Fetch, SearchSource, Step

__all__ = ["SearchSourceSpider", "placeholder_values"]


def placeholder_values(campaign: Campaign) -> dict[str, tuple[str, ...]]:
    return {"brand": tuple(n.text for n in campaign.brand_names),
            "domain": campaign.brand_domains, "keyword": campaign.keywords,
            "competitor": tuple(n.text for n in campaign.competitor_names),
            "competitor_domain": campaign.competitor_domains}


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SearchSourceSpider:
    campaign: Campaign
    crawler: Any
    logger: Any
    frontier: Frontier | None

    search: SearchSource | None
    search_cache: dict[tuple[str, str, int], CachedAnswer]
    excluded_hosts: tuple[str, ...]

    def init_search(self) -> None:
        self.search, self.search_cache, self.excluded_hosts = None, {}, ()

    def _page_request(self, url: str, source: str = "seed",
                      max_depth: int | None = None, *, seed: bool = False
                      ) -> scrapy.Request | None:
        raise NotImplementedError

    def reuse_search_answers(self, rows: list[dict[str, Any]]) -> None:
        """Answers still fresh in the store: those (provider, query, page) are not asked."""
        self.search_cache = {
            (r["provider"], r["query"], r["page"]): CachedAnswer(
                r["provider"], r["query"], r["page"],
                tuple(Hit(h["url"], h.get("title", ""), h.get("snippet", "")) for h in r["hits"]),
                r["more"]) for r in rows}

    def setup_search(self) -> None:
        """Build the search source (before any request: the excluded hosts apply to all)."""
        config = self.campaign.search
        if config is None or self.search is not None:
            return
        settings = self.crawler.settings
        stats = self.crawler.stats
        self.search = SearchSource(
            config, placeholder_values(self.campaign),
            brand_domains=self.campaign.brand_domains,
            excluded_hosts=settings.getlist("MENTIONSPIDER_SEARCH_EXCLUDED_HOSTS"),
            brave_url=settings.get("MENTIONSPIDER_SEARCH_BRAVE_URL"),
            backoff=settings.getfloat("MENTIONSPIDER_SEARCH_BACKOFF"),
            retries=settings.getint("MENTIONSPIDER_SEARCH_RETRIES"),
            max_wait=settings.getfloat("MENTIONSPIDER_SEARCH_RETRY_AFTER_MAX"),
            cache=self.search_cache,
            inc=lambda name, n: stats.inc_value(name, n))
        self.excluded_hosts = self.search.excluded
        for name in self.search.counts:
            for counter, value in self.search.counts[name].items():
                stats.set_value(f"mentionspider/search/{name}/{counter}", value)

    def search_start(self) -> Iterator[Any]:
        """The first requests of every provider, and the result pages of cached answers."""
        self.setup_search()
        if self.search is None:
            return
        step = self.search.start()
        yield from self._search_items(step)
        for fetch in step.fetches:
            yield self._search_request(fetch)

    def _search_items(self, step: Step) -> Iterator[Any]:
        """The step's messages, answers to cache and result pages (not its fetches: the
        caller may have to wait before sending those)."""
        assert self.search is not None
        for message in step.messages:
            self.logger.warning(message)
        for name, reason in self.search.stopped.items():
            self.crawler.stats.set_value(f"mentionspider/search/{name}/stopped", reason)
        for name, notes in self.search.notes.items():
            if notes:
                self.crawler.stats.set_value(f"mentionspider/search/{name}/notes", list(notes))
        now = utcnow()
        for answer in step.answers:
            yield SearchAnswerItem(answer.provider, answer.query, answer.page,
                                   [{"url": h.url, "title": h.title, "snippet": h.snippet}
                                    for h in answer.hits], answer.more, now)
        yield from self.result_pages(step.pages)

    def result_pages(self, pages: list[Any]) -> Iterator[scrapy.Request]:
        """The requests of the result pages the frontier admits (as seeds)."""
        depth = self.campaign.search.crawl_depth if self.campaign.search else 0
        for page in pages:
            refused = self.frontier.admit(page.url, seed=True) if self.frontier else None
            if refused is not None:
                self.crawler.stats.inc_value(f"mentionspider/search/dropped/{refused}")
                continue
            if depth and self.frontier is not None:
                self.frontier.add_site(site_of(page.url))
            url = self.frontier.canonical(page.url) if self.frontier else page.url  # #13
            request = self._page_request(url, page.source, depth)
            if request is not None:
                request.meta["depth_reset"] = True  # a result page is depth 0, like a seed
                yield request

    def _search_request(self, fetch: Fetch) -> scrapy.Request:
        assert self.search is not None
        entry = next(p for p in self.campaign.search.providers  # type: ignore[union-attr]
                     if p.name == fetch.state["provider"])
        meta: dict[str, Any] = {
            SEARCH_META: fetch.state, "download_slot": fetch.slot,
            "mentionspider_search_rate": entry.requests_per_second,
            "dont_obey_robotstxt": True, "dont_retry": True, "handle_httpstatus_all": True,
            "dont_redirect": True}
        if _is_loopback(host_of(fetch.url)):
            meta["proxy"] = None  # a SearXNG on this machine: no forward proxy can reach it
        return scrapy.Request(fetch.url, headers=fetch.headers, callback=self.search_answered,
                              errback=self.search_failed, dont_filter=True, meta=meta)

    async def search_answered(self, response: Response) -> AsyncIterator[Any]:
        if self.search is None:
            return
        step = self.search.answered(response.meta[SEARCH_META], response.status,
                                    response_headers(response), response.body)
        for item in self._search_items(step):
            yield item
        for fetch in step.fetches:
            if fetch.wait > 0:
                await asyncio.sleep(fetch.wait)
            yield self._search_request(fetch)

    def search_failed(self, failure: Failure) -> Iterator[Any]:
        if self.search is None:
            return
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        _, message = failure_kind(failure)
        step = self.search.failed(request.meta[SEARCH_META], message)
        yield from self._search_items(step)
        for fetch in step.fetches:  # no waiting in an errback: the provider's slot paces them
            yield self._search_request(fetch)
