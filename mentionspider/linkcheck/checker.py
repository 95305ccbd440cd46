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
  must yield now: requests that may start, and verdicts reached without a
  request (a private address, a URL too long). Yield all of it. Nothing comes
  back for a URL already checked this run, a fresh verdict reused, a brand link
  or a non-http(s) link. Every check of an http(s) URL ends with exactly one
  :class:`~mentionspider.items.LinkCheckItem`; the others come out of the
  callbacks or, for checks that waited (host delay, a retry's wait, a dropped
  request), straight into the item pipelines.
- :meth:`LinkChecker.reuse` hands it the verdicts still fresh in the store
  (the store pipeline does this when the spider opens): those URLs are not
  rechecked.
- :class:`LinkCheckSpider` gives the spider the two callbacks every check
  request names (``linkcheck_answered``, ``linkcheck_failed``): requests stay
  serialisable (callbacks are spider methods, meta is plain data), so a
  distributed scheduler can store them.

The spider's ``campaign`` (read when the spider opens) gives the brand domains
that are never checked, ``[linkcheck] obey_robots`` and ``allow_private``.

How a check goes (all of a run's state lives here):

- **One request where one suffices.** A GET that stops reading
  (``StopDownload(fail=False)`` from the ``headers_received``/``bytes_received``
  signals) once it has what the verdict needs: the headers for a redirect, an
  error or a non-HTML answer; for an HTML page the head and the first ``<h1>``
  (soft-404 wording), or the whole page (up to ``MENTIONSPIDER_LINKCHECK_MAXSIZE``)
  on a host whose soft-404 profile is not known to be honest. HEAD only for
  file-like URLs (``.pdf``, ``.zip``, ...), where it saves the server a transfer;
  a HEAD answer that is not 2xx is confirmed with GET.
- **Redirects are followed here**, each hop paced as a request to its own host,
  and every answer is kept for the run: a hop to a URL already answered (the
  home page many dead links redirect to) costs no request.
- **Politeness**: requests wait in :class:`~.pacing.Pacer`, per host, not in the
  downloader: ``[linkcheck] delay`` between requests to one host,
  ``concurrency_per_host`` at once, and at most ``MENTIONSPIDER_LINKCHECK_CONCURRENCY``
  in flight in all. A retry waits on a timer, holding nothing, then goes first on
  its host. Waiting checks keep the spider open.
- **Soft-404 probe** (a random path, once per host) only on a host where it can
  change a verdict: one that answered a target with a 2xx HTML page and has not
  already answered another target with a plain 404/410.
- **Every check ends with a verdict**: a request dropped by another component
  (``request_dropped``, an ``IgnoreRequest`` in the errback, or lost by the time the
  spider goes idle) ends as ``skipped`` with the reason, and frees its place.

For a shared (distributed) scheduler: a check's state travels in its request's meta,
so any worker's checker can take its answer; but the checker that released a request
counts it in flight until it sees that request again, and ends it ``skipped:
dropped`` when its spider goes idle without having seen it. A scheduler that hands
check requests to other workers must keep them with the worker that released them
(or tell that worker's checker, through ``request_dropped``, that they left).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, StopDownload
from scrapy.http import HtmlResponse, Response
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.response import get_meta_refresh
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from mentionspider.analysis.urls import MALFORMED_REASONS, host_in_domains, host_of, malformed_reason
from mentionspider.items import LinkCheckItem, utcnow
from mentionspider.linkcheck.failures import failure_kind
from mentionspider.linkcheck.middleware import CHECK_META, PROBE_META, response_headers
from mentionspider.linkcheck.pacing import Pacer
from mentionspider.linkcheck.retrying import RETRY_STATUSES, HostStrikes, RetryPolicy
from mentionspider.linkcheck.softnotfound import (HostProfile, PageSketch, SoftNotFound,
                                                  probe_path, sketch_page, soft_404_evidence)
from mentionspider.linkcheck.verdict import (Verdict, proxy_failure, skipped_verdict,
                                             soft_404_verdict, verdict_for_error,
                                             verdict_for_status)

__all__ = ["LinkChecker", "LinkCheckSpider", "CHECK_STATUSES", "FILE_EXTENSIONS"]

logger = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}
#: Every status but redirects reaches a page callback (redirects are followed).
CHECK_STATUSES = [s for s in range(100, 1000) if s not in _REDIRECTS]
#: URLs ending like this are files, not pages: checked with HEAD (nothing to read).
FILE_EXTENSIONS = frozenset(
    "7z aac apk avi bin bmp bz2 dmg doc docx epub exe flac gif gz iso jar jpeg jpg m4a m4v "
    "mkv mov mp3 mp4 mpeg mpg msi odt ogg pdf png ppt pptx rar tar tgz tif tiff wav webm "
    "webp wmv xls xlsx zip".split())
_HEAD_RETRY_ON_FAILURE = {"connection", "connect", "error", "proxy", "tls", "timeout"}
_READ = "mentionspider_read"      # how much of the body to read: headers | head | full
_HOPS = "mentionspider_hops"      # URLs requested before this one (redirects)
_SENT = "mentionspider_attempts"  # requests sent for this check, this one included
_TOKEN = "mentionspider_token"    # which in-flight request this is
_H1_END = b"</h1"
#: A body of known length up to this is read whole: a stopped download costs the
#: connection (no keep-alive), which is dearer than a few kilobytes.
_SMALL = 64 * 1024


@dataclass(frozen=True, slots=True)
class _Answer:
    """A URL's GET answer, kept for the run: its redirect, or its final status and page."""

    status: int
    headers: dict[str, str]
    location: str = ""
    page: PageSketch | None = None


def _kept(answer: _Answer) -> _Answer:
    """What the run keeps of an answer: a page's title and headings, not its words
    (a run of many thousand targets would hold every page's text otherwise)."""
    page = answer.page
    if page is None or not page.words:
        return answer
    return replace(answer, page=PageSketch(page.title, page.headings))


class LinkCheckSpider:
    """The callbacks of link-check requests, for any spider (no state of its own)."""

    crawler: Any

    def linkcheck_answered(self, response: Response) -> list[Any]:
        return LinkChecker.of(self.crawler).answered(response)

    def linkcheck_failed(self, failure: Failure) -> list[Any]:
        return LinkChecker.of(self.crawler).failed(failure)


class LinkChecker:
    """One crawl's link checks: pacing, redirects, retries, probes, reuse, the verdicts."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.stats = crawler.stats
        self.maxsize = settings.getint("MENTIONSPIDER_LINKCHECK_MAXSIZE")
        self.probing = settings.getbool("MENTIONSPIDER_LINKCHECK_SOFT404")
        self.read_bodies = settings.getbool("MENTIONSPIDER_LINKCHECK_SOFT404_BODIES")
        self.max_hops = settings.getint("REDIRECT_MAX_TIMES")
        self.max_url = settings.getint("URLLENGTH_LIMIT")
        self.refresh_max = settings.getfloat("METAREFRESH_MAXDELAY")
        self.pacer: Pacer[scrapy.Request] = Pacer(
            _cap(settings.getint("MENTIONSPIDER_LINKCHECK_CONCURRENCY"),
                 settings.getint("CONCURRENT_REQUESTS"),
                 settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")),
            settings.getint("MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST"),
            settings.getfloat("MENTIONSPIDER_LINKCHECK_DELAY"))
        self.policy = RetryPolicy(
            retries=settings.getint("MENTIONSPIDER_LINKCHECK_RETRIES"),
            backoff=settings.getfloat("MENTIONSPIDER_LINKCHECK_BACKOFF"),
            max_wait=settings.getfloat("MENTIONSPIDER_LINKCHECK_RETRY_AFTER_MAX"))
        self.strikes = HostStrikes(settings.getint("MENTIONSPIDER_LINKCHECK_HOST_GIVE_UPS"))
        self.allow_private = settings.getbool("MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE")
        self.brand_domains: tuple[str, ...] = ()
        self.obey_robots = True
        self.checked: set[str] = set()
        self.known: dict[str, tuple[str, str]] = {}
        self.answers: dict[str, _Answer] = {}
        self.soft404 = SoftNotFound()
        self.parked: dict[str, list[tuple[scrapy.Request, str, PageSketch | None]]] = {}
        self.in_flight: dict[int, tuple[str, scrapy.Request]] = {}
        self.tokens = 0
        self.retrying = 0       # checks waiting on a timer to retry
        self.wake: CallLaterResult | None = None  # for the next host whose delay is over
        self.wake_time = 0.0
        self.reading: dict[int, int] = {}  # token -> bytes read, partial reads
        self.out: list[Any] = []
        self.started = 0.0      # monotonic time of the run's first check

    @classmethod
    def from_crawler(cls, crawler: Any) -> "LinkChecker":
        checker = cls(crawler)
        connect = crawler.signals.connect
        connect(checker.spider_opened, signal=signals.spider_opened)
        connect(checker.spider_idle, signal=signals.spider_idle)
        connect(checker.spider_closed, signal=signals.spider_closed)
        connect(checker.request_dropped, signal=signals.request_dropped)
        connect(checker.headers_received, signal=signals.headers_received)
        connect(checker.bytes_received, signal=signals.bytes_received)
        connect(checker.request_reached_downloader, signal=signals.request_reached_downloader)
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

    def check(self, url: str, source: str = "") -> list[Any]:
        """Check ``url`` (linked from ``source``): the requests and verdicts to yield now."""
        if url in self.checked or host_in_domains(host_of(url), self.brand_domains):
            return []
        reason = malformed_reason(url, private_ok=False)
        if reason == "scheme":  # mailto:, javascript:, ftp:, file: ... never requested
            self.stats.inc_value("mentionspider/linkcheck/not_http")
            return []
        self.checked.add(url)
        if url in self.known:
            self.stats.inc_value("mentionspider/linkcheck/reused")
            return []
        self.started = self.started or time.monotonic()
        meta: dict[str, Any] = {CHECK_META: url, "mentionspider_started": time.monotonic(),
                                _HOPS: [], _SENT: 0}
        if source:
            meta["mentionspider_source"] = source
        request = self._request(url, "HEAD" if _extension(url) in FILE_EXTENSIONS else "GET",
                                meta)
        skip = self._skip_reason(url, reason)
        if skip:
            self._finish(request, skipped_verdict(skip), final_url="", method="")
        else:
            self._enqueue(request)
            self._pump()
        return self._drain()

    # --- Scrapy's side ----------------------------------------------------------------------
    def answered(self, response: Response) -> list[Any]:
        request = response.request
        assert request is not None
        self._came_back(request)
        headers = response_headers(response)
        status = response.status
        host = host_of(request.url)
        wait = self.policy.retry_status(request.method, status, headers,
                                        request.meta.get("retry_times", 0))
        if wait is not None and not self._host_exhausted(host):
            self._retry_later(request, wait, f"HTTP {status}")
        else:
            if status in RETRY_STATUSES and request.meta.get("retry_times", 0):
                self._gave_up(request, f"HTTP {status}")
            answer = self._answer_of(response, headers)
            if request.method == "GET" and not (status == 429 or status >= 500):
                self.answers[request.url] = _kept(answer)
            self._on_answer(request, answer)
        self._pump()
        return self._drain()

    def failed(self, failure: Failure) -> list[Any]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        self._came_back(request)
        kind, message = failure_kind(failure)
        if kind == "ignored":  # another component dropped it: offsite, filtered, ...
            reason = "offsite" if "offsite" in message.lower() else "filtered"
            self._end(request, skipped_verdict(reason, message[:300]), final_url="")
        elif kind == "private":
            self._end(request, skipped_verdict("private address", message[:300]), final_url="")
        elif kind == "robots":
            self._end(request, verdict_for_error(kind, message), final_url="")
        elif request.method == "HEAD" and kind in _HEAD_RETRY_ON_FAILURE:
            self._fallback(request)
        else:
            wait = self.policy.retry_failure(request.method, kind,
                                             request.meta.get("retry_times", 0))
            if wait is not None and not self._host_exhausted(host_of(request.url)):
                self._retry_later(request, wait, kind)
            else:
                if request.meta.get("retry_times", 0):
                    self._gave_up(request, kind)
                self._end(request, verdict_for_error(kind, message), final_url="",
                          error=message)
        self._pump()
        return self._drain()

    def request_dropped(self, request: scrapy.Request) -> None:
        """A scheduler refused a check request (a dupefilter): it ends as ``skipped``."""
        if request.meta.get(_TOKEN) not in self.in_flight:
            return
        self._came_back(request)
        self._end(request, skipped_verdict("filtered", "dropped by the scheduler"),
                  final_url="")
        self._pump()
        self._flush()

    def request_reached_downloader(self, request: scrapy.Request) -> None:
        """The host's delay counts from when a request really leaves (after robots.txt)."""
        entry = self.in_flight.get(request.meta.get(_TOKEN, 0))
        if entry is not None:
            self.pacer.started(entry[0], time.monotonic())

    def headers_received(self, headers: Any, body_length: object, request: scrapy.Request,
                         **_: Any) -> None:
        read = request.meta.get(_READ)
        if read is None:
            return
        if isinstance(body_length, int) and 0 <= body_length <= _SMALL:  # cheaper to read than to drop the connection
            self.reading[request.meta[_TOKEN]] = -1
            return
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if (read == "headers" or headers.get(b"Location")
                or (content_type and "html" not in content_type)):
            raise StopDownload(fail=False)

    def bytes_received(self, data: bytes, request: scrapy.Request, **_: Any) -> None:
        read = request.meta.get(_READ)
        if read is None:
            return
        token = request.meta[_TOKEN]
        seen = self.reading.get(token, 0)
        if seen < 0:  # a small body: read to the end
            return
        self.reading[token] = seen + len(data)
        if seen + len(data) >= self.maxsize:
            raise StopDownload(fail=False)
        if read == "head" and _H1_END in data.lower():
            raise StopDownload(fail=False)

    def spider_idle(self) -> None:
        """Keep the spider open while checks wait; end the ones whose requests were lost."""
        if self.in_flight:  # nothing is in Scrapy's hands any more: these will never return
            for host, request in list(self.in_flight.values()):
                self._came_back(request)
                self.stats.inc_value("mentionspider/linkcheck/lost")
                self._end(request, skipped_verdict("dropped", "the request never came back"),
                          final_url="")
        self._pump()
        self._flush()
        if self.retrying or self.pacer.waiting() or self.parked or self.out:
            raise DontCloseSpider

    def spider_closed(self) -> None:
        if self.wake is not None:
            self.wake.cancel()

    # --- requests ---------------------------------------------------------------------------
    def _request(self, url: str, method: str, meta: dict[str, Any]) -> scrapy.Request:
        spider = self.crawler.spider
        meta = {**meta, "dont_redirect": True, "handle_httpstatus_all": True,
                "dont_retry": True, "allow_offsite": True, "download_maxsize": 0}
        if not self.obey_robots:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, method=method, callback=spider.linkcheck_answered,
                              errback=spider.linkcheck_failed, meta=meta, dont_filter=True,
                              priority=10)

    def _skip_reason(self, url: str, reason: str | None) -> str:
        if reason == "private_address":
            return "" if self.allow_private else "private address"
        if reason:
            return MALFORMED_REASONS[reason]
        if len(url) > self.max_url:
            return "URL too long"
        return ""

    def _enqueue(self, request: scrapy.Request, *, front: bool = False) -> None:
        if self._needless(request):
            self._without_request(request)
        else:
            self.pacer.add(host_of(request.url), request, front=front)

    def _needless(self, request: scrapy.Request) -> bool:
        """Answered meanwhile (a GET of a URL answered this run), or a probe whose host
        turned out honest while it waited: no request needed."""
        if PROBE_META in request.meta:
            return self.soft404.state(request.meta[PROBE_META]) == "honest"
        return (request.method == "GET" and request.url in self.answers
                and not request.meta.get("retry_times"))

    def _without_request(self, request: scrapy.Request) -> None:
        if PROBE_META in request.meta:
            self.stats.inc_value("mentionspider/linkcheck/soft404_probe_not_needed")
            self._probed(request, None)
            return
        self.stats.inc_value("mentionspider/linkcheck/answer_reused")
        self._on_answer(request, self.answers[request.url])

    def _pump(self) -> None:
        """Send what the pacer lets go now; wake up when the next host's delay is over."""
        while True:
            freed, sent = self.pacer.release(time.monotonic(), self._needless)
            for request in freed:
                self._without_request(request)
            for request in sent:
                self._send(request)
            if not freed and not sent:
                break
        wake = self.pacer.wake_at(time.monotonic())
        if wake is not None and (self.wake is None or wake < self.wake_time):
            if self.wake is not None:
                self.wake.cancel()
            self.wake_time = wake
            self.wake = call_later(max(0.0, wake - time.monotonic()), self._woken)

    def _woken(self) -> None:
        self.wake = None
        self._pump()
        self._flush()

    def _send(self, request: scrapy.Request) -> None:
        self.tokens += 1
        meta = request.meta
        meta[_TOKEN] = self.tokens
        meta[_SENT] = meta.get(_SENT, 0) + 1
        meta[_READ] = self._read_mode(request)
        self.in_flight[self.tokens] = (host_of(request.url), request)
        meta["mentionspider_sent_at"] = time.monotonic()
        if PROBE_META in meta:
            self.stats.inc_value("mentionspider/linkcheck/requests/probe")
        self.out.append(request)

    def _read_mode(self, request: scrapy.Request) -> str:
        if request.method == "HEAD":
            return "headers"
        if PROBE_META in request.meta:
            return "full"
        honest = (not self.probing
                  or self.soft404.state(host_of(request.url)) == "honest")
        if honest:
            return "head" if self.read_bodies else "headers"
        return "full"

    def _came_back(self, request: scrapy.Request) -> None:
        token = request.meta.get(_TOKEN, 0)
        entry = self.in_flight.pop(token, None)
        self.reading.pop(token, None)
        if entry is not None:
            self.pacer.done(entry[0], time.monotonic() - request.meta.get(
                "mentionspider_sent_at", time.monotonic()))

    def _drain(self) -> list[Any]:
        out, self.out = self.out, []
        return out

    def _flush(self) -> None:
        """Outside a callback: requests to the engine, verdicts to the item pipelines."""
        engine = self.crawler.engine
        for thing in self._drain():
            if isinstance(thing, scrapy.Request):
                engine.crawl(thing)
            else:
                deferred_from_coro(engine.scraper.start_itemproc_async(thing, response=None))

    def _retry_later(self, request: scrapy.Request, wait: float, reason: str) -> None:
        attempt = request.meta.get("retry_times", 0) + 1
        logger.debug("Retrying link check %s in %.1fs (attempt %d): %s", request, wait,
                     attempt + 1, reason)
        self.stats.inc_value("mentionspider/linkcheck/retries")
        self.stats.inc_value(f"mentionspider/linkcheck/retry_reason/{reason}")
        retry = request.replace(meta={**request.meta, "retry_times": attempt,
                                      "mentionspider_waited":
                                          request.meta.get("mentionspider_waited", 0.0) + wait})
        self.retrying += 1
        call_later(wait, self._retry_due, retry)

    def _retry_due(self, request: scrapy.Request) -> None:
        self.retrying -= 1
        self.pacer.add(host_of(request.url), request, front=True)
        self._pump()
        self._flush()

    def _host_exhausted(self, host: str) -> bool:
        if self.strikes.exhausted(host):
            self.stats.inc_value("mentionspider/linkcheck/host_not_retried")
            return True
        return False

    def _gave_up(self, request: scrapy.Request, reason: str) -> None:
        self.strikes.strike(host_of(request.url))
        self.stats.inc_value("mentionspider/linkcheck/gave_up")
        logger.debug("Gave up on link check %s after %d attempts: %s", request,
                     request.meta.get("retry_times", 0) + 1, reason)

    # --- answers ----------------------------------------------------------------------------
    def _answer_of(self, response: Response, headers: dict[str, str]) -> _Answer:
        status = response.status
        location = ""
        if 300 <= status < 400 and headers.get("location"):
            location = safe_url_string(urljoin(response.url, headers["location"]))
        page = None
        if 200 <= status < 300 and isinstance(response, HtmlResponse):
            interval, refresh = get_meta_refresh(response)
            if refresh and interval is not None and interval < self.refresh_max:
                location = refresh
            elif response.request is not None and response.request.meta.get(_READ) != "headers":
                page = sketch_page(response.body)
        return _Answer(status, headers, location, page)

    def _on_answer(self, request: scrapy.Request, answer: _Answer) -> None:
        if answer.location:
            self._hop(request, answer)
        elif PROBE_META in request.meta:
            self._probed(request, answer)
        else:
            self._final(request, answer)

    def _hop(self, request: scrapy.Request, answer: _Answer) -> None:
        """Follow a redirect: the next URL, paced as a request to its own host."""
        location, hops = answer.location, [*request.meta[_HOPS], request.url]
        if len(hops) > self.max_hops or location in hops:
            self._end(request, verdict_for_status(answer.status, answer.headers),
                      final_url=request.url)
            return
        reason = malformed_reason(location, private_ok=False)
        skip = "not http(s)" if reason == "scheme" else self._skip_reason(location, reason)
        if skip:
            self._end(request, skipped_verdict(skip, f"redirected to {location[:200]}"),
                      final_url=location, method="")
            return
        meta = {k: v for k, v in request.meta.items() if k.startswith("mentionspider_")}
        meta.pop(_TOKEN, None)
        meta[_HOPS] = hops
        method = "GET" if answer.status == 303 else request.method
        self._enqueue(self._request(location, method, meta))

    def _fallback(self, request: scrapy.Request) -> None:
        """Many servers mishandle HEAD (405, 501, even 404): only GET is trusted."""
        self.stats.inc_value("mentionspider/linkcheck/head_fallback")
        meta = {k: v for k, v in request.meta.items() if k.startswith("mentionspider_")}
        meta.pop(_TOKEN, None)
        self._enqueue(self._request(request.url, "GET", meta))

    def _final(self, request: scrapy.Request, answer: _Answer) -> None:
        verdict = verdict_for_status(answer.status, answer.headers)
        if request.method == "HEAD":
            html = "html" in answer.headers.get("content-type", "html")
            if verdict.outcome == "ok" and (not html or not self.read_bodies):
                self._settle_ok(request, request.url, None)
            elif verdict.status in ("dns", "refused"):
                self._end(request, verdict, final_url=request.url)
            else:  # not 2xx (or an HTML page to read): GET decides
                self._fallback(request)
            return
        if verdict.outcome == "ok":
            self._settle_ok(request, request.url, answer.page)
            return
        host = host_of(request.url)
        if (answer.status in (404, 410) and proxy_failure(answer.headers) is None
                and self.soft404.state(host) in ("unknown", "pending")):
            # This host says "not found" with a status: a probe would only say it again.
            self._unpark(host, HostProfile(status=answer.status))
        self._end(request, verdict, final_url=request.url)

    def _settle_ok(self, request: scrapy.Request, final_url: str,
                   page: PageSketch | None) -> None:
        """A 2xx answer: a real page, or a soft 404 (maybe after probing the host)."""
        url = request.meta[CHECK_META]
        host = host_of(final_url or url)
        profile = self.soft404.profile(host) if self.probing else None
        evidence = soft_404_evidence(url, final_url, page, profile)
        if evidence:
            kind = evidence.split(":")[0]
            self.stats.inc_value(f"mentionspider/linkcheck/soft404/{kind}")
            self._end(request, soft_404_verdict(evidence), final_url=final_url)
            return
        state = self.soft404.state(host) if self.probing else "honest"
        if state in ("honest", "soft") or page is None or _is_home_url(final_url or url):
            self._end(request, verdict_for_status(200), final_url=final_url)
            return
        self.parked.setdefault(host, []).append((request, final_url, page))
        if state == "unknown":
            self.soft404.start(host)
            self._probe(final_url or url, host)  # after the host's queued checks: one of
            # them may answer a plain 404, and then the probe is not needed

    def _probe(self, url: str, host: str) -> None:
        parts = urlsplit(url)
        self.stats.inc_value("mentionspider/linkcheck/soft404_probes")
        meta = {PROBE_META: host, _HOPS: [], _SENT: 0}
        self._enqueue(self._request(f"{parts.scheme}://{parts.netloc}{probe_path()}", "GET",
                                    meta))

    def _probed(self, request: scrapy.Request, answer: _Answer | None) -> None:
        host = request.meta[PROBE_META]
        if self.soft404.state(host) == "honest":  # settled meanwhile (a 404 on the host)
            profile = self.soft404.profile(host) or HostProfile()
        elif answer is None:  # no answer for a random path: nothing to compare with
            profile = HostProfile()
        else:
            first = (request.meta[_HOPS] or [request.url])[0]
            profile = HostProfile.from_sketch(first, answer.status, request.url, answer.page)
        self._unpark(host, profile)

    def _unpark(self, host: str, profile: HostProfile) -> None:
        self.soft404.settle(host, profile)
        for parked, final_url, page in self.parked.pop(host, []):
            self._settle_ok(parked, final_url, page)

    def _end(self, request: scrapy.Request, verdict: Verdict, *, final_url: str,
             error: str = "", method: str | None = None) -> None:
        if PROBE_META in request.meta:
            self._probed(request, None)
        else:
            self._finish(request, verdict, final_url=final_url, error=error, method=method)

    def _finish(self, request: scrapy.Request, verdict: Verdict, *, final_url: str,
                error: str = "", method: str | None = None) -> None:
        meta = request.meta
        stats = self.stats
        stats.inc_value("mentionspider/linkcheck/checked")
        stats.inc_value(f"mentionspider/linkcheck/{verdict.outcome}")
        sent = meta.get(_SENT, 0)
        stats.inc_value(f"mentionspider/linkcheck/requests/{verdict.outcome}", sent)
        if verdict.outcome == "skipped":
            stats.inc_value(f"mentionspider/linkcheck/skipped/{verdict.status}")
        now = time.monotonic()
        stats.set_value("mentionspider/linkcheck/wall_seconds", round(now - self.started, 2))
        self.out.append(LinkCheckItem(
            url=meta[CHECK_META], outcome=verdict.outcome, status=verdict.status,
            final_url=final_url, redirects=list(meta.get(_HOPS, [])),
            method=request.method if method is None else method, evidence=verdict.evidence,
            elapsed_ms=round((now - meta.get("mentionspider_started", now)) * 1000),
            checked_at=utcnow(), error=error[:500], attempts=sent))


def _cap(checks: int, total: int, per_site: int) -> int:
    """Checks in flight at once: never so many that the crawl finding them has no place
    left in the downloader (``total`` minus one site's ``per_site``)."""
    if total <= 0:
        return max(1, checks)
    return max(1, min(checks, total - per_site))


def _extension(url: str) -> str:
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def _is_home_url(url: str) -> bool:
    try:
        return urlsplit(url).path in ("", "/")
    except ValueError:
        return False

