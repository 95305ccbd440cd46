"""Outbound link checking, as spider methods (queued callbacks must be spider methods).

The decisions live in :mod:`mentionspider.linkcheck` (verdict, softnotfound,
retrying, gate); this mixin only turns them into requests and items. A spider
using it calls :meth:`init_link_checks` in ``__init__``, has ``campaign`` and
``crawler``, and connects :meth:`_idle` to ``spider_idle``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from mentionspider.analysis.urls import host_in_domains, host_of
from mentionspider.campaign import Campaign
from mentionspider.items import utcnow, LinkCheckItem
from mentionspider.linkcheck.failures import failure_kind
from mentionspider.linkcheck.gate import CheckGate
from mentionspider.linkcheck.middleware import CHECK_META, PROBE_META, response_headers
from mentionspider.linkcheck.softnotfound import (HostProfile, PageSketch, SoftNotFound,
                                                  probe_path, sketch_page, soft_404_evidence)
from mentionspider.linkcheck.verdict import (Verdict, soft_404_verdict, verdict_for_error,
                                             verdict_for_status)

__all__ = ["LinkCheckMixin", "CHECK_STATUSES"]

_REDIRECTS = {301, 302, 303, 307, 308}
#: Every status but redirects reaches the callbacks (redirects are followed).
CHECK_STATUSES = [s for s in range(100, 1000) if s not in _REDIRECTS]
_HEAD_RETRY_ON_FAILURE = {"connection", "connect", "error", "proxy", "tls", "timeout"}


class LinkCheckMixin:
    campaign: Campaign
    crawler: Any

    def init_link_checks(self) -> None:
        self.checked: set[str] = set()
        self.known_verdicts: dict[str, tuple[str, str]] = {}
        self.gate: CheckGate[scrapy.Request] | None = None
        self.soft404 = SoftNotFound()
        self.parked: dict[str, list[tuple[scrapy.Request, str, PageSketch | None]]] = {}

    def reuse_verdicts(self, verdicts: dict[str, tuple[str, str]]) -> None:
        """Link verdicts still fresh in the store: those URLs are not rechecked."""
        self.known_verdicts = verdicts

    def _check(self, url: str) -> Iterator[scrapy.Request]:
        if url in self.checked or host_in_domains(host_of(url), self.campaign.brand_domains):
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
                              errback=self.link_failed, meta=meta, dont_filter=True)

    def link_checked(self, response: Response) -> Iterator[Any]:
        request = response.request
        assert request is not None
        headers = response_headers(response)
        verdict = verdict_for_status(response.status, headers)
        if (verdict.outcome == "ok" and request.method == "HEAD"
                and "html" in headers.get("content-type", "html")
                and not _is_home_url(response.url)
                and self.crawler.settings.getbool("MENTIONSPIDER_LINKCHECK_SOFT404_BODIES")):
            # Only the body can say "page not found" on a host that answers 404 properly
            # for unknown paths but serves 200 "not found" pages for removed ones.
            self.crawler.stats.inc_value("mentionspider/linkcheck/soft404_body_fetch")
            yield self._check_request(request.meta[CHECK_META], "GET", after=request,
                                      fetch="body")
            return
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
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
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
        host = host_of(final_url or url)
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
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        yield from self._unpark(request.meta[PROBE_META], HostProfile())

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
                            elapsed_ms=round(elapsed * 1000), checked_at=utcnow(),
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


def _is_home_url(url: str) -> bool:
    try:
        return urlsplit(url).path in ("", "/")
    except ValueError:
        return False
