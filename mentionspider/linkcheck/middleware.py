"""Downloader middlewares for link checks: their own per-host slots, and retries.

- :class:`LinkCheckSlotsMiddleware` puts every link-check request in a download
  slot of its own per host (``check:<host>``) with the campaign's
  ``[linkcheck] concurrency_per_host`` and ``delay``, apart from the crawl's slots.
- :class:`LinkCheckRetryMiddleware` replaces Scrapy's ``RetryMiddleware``. Link
  checks are retried by :class:`~mentionspider.linkcheck.retrying.RetryPolicy`
  (exponential backoff, ``Retry-After`` honoured up to a cap) and give up
  quietly (DEBUG): a link that stays unavailable is a ``transient`` verdict, not
  an error. For every request, a proxy's DNS or connect failure
  (``X-Squid-Error``) is a definite answer and is never retried. Pages are
  otherwise retried as Scrapy does. A robots.txt that cannot be downloaded
  (dead host, refused, timeout) becomes an empty 404 answer: Scrapy treats the
  site as allowed either way, and the check itself then meets the failure and
  gets its verdict, without an ERROR line and traceback per dead host.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from mentionspider.linkcheck.failures import exception_kind
from mentionspider.linkcheck.retrying import HostStrikes, RetryPolicy
from mentionspider.linkcheck.verdict import proxy_failure

__all__ = ["LinkCheckRetryMiddleware", "LinkCheckSlotsMiddleware", "CHECK_META", "PROBE_META",
           "is_check", "response_headers"]

logger = logging.getLogger(__name__)

#: Request meta key naming the URL a link-check request checks.
CHECK_META = "mentionspider_check"
#: Request meta key naming the host a soft-404 probe request probes.
PROBE_META = "mentionspider_probe"


def is_check(request: Request) -> bool:
    return CHECK_META in request.meta or PROBE_META in request.meta


def response_headers(response: Response) -> dict[str, str]:
    """The response's headers, names lower-cased, first value of each."""
    return {k.decode("latin-1").lower(): v[0].decode("latin-1")
            for k, v in response.headers.items() if v}


def _is_robots(request: Request) -> bool:
    return request.url.endswith("/robots.txt") and request.meta.get("dont_obey_robotstxt", False)


def _quiet_robots(request: Request) -> None:
    """An unavailable robots.txt means "allowed" to Scrapy: not an error worth a log line."""
    if _is_robots(request):
        request.meta.setdefault("give_up_log_level", "DEBUG")


class LinkCheckSlotsMiddleware:
    """Link checks get their own download slot per host: ``check:<host>``."""

    def __init__(self, crawler: Any, concurrency: int, delay: float) -> None:
        self.crawler = crawler
        self.slot_settings = {"concurrency": concurrency, "delay": delay}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "LinkCheckSlotsMiddleware":
        settings = crawler.settings
        return cls(crawler, settings.getint("MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST"),
                   settings.getfloat("MENTIONSPIDER_LINKCHECK_DELAY"))

    def process_request(self, request: Request) -> None:
        if not is_check(request) or "download_slot" in request.meta:
            return
        slot = f"check:{urlsplit(request.url).hostname or ''}"
        request.meta["download_slot"] = slot
        # Read by the downloader when it creates the slot (Scrapy's DOWNLOAD_SLOTS).
        self.crawler.engine.downloader.per_slot_settings.setdefault(slot,
                                                                    dict(self.slot_settings))


class LinkCheckRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, with backoff, Retry-After and quiet give-ups for
    link checks, and no retries of a proxy's DNS/connect failures."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.policy = RetryPolicy(
            retries=settings.getint("MENTIONSPIDER_LINKCHECK_RETRIES"),
            backoff=settings.getfloat("MENTIONSPIDER_LINKCHECK_BACKOFF"),
            max_wait=settings.getfloat("MENTIONSPIDER_LINKCHECK_RETRY_AFTER_MAX"))
        self.strikes = HostStrikes(settings.getint("MENTIONSPIDER_LINKCHECK_HOST_GIVE_UPS"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> "LinkCheckRetryMiddleware":
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request,  # type: ignore[override]
                               response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False):
            return response
        headers = response_headers(response)
        if proxy_failure(headers) is not None:
            self.crawler.stats.inc_value("mentionspider/retry/proxy_error_not_retried")
            return response
        if not is_check(request):
            _quiet_robots(request)
            return super().process_response(request, response)
        attempt = request.meta.get("retry_times", 0)
        wait = self.policy.retry_status(request.method, response.status, headers, attempt)
        if wait is not None and self._host_exhausted(request):
            wait = None
        if wait is None:
            if response.status in self.retry_http_codes and attempt:
                self._gave_up(request, f"HTTP {response.status}")
            return response
        return await self._retry_later(request, wait, f"HTTP {response.status}")

    async def process_exception(self, request: Request,  # type: ignore[override]
                                exception: Exception) -> Request | Response | None:
        if not is_check(request):
            _quiet_robots(request)
            retry = super().process_exception(request, exception)
            if retry is None and _is_robots(request):
                # An answer instead of Scrapy's ERROR line and traceback for every dead
                # host; the flag tells mentionspider.robotstxt what happened (RFC 9309:
                # a dead host has no rules, a server that times out is disallowed).
                self.crawler.stats.inc_value("mentionspider/robots/unreachable")
                return Response(request.url, status=404, request=request,
                                flags=[f"mentionspider_unreachable:{exception_kind(exception)[0]}"])
            return retry
        if request.meta.get("dont_retry", False):
            return None
        kind, _ = exception_kind(exception)
        wait = self.policy.retry_failure(request.method, kind, request.meta.get("retry_times", 0))
        if wait is not None and self._host_exhausted(request):
            wait = None
        if wait is None:
            if request.meta.get("retry_times", 0):
                self._gave_up(request, kind)
            return None
        return await self._retry_later(request, wait, kind)

    async def _retry_later(self, request: Request, wait: float, reason: str) -> Request:
        stats = self.crawler.stats
        attempt = request.meta.get("retry_times", 0) + 1
        logger.debug("Retrying link check %s in %.1fs (attempt %d): %s", request, wait,
                     attempt + 1, reason)
        stats.inc_value("mentionspider/linkcheck/retries")
        stats.inc_value(f"mentionspider/linkcheck/retry_reason/{reason}")
        if wait > 0:
            await asyncio.sleep(wait)
        retry = request.copy()
        retry.meta["retry_times"] = attempt
        retry.meta["mentionspider_waited"] = request.meta.get("mentionspider_waited", 0.0) + wait
        retry.dont_filter = True
        return retry

    def _host_exhausted(self, request: Request) -> bool:
        if self.strikes.exhausted(urlsplit(request.url).hostname or ""):
            self.crawler.stats.inc_value("mentionspider/linkcheck/host_not_retried")
            return True
        return False

    def _gave_up(self, request: Request, reason: str) -> None:
        self.strikes.strike(urlsplit(request.url).hostname or "")
        self.crawler.stats.inc_value("mentionspider/linkcheck/gave_up")
        logger.debug("Gave up on link check %s after %d attempts: %s", request,
                     request.meta.get("retry_times", 0) + 1, reason)
