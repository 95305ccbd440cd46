"""Link checking as one Scrapy component: :class:`LinkChecker`, an extension any spider uses.

The interface, all of it::

    from mentionspider.linkcheck.checker import LinkChecker, LinkCheckSpider

    class MySpider(LinkCheckSpider, scrapy.Spider):      # the callbacks, no state
        def parse(self, response):
            for url in outbound_links:
                yield from LinkChecker.of(self.crawler).check(url, source=response.url)

- :meth:`LinkChecker.of` finds the checker of a crawler (it is registered in
  ``EXTENSIONS`` and built with ``from_crawler``, once per crawl).
- :meth:`LinkChecker.check` takes one outbound URL and returns what the spider
  should yield now: the check's first request, or nothing (already checked this
  run, a fresh verdict reused, a brand link, or waiting for the global cap).
  Every check ends with one :class:`~mentionspider.items.LinkCheckItem`, which
  comes out of the callbacks.
- :meth:`LinkChecker.reuse` hands it the verdicts still fresh in the store
  (the store pipeline does this when the spider opens): those URLs are not
  rechecked.
- :class:`LinkCheckSpider` gives the spider the two callbacks every check
  request names (``linkcheck_answered``, ``linkcheck_failed``): requests stay
  serialisable (callbacks are spider methods, meta is plain data), so a
  distributed scheduler can store them.

The spider's ``campaign`` (read when the spider opens) gives the brand domains
that are never checked and ``[linkcheck] obey_robots``. All the state of a run
(checked URLs, the global cap, the hosts' soft-404 profiles, the checks parked
for a probe) lives here. The decisions live in the pure modules next to this
one: :mod:`.verdict`, :mod:`.softnotfound`, :mod:`.retrying`, :mod:`.gate`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from mentionspider.analysis.urls import host_in_domains, host_of
from mentionspider.items import LinkCheckItem, utcnow
from mentionspider.linkcheck.failures import failure_kind
from mentionspider.linkcheck.gate import CheckGate
from mentionspider.linkcheck.middleware import CHECK_META, PROBE_META, response_headers
from mentionspider.linkcheck.softnotfound import (HostProfile, PageSketch, SoftNotFound,
                                                  probe_path, sketch_page, soft_404_evidence)
from mentionspider.linkcheck.verdict import (Verdict, soft_404_verdict, verdict_for_error,
                                             verdict_for_status)

__all__ = ["LinkChecker", "LinkCheckSpider", "CHECK_STATUSES"]

_REDIRECTS = {301, 302, 303, 307, 308}
#: Every status but redirects reaches the callbacks (redirects are followed).
CHECK_STATUSES = [s for s in range(100, 1000) if s not in _REDIRECTS]
_HEAD_RETRY_ON_FAILURE = {"connection", "connect", "error", "proxy", "tls", "timeout"}


class LinkCheckSpider:
    """The callbacks of link-check requests, for any spider (no state of its own)."""

    crawler: Any

    def linkcheck_answered(self, response: Response) -> Iterator[Any]:
        return LinkChecker.of(self.crawler).answered(response)

    def linkcheck_failed(self, failure: Failure) -> Iterator[Any]:
        return LinkChecker.of(self.crawler).failed(failure)


class LinkChecker:
    """One crawl's link checks: the cap, soft-404 probes, verdict reuse, the items."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.stats = crawler.stats
        self.maxsize = settings.getint("MENTIONSPIDER_LINKCHECK_MAXSIZE")
        self.probing = settings.getbool("MENTIONSPIDER_LINKCHECK_SOFT404")
        self.read_bodies = settings.getbool("MENTIONSPIDER_LINKCHECK_SOFT404_BODIES")
        self.gate: CheckGate[scrapy.Request] = CheckGate(
            settings.getint("MENTIONSPIDER_LINKCHECK_CONCURRENCY"))
        self.brand_domains: tuple[str, ...] = ()
        self.obey_robots = True
        self.checked: set[str] = set()
        self.known: dict[str, tuple[str, str]] = {}
        self.soft404 = SoftNotFound()
        self.parked: dict[str, list[tuple[scrapy.Request, str, PageSketch | None]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "LinkChecker":
        checker = cls(crawler)
        crawler.signals.connect(checker.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(checker.spider_idle, signal=signals.spider_idle)
        return checker

    @staticmethod
    def of(crawler: Any) -> "LinkChecker":
        """The checker of ``crawler`` (``EXTENSIONS`` must list it)."""
        for extension in crawler.extensions.middlewares:
            if isinstance(extension, LinkChecker):
                return extension
        raise RuntimeError("LinkChecker is not enabled: add "
                           "mentionspider.linkcheck.checker.LinkChecker to EXTENSIONS")

    # --- the interface ----------------------------------------------------------------------
    def spider_opened(self, spider: Any) -> None:
        campaign = getattr(spider, "campaign", None)
        if campaign is not None:
            self.brand_domains = tuple(campaign.brand_domains)
            self.obey_robots = campaign.linkcheck.obey_robots

    def reuse(self, verdicts: Mapping[str, tuple[str, str]]) -> None:
        """Verdicts still fresh in the store, by URL: those URLs are not rechecked."""
        self.known = dict(verdicts)

    def check(self, url: str, source: str = "") -> Iterator[scrapy.Request]:
        """Check ``url`` (linked from ``source``): yields the requests to send now."""
        if url in self.checked or host_in_domains(host_of(url), self.brand_domains):
            return
        self.checked.add(url)
        if url in self.known:
            self.stats.inc_value("mentionspider/linkcheck/reused")
            return
        waiting = len(self.gate.waiting)
        yield from self.gate.admit(self._request(url, "HEAD"))
        if len(self.gate.waiting) > waiting:
            self.stats.inc_value("mentionspider/linkcheck/waited_for_cap")

    def spider_idle(self) -> None:
        """Safety net: checks still waiting for the cap when nothing is in flight."""
        if not self.gate.waiting:
            return
        for request in self.gate.unstick():
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    # --- callbacks (through LinkCheckSpider) ------------------------------------------------
    def answered(self, response: Response) -> Iterator[Any]:
        request = response.request
        assert request is not None
        if PROBE_META in request.meta:
            profile = HostProfile.from_probe(request.url, response.status, response.url,
                                             response.body)
            yield from self._unpark(request.meta[PROBE_META], profile)
            return
        headers = response_headers(response)
        verdict = verdict_for_status(response.status, headers)
        if (verdict.outcome == "ok" and request.method == "HEAD"
                and "html" in headers.get("content-type", "html")
                and not _is_home_url(response.url) and self.read_bodies):
            # Only the body can say "page not found" on a host that answers 404 properly
            # for unknown paths but serves 200 "not found" pages for removed ones.
            self.stats.inc_value("mentionspider/linkcheck/soft404_body_fetch")
            yield self._request(request.meta[CHECK_META], "GET", after=request, fetch="body")
            return
        if request.method == "HEAD" and verdict.outcome != "ok" and verdict.status not in (
                "dns", "refused"):
            # Many servers mishandle HEAD (405, 501, even 404): only GET is trusted.
            self.stats.inc_value("mentionspider/linkcheck/head_fallback")
            yield self._request(request.meta[CHECK_META], "GET", after=request)
            return
        if verdict.outcome == "ok":
            page = sketch_page(response.body) if request.method == "GET" else None
            yield from self._settle_ok(request, response.url, page)
            return
        yield from self._finish(request, verdict, final_url=response.url)

    def failed(self, failure: Failure) -> Iterator[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        if PROBE_META in request.meta:
            # No answer for a random path: nothing to compare with, so 200s are trusted.
            yield from self._unpark(request.meta[PROBE_META], HostProfile())
            return
        kind, message = failure_kind(failure)
        if request.method == "HEAD" and kind in _HEAD_RETRY_ON_FAILURE:
            yield self._request(request.meta[CHECK_META], "GET", after=request)
            return
        yield from self._finish(request, verdict_for_error(kind, message), final_url="",
                                error=message)

    # --- inside -----------------------------------------------------------------------------
    def _request(self, url: str, method: str, *, after: scrapy.Request | None = None,
                 fetch: str = "") -> scrapy.Request:
        meta: dict[str, Any] = {
            CHECK_META: url, "handle_httpstatus_list": CHECK_STATUSES,
            "mentionspider_started": time.monotonic(), "download_maxsize": self.maxsize}
        if after is not None:  # a GET after a HEAD: the same check goes on
            meta["mentionspider_started"] = after.meta.get("mentionspider_started",
                                                           time.monotonic())
            meta["mentionspider_attempts"] = _attempts(after)
        if fetch:
            meta["mentionspider_fetch"] = fetch
        if not self.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return self._spider_request(url, method, meta)

    def _spider_request(self, url: str, method: str, meta: dict[str, Any]) -> scrapy.Request:
        spider = self.crawler.spider
        return scrapy.Request(url, method=method, callback=spider.linkcheck_answered,
                              errback=spider.linkcheck_failed, meta=meta, dont_filter=True)

    def _settle_ok(self, request: scrapy.Request, final_url: str,
                   page: PageSketch | None) -> Iterator[Any]:
        """A 2xx answer: a real page, or a soft 404 (maybe after probing the host)."""
        url = request.meta[CHECK_META]
        host = host_of(final_url or url)
        profile = self.soft404.profile(host) if self.probing else None
        evidence = soft_404_evidence(url, final_url, page, profile)
        if evidence:
            kind = evidence.split(":")[0]
            self.stats.inc_value(f"mentionspider/linkcheck/soft404/{kind}")
            yield from self._finish(request, soft_404_verdict(evidence), final_url=final_url)
            return
        state = self.soft404.state(host) if self.probing else "honest"
        if state == "honest" or _is_home_url(final_url or url):
            yield from self._finish(request, verdict_for_status(200), final_url=final_url)
        elif state == "soft" and page is not None:
            yield from self._finish(request, verdict_for_status(200), final_url=final_url)
        elif state == "soft":  # only headers so far: the body decides
            self.stats.inc_value("mentionspider/linkcheck/soft404_body_fetch")
            yield self._request(url, "GET", after=request, fetch="body")
        else:
            self.parked.setdefault(host, []).append((request, final_url, page))
            if state == "unknown":
                self.soft404.start(host)
                yield self._probe_request(final_url or url, host)

    def _probe_request(self, url: str, host: str) -> scrapy.Request:
        parts = urlsplit(url)
        meta: dict[str, Any] = {PROBE_META: host, "handle_httpstatus_list": CHECK_STATUSES,
                                "download_maxsize": self.maxsize}
        if not self.obey_robots:
            meta["dont_obey_robotstxt"] = True
        self.stats.inc_value("mentionspider/linkcheck/soft404_probes")
        return self._spider_request(f"{parts.scheme}://{parts.netloc}{probe_path()}", "GET",
                                    meta)

    def _unpark(self, host: str, profile: HostProfile) -> Iterator[Any]:
        self.soft404.settle(host, profile)
        for request, final_url, page in self.parked.pop(host, []):
            yield from self._settle_ok(request, final_url, page)

    def _finish(self, request: scrapy.Request, verdict: Verdict, *, final_url: str,
                error: str = "") -> Iterator[Any]:
        meta = request.meta
        self.stats.inc_value("mentionspider/linkcheck/checked")
        self.stats.inc_value(f"mentionspider/linkcheck/{verdict.outcome}")
        elapsed = time.monotonic() - meta.get("mentionspider_started", time.monotonic())
        yield LinkCheckItem(url=meta[CHECK_META], outcome=verdict.outcome,
                            status=verdict.status, final_url=final_url,
                            redirects=list(meta.get("redirect_urls", [])),
                            method=request.method, evidence=verdict.evidence,
                            elapsed_ms=round(elapsed * 1000), checked_at=utcnow(),
                            error=error[:500], attempts=_attempts(request))
        yield from self.gate.release()


def _attempts(request: scrapy.Request) -> int:
    """Requests made for one check so far (HEAD, GET fallback, retries)."""
    meta = request.meta
    return meta.get("mentionspider_attempts", 0) + meta.get("retry_times", 0) + 1


def _is_home_url(url: str) -> bool:
    try:
        return urlsplit(url).path in ("", "/")
    except ValueError:
        return False
