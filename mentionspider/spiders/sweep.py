"""The sweep spider: crawl a campaign's seed sites, analyse pages, check outbound links.

Run it through the CLI (``mentionspider sweep CAMPAIGN.toml``) or from the
project root with ``scrapy crawl sweep -a campaign=CAMPAIGN.toml``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
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
from mentionspider.linkcheck.gate import CheckGate
from mentionspider.linkcheck.middleware import CHECK_META, PROBE_META
from mentionspider.linkcheck.softnotfound import (HostProfile, PageSketch, SoftNotFound,
                                                  probe_path, sketch_page, soft_404_evidence)
from mentionspider.linkcheck.verdict import (Verdict, soft_404_verdict, verdict_for_error,
                                             verdict_for_status)

__all__ = ["SweepSpider", "apply_campaign"]

_REDIRECTS = {301, 302, 303, 307, 308}
#: Every status but redirects reaches the link-check callback (redirects are followed).
CHECK_STATUSES = [s for s in range(100, 1000) if s not in _REDIRECTS]
_HEAD_RETRY_ON_FAILURE = {"connection", "connect", "error", "proxy", "tls", "timeout"}


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
        spider = super().from_crawler(crawler, *args, campaign=loaded, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

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
        self.gate: CheckGate[scrapy.Request] | None = None
        self.soft404 = SoftNotFound()
        self.parked: dict[str, list[tuple[scrapy.Request, str, PageSketch | None]]] = {}

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
                elif reason not in ("offsite", "seen"):
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
    # The decisions live in mentionspider.linkcheck (verdict, softnotfound, retrying, gate);
    # this part only turns them into requests and items.
    def _check(self, url: str) -> Iterator[scrapy.Request]:
        if url in self.checked or host_in_domains(_host(url), self.campaign.brand_domains):
            return
        self.checked.add(url)
        if url in self.known_verdicts:
            self.crawler.stats.inc_value("mentionspider/linkcheck/reused")
            return
        if self.gate is None:
            cap = self.crawler.settings.getint("MENTIONSPIDER_LINKCHECK_CONCURRENCY")
            self.gate = CheckGate(cap)
        waiting = len(self.gate.waiting)
        yield from self.gate.admit(self._check_request(url, "HEAD"))
        if len(self.gate.waiting) > waiting:
            self.crawler.stats.inc_value("mentionspider/linkcheck/waited_for_cap")

    def _check_request(self, url: str, method: str, *, after: scrapy.Request | None = None,
                       fetch: str = "") -> scrapy.Request:
        meta: dict[str, Any] = {
            CHECK_META: url, "handle_httpstatus_list": CHECK_STATUSES,
            "mentionspider_started": time.monotonic(),
            "download_maxsize": self.crawler.settings.getint("MENTIONSPIDER_LINKCHECK_MAXSIZE")}
        if after is not None:  # a GET after a HEAD: the same check goes on
            meta["mentionspider_started"] = after.meta.get("mentionspider_started",
                                                           time.monotonic())
            meta["mentionspider_attempts"] = _attempts(after)
        if fetch:
            meta["mentionspider_fetch"] = fetch
        if not self.campaign.linkcheck.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, method=method, callback=self.link_checked,
                              errback=self.link_failed, meta=meta, dont_filter=method == "GET")

    def link_checked(self, response: Response) -> Iterator[Any]:
        request = response.request
        assert request is not None
        verdict = verdict_for_status(response.status, _headers(response))
        if request.method == "HEAD" and verdict.outcome != "ok" and verdict.status not in (
                "dns", "refused"):
            # Many servers mishandle HEAD (405, 501, even 404): only GET is trusted.
            self.crawler.stats.inc_value("mentionspider/linkcheck/head_fallback")
            yield self._check_request(request.meta[CHECK_META], "GET", after=request)
            return
        if verdict.outcome == "ok":
            page = sketch_page(response.body) if request.method == "GET" else None
            yield from self._settle_ok(request, response.url, page)
            return
        yield from self._finish(request, verdict, final_url=response.url)

    def link_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        kind, message = failure_kind(failure)
        if request.method == "HEAD" and kind in _HEAD_RETRY_ON_FAILURE:
            yield self._check_request(request.meta[CHECK_META], "GET", after=request)
            return
        yield from self._finish(request, verdict_for_error(kind, message), final_url="",
                                error=message)

    def _settle_ok(self, request: scrapy.Request, final_url: str,
                   page: PageSketch | None) -> Iterator[Any]:
        """A 2xx answer: a real page, or a soft 404 (maybe after probing the host)."""
        url = request.meta[CHECK_META]
        host = _host(final_url or url)
        probing = self.crawler.settings.getbool("MENTIONSPIDER_LINKCHECK_SOFT404")
        profile = self.soft404.profile(host) if probing else None
        evidence = soft_404_evidence(url, final_url, page, profile)
        if evidence:
            kind = evidence.split(":")[0]
            self.crawler.stats.inc_value(f"mentionspider/linkcheck/soft404/{kind}")
            yield from self._finish(request, soft_404_verdict(evidence), final_url=final_url)
            return
        state = self.soft404.state(host) if probing else "honest"
        if state == "honest" or _is_home_url(final_url or url):
            yield from self._finish(request, verdict_for_status(200), final_url=final_url)
        elif state == "soft" and page is not None:
            yield from self._finish(request, verdict_for_status(200), final_url=final_url)
        elif state == "soft":  # only headers so far: the body decides
            self.crawler.stats.inc_value("mentionspider/linkcheck/soft404_body_fetch")
            yield self._check_request(url, "GET", after=request, fetch="body")
        else:
            self.parked.setdefault(host, []).append((request, final_url, page))
            if state == "unknown":
                self.soft404.start(host)
                yield self._probe_request(final_url or url, host)

    def _probe_request(self, url: str, host: str) -> scrapy.Request:
        parts = urlsplit(url)
        meta: dict[str, Any] = {
            PROBE_META: host, "handle_httpstatus_list": CHECK_STATUSES,
            "download_maxsize": self.crawler.settings.getint("MENTIONSPIDER_LINKCHECK_MAXSIZE")}
        if not self.campaign.linkcheck.obey_robots:
            meta["dont_obey_robotstxt"] = True
        self.crawler.stats.inc_value("mentionspider/linkcheck/soft404_probes")
        return scrapy.Request(f"{parts.scheme}://{parts.netloc}{probe_path()}",
                              callback=self.probe_answered, errback=self.probe_failed,
                              meta=meta, dont_filter=True)

    def probe_answered(self, response: Response) -> Iterator[Any]:
        request = response.request
        assert request is not None
        profile = HostProfile.from_probe(request.url, response.status, response.url,
                                         response.body)
        yield from self._unpark(request.meta[PROBE_META], profile)

    def probe_failed(self, failure: Failure) -> Iterator[Any]:
        # No answer for a random path: nothing to compare with, so 200s are trusted.
        yield from self._unpark(failure.request.meta[PROBE_META], HostProfile())

    def _unpark(self, host: str, profile: HostProfile) -> Iterator[Any]:
        self.soft404.settle(host, profile)
        for request, final_url, page in self.parked.pop(host, []):
            yield from self._settle_ok(request, final_url, page)

    def _finish(self, request: scrapy.Request, verdict: Verdict, *, final_url: str,
                error: str = "") -> Iterator[Any]:
        meta = request.meta
        stats = self.crawler.stats
        stats.inc_value("mentionspider/linkcheck/checked")
        stats.inc_value(f"mentionspider/linkcheck/{verdict.outcome}")
        elapsed = time.monotonic() - meta.get("mentionspider_started", time.monotonic())
        yield LinkCheckItem(url=meta[CHECK_META], outcome=verdict.outcome,
                            status=verdict.status, final_url=final_url,
                            redirects=list(meta.get("redirect_urls", [])),
                            method=request.method, evidence=verdict.evidence,
                            elapsed_ms=round(elapsed * 1000), checked_at=_now(),
                            error=error[:500], attempts=_attempts(request))
        if self.gate is not None:
            yield from self.gate.release()

    def _idle(self) -> None:
        """Safety net: checks still waiting for the cap when nothing is in flight."""
        if self.gate is None or not self.gate.waiting:
            return
        for request in self.gate.unstick():
            self.crawler.engine.crawl(request)
        raise DontCloseSpider


def _attempts(request: scrapy.Request) -> int:
    """Requests made for one check so far (HEAD, GET fallback, retries)."""
    meta = request.meta
    return meta.get("mentionspider_attempts", 0) + meta.get("retry_times", 0) + 1


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v[0].decode("latin-1")
            for k, v in response.headers.items() if v}


def _is_home_url(url: str) -> bool:
    try:
        return urlsplit(url).path in ("", "/")
    except ValueError:
        return False


def _host(url: str) -> str:
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
