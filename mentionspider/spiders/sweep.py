"""The sweep spider: crawl a campaign's seed sites, analyse pages, check outbound links.

Run it through the CLI (``mentionspider sweep CAMPAIGN.toml``) or from the
project root with ``scrapy crawl sweep -a campaign=CAMPAIGN.toml``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings
from twisted.python.failure import Failure

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.page import PageAnalyser
from mentionspider.analysis.urls import host_in_domains, site_of
from mentionspider.campaign import Campaign, load_campaign
from mentionspider.frontier import Frontier
from mentionspider.items import LinkCheckItem, PageItem
from mentionspider.linkcheck.failures import failure_kind
from mentionspider.linkcheck.verdict import Verdict, verdict_for_error, verdict_for_status

__all__ = ["SweepSpider", "apply_campaign"]

_REDIRECTS = {301, 302, 303, 307, 308}
#: Every status but redirects reaches the link-check callback (redirects are followed).
CHECK_STATUSES = [s for s in range(100, 1000) if s not in _REDIRECTS]
_HEAD_RETRY_ON_FAILURE = {"connection", "error", "tls", "timeout"}


def apply_campaign(settings: Settings, campaign: Campaign) -> None:
    """Put a campaign's politeness choices into the crawler's settings."""
    crawl = campaign.crawl
    bot_url = crawl.contact_url or settings.get("MENTIONSPIDER_BOT_URL")
    from mentionspider import __version__
    settings.set("USER_AGENT", f"mentionspider/{__version__} (+{bot_url})", priority="spider")
    settings.set("DOWNLOAD_DELAY", crawl.delay, priority="spider")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", crawl.concurrency_per_site, priority="spider")
    settings.set("MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST",
                 campaign.linkcheck.concurrency_per_host, priority="spider")
    settings.set("MENTIONSPIDER_LINKCHECK_DELAY", campaign.linkcheck.delay, priority="spider")
    settings.set("ROBOTSTXT_OBEY", crawl.obey_robots or campaign.linkcheck.obey_robots,
                 priority="spider")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SweepSpider(scrapy.Spider):
    name = "sweep"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, campaign: Any = None,
                     **kwargs: Any) -> "SweepSpider":
        source = campaign or crawler.settings.get("MENTIONSPIDER_CAMPAIGN")
        if source is None:
            raise ValueError("the sweep spider needs a campaign: -a campaign=FILE.toml")
        loaded = source if isinstance(source, Campaign) else load_campaign(source)
        apply_campaign(crawler.settings, loaded)
        return super().from_crawler(crawler, *args, campaign=loaded, **kwargs)

    def __init__(self, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.campaign = campaign
        self.analyser = PageAnalyser(
            brand_names=campaign.brand_names, brand_domains=campaign.brand_domains,
            exclude=campaign.exclude, spacing_variants=campaign.spacing_variants,
            fold_diacritics=campaign.fold_diacritics,
            competitor_names=campaign.competitor_names,
            competitor_domains=campaign.competitor_domains, keywords=campaign.keywords)
        self.frontier: Frontier | None = None
        self.checked: set[str] = set()
        self.known_verdicts: dict[str, tuple[str, str]] = {}

    def reuse_verdicts(self, verdicts: dict[str, tuple[str, str]]) -> None:
        """Link verdicts still fresh in the store: those URLs are not rechecked."""
        self.known_verdicts = verdicts

    # --- crawling pages -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        settings = self.crawler.settings
        self.frontier = Frontier(
            (site_of(url) for url in self.campaign.crawl.seeds),
            max_pages_per_site=self.campaign.crawl.max_pages_per_site,
            max_url_length=settings.getint("MENTIONSPIDER_TRAP_MAX_URL"),
            max_repeats=settings.getint("MENTIONSPIDER_TRAP_REPEATS"))
        for url in self.campaign.crawl.seeds:
            if self.frontier.admit(url, seed=True) is None:
                yield self._page_request(url)

    def _page_request(self, url: str) -> scrapy.Request:
        meta: dict[str, Any] = {"handle_httpstatus_list": CHECK_STATUSES}
        if not self.campaign.crawl.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, meta=meta)

    def parse_page(self, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        if response.status >= 300:
            verdict = verdict_for_status(response.status, _headers(response))
            failure = verdict.status if verdict.status in ("dns", "refused") else (
                f"http_{response.status}")
            stats.inc_value(f"mentionspider/pages/errors/{failure}")
            return
        if not isinstance(response, TextResponse) or not _is_html(response):
            stats.inc_value("mentionspider/pages/not_html")
            return
        parsed = parse_page(response.body, response.url, response.encoding)
        analysis = self.analyser.analyse(parsed)
        depth = response.meta.get("depth", 0)
        if depth == 0 and self.frontier is not None:
            self.frontier.add_site(site_of(response.url))  # a seed that redirected elsewhere
        yield PageItem(campaign=self.campaign.name, url=response.url,
                       requested_url=response.request.url if response.request else response.url,
                       site=site_of(response.url), status=response.status, depth=depth,
                       fetched_at=_now(), analysis=analysis)
        if depth < self.campaign.crawl.max_depth and self.frontier is not None:
            for url in analysis.internal_links:
                reason = self.frontier.admit(url)
                if reason is None:
                    yield self._page_request(url)
                elif reason != "offsite":
                    stats.inc_value(f"mentionspider/frontier/{reason}")
        if self.campaign.crawl.check_links:
            for link in analysis.outlinks:
                yield from self._check(link.url)

    def page_failed(self, failure: Failure) -> None:
        kind, message = failure_kind(failure)
        name = "robots_disallowed" if kind == "robots" else f"errors/{kind}"
        self.crawler.stats.inc_value(f"mentionspider/pages/{name}")
        if kind != "robots":
            self.logger.warning("page %s failed: %s", failure.request.url, message)

    # --- checking outbound links ----------------------------------------------------------
    def _check(self, url: str) -> Iterator[scrapy.Request]:
        if url in self.checked or host_in_domains(_host(url), self.campaign.brand_domains):
            return
        self.checked.add(url)
        if url in self.known_verdicts:
            self.crawler.stats.inc_value("mentionspider/linkcheck/reused")
            return
        yield self._check_request(url, "HEAD")

    def _check_request(self, url: str, method: str) -> scrapy.Request:
        meta = {"mentionspider_check": url, "handle_httpstatus_list": CHECK_STATUSES,
                "mentionspider_started": time.monotonic(),
                "download_maxsize": self.crawler.settings.getint("MENTIONSPIDER_LINKCHECK_MAXSIZE")}
        if not self.campaign.linkcheck.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, method=method, callback=self.link_checked,
                              errback=self.link_failed, meta=meta, dont_filter=method == "GET")

    def link_checked(self, response: Response) -> Iterator[Any]:
        request = response.request
        assert request is not None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in response.headers.items() for v in v[:1]}
        verdict = verdict_for_status(response.status, headers)
        if request.method == "HEAD" and verdict.outcome != "ok" and verdict.status not in (
                "dns", "refused"):
            # Many servers mishandle HEAD (405, 501, even 404): only GET is trusted.
            self.crawler.stats.inc_value("mentionspider/linkcheck/head_fallback")
            yield self._check_request(request.meta["mentionspider_check"], "GET")
            return
        yield self._verdict_item(request, verdict, final_url=response.url)

    def link_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        kind, message = failure_kind(failure)
        if request.method == "HEAD" and kind in _HEAD_RETRY_ON_FAILURE:
            yield self._check_request(request.meta["mentionspider_check"], "GET")
            return
        yield self._verdict_item(request, verdict_for_error(kind, message), final_url="")

    def _verdict_item(self, request: scrapy.Request, verdict: Verdict, *,
                      final_url: str) -> LinkCheckItem:
        meta = request.meta
        stats = self.crawler.stats
        stats.inc_value("mentionspider/linkcheck/checked")
        stats.inc_value(f"mentionspider/linkcheck/{verdict.outcome}")
        elapsed = time.monotonic() - meta.get("mentionspider_started", time.monotonic())
        return LinkCheckItem(url=meta["mentionspider_check"], outcome=verdict.outcome,
                             status=verdict.status, final_url=final_url,
                             redirects=list(meta.get("redirect_urls", [])),
                             method=request.method, evidence=verdict.evidence,
                             elapsed_ms=round(elapsed * 1000), checked_at=_now())


def _host(url: str) -> str:
    from urllib.parse import urlsplit
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _headers(response: Response) -> dict[str, str]:
    """The response's headers, names lower-cased, first value of each."""
    return {name.decode("latin-1").lower(): values[0].decode("latin-1")
            for name, values in response.headers.items() if values}


def _is_html(response: TextResponse) -> bool:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    return not content_type or "html" in content_type
