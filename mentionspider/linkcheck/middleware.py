"""Downloader middlewares around link checks and private addresses.

- :class:`PrivateAddressMiddleware` refuses every request to a private address
  (loopback, private, link-local, cloud metadata, unique-local; ``localhost`` and IP
  literals in those ranges) that came from the web: a page that links or redirects
  there is not followed. A search API the campaign configures (a SearXNG on
  ``localhost``) is asked wherever it is.
  Link checks (and their hosts' robots.txt) may go there when
  ``MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE`` is on (``[linkcheck] allow_private``);
  the checker skips them before any request otherwise.
- :class:`LinkCheckSlotsMiddleware` puts every link-check request in a download
  slot of its own per host (``check:<host>``), apart from the crawl's slots, with
  no delay of its own: the checker (:mod:`.checker`, :mod:`.pacing`) paces checks
  before they reach the downloader, so none waits there holding a place.
- :class:`LinkCheckRetryMiddleware` replaces Scrapy's ``RetryMiddleware``. Link
  checks are not retried here (the checker retries them later, on a timer). For
  every request, a proxy's DNS or connect failure (``X-Squid-Error``) is a
  definite answer and is never retried. Pages are otherwise retried as Scrapy
  does. A robots.txt that cannot be downloaded (dead host, refused, timeout)
  becomes an empty 404 answer flagged with what failed (``mentionspider.robotstxt``
  reads the flag), without an ERROR line and traceback per dead host.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from mentionspider.analysis.urls import malformed_reason
from mentionspider.linkcheck.failures import exception_kind
from mentionspider.linkcheck.verdict import proxy_failure

__all__ = ["LinkCheckRetryMiddleware", "LinkCheckSlotsMiddleware", "PrivateAddressMiddleware",
           "CHECK_META", "PROBE_META", "PRIVATE_MESSAGE", "is_check", "response_headers"]

logger = logging.getLogger(__name__)

#: Request meta key naming the URL a link-check request checks.
CHECK_META = "mentionspider_check"
#: Request meta key naming the host a soft-404 probe request probes.
PROBE_META = "mentionspider_probe"
#: Meta key of search API requests (:mod:`mentionspider.search.middleware`): addresses
#: the user configured, not ones found on the web, so a private one is allowed.
_CONFIGURED = "mentionspider_search"
#: How :class:`PrivateAddressMiddleware`'s ``IgnoreRequest`` message begins.
PRIVATE_MESSAGE = "private address, not requested"


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


class PrivateAddressMiddleware:
    """No request to a private address (see the module docstring)."""

    def __init__(self, crawler: Any, allow_checks: bool) -> None:
        self.crawler = crawler
        self.allow_checks = allow_checks

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PrivateAddressMiddleware":
        return cls(crawler, crawler.settings.getbool("MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE"))

    def process_request(self, request: Request) -> None:
        if _CONFIGURED in request.meta:  # an API the user configured (a SearXNG on localhost)
            return
        if malformed_reason(request.url, private_ok=False) != "private_address":
            return
        if self.allow_checks and (is_check(request) or request.url.endswith("/robots.txt")):
            return
        self.crawler.stats.inc_value("mentionspider/private_address_refused")
        raise IgnoreRequest(f"{PRIVATE_MESSAGE}: {request.url[:200]}")


class LinkCheckSlotsMiddleware:
    """Link checks get their own download slot per host: ``check:<host>``."""

    def __init__(self, crawler: Any, concurrency: int) -> None:
        self.crawler = crawler
        self.slot_settings = {"concurrency": concurrency, "delay": 0.0, "jitter": 0.0}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "LinkCheckSlotsMiddleware":
        return cls(crawler, crawler.settings.getint("MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST"))

    def process_request(self, request: Request) -> None:
        if not is_check(request) or "download_slot" in request.meta:
            return
        slot = f"check:{urlsplit(request.url).hostname or ''}"
        request.meta["download_slot"] = slot
        # Read by the downloader when it creates the slot (Scrapy's DOWNLOAD_SLOTS).
        self.crawler.engine.downloader.per_slot_settings.setdefault(slot,
                                                                    dict(self.slot_settings))


class LinkCheckRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, minus link checks (the checker retries those) and
    proxy DNS/connect failures, with quiet unreachable robots.txt files."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "LinkCheckRetryMiddleware":
        if not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    def process_response(self, request: Request,  # type: ignore[override]
                         response: Response) -> Request | Response:
        if is_check(request) or request.meta.get("dont_retry", False):
            return response
        if proxy_failure(response_headers(response)) is not None:
            self.crawler.stats.inc_value("mentionspider/retry/proxy_error_not_retried")
            return response
        _quiet_robots(request)
        return super().process_response(request, response)

    def process_exception(self, request: Request,  # type: ignore[override]
                          exception: Exception) -> Request | Response | None:
        if is_check(request):
            return None
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
