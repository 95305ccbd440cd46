"""robots.txt as RFC 9309 says, in place of Scrapy's ``RobotsTxtMiddleware``.

What the answer for ``/robots.txt`` means (:func:`robots_rule`, pure):

- **2xx**: the rules are parsed, at most the first :data:`MAX_ROBOTS_BYTES` (500 KiB,
  RFC 9309 2.5) of it; a longer file is cut there (at a line end) instead of being
  dropped as too big, so a site starting with ``Disallow: /`` stays disallowed.
- **4xx** ("unavailable"): everything is allowed.
- **5xx**, and a server that cannot be reached after retries (timeout, dropped
  connection, TLS failure) ("unreachable"): everything on that host is **disallowed for
  the run**. Counted (``mentionspider/robots/disallow_all``) and named in the run
  summary (``mentionspider/robots/disallowed_hosts``).
- A host that does not exist or refuses connections (DNS failure, connection refused,
  also as a proxy reports them) has no robots.txt: its requests are let through and fail
  on their own, so a dead link is still found dead.

Scrapy's middleware treats a robots.txt over ``DOWNLOAD_MAXSIZE`` as absent and parses a
5xx error page as rules (allow-all); this subclass replaces it in
``DOWNLOADER_MIDDLEWARES`` (mentionspider/settings.py). It also gives every request that
waited for a host's robots.txt the parsed rules: Scrapy's (2.19, asyncio reactor) hands
them to the first waiter only and lets the others through unchecked, which happens as
soon as several requests to one host are ready before its robots.txt came back (a
distributed worker taking up a dead one's queued pages, many seeds or search results on
one host).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from mentionspider.linkcheck.failures import exception_kind
from mentionspider.linkcheck.verdict import proxy_failure

__all__ = ["MAX_ROBOTS_BYTES", "RFC9309RobotsTxtMiddleware", "cut_robots", "robots_rule"]

logger = logging.getLogger(__name__)

#: The part of a robots.txt that is parsed (RFC 9309: at least 500 kibibytes).
MAX_ROBOTS_BYTES = 500 * 1024
#: Marks the robots.txt requests this middleware makes.
ROBOTS_META = "mentionspider_robots"
#: Flag the retry middleware puts on the stand-in answer for an unreachable robots.txt.
UNREACHABLE_FLAG = "mentionspider_unreachable:"
#: Failures that mean there is no server at all: not "unreachable" in RFC 9309's sense.
_NO_SERVER = frozenset({"dns", "refused", "unreachable", "proxy"})
_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def robots_rule(status: int, *, failure: str | None = None) -> tuple[str, str]:
    """``(rule, reason)`` for a robots.txt answer: rule is ``parse``, ``allow`` (all)
    or ``disallow`` (all). ``failure`` names a download failure (dns, refused,
    timeout, ...) or a proxy's report that the host is not there."""
    if failure is not None:
        return ("allow", failure) if failure in _NO_SERVER else ("disallow", failure)
    if 200 <= status < 300:
        return "parse", str(status)
    if 500 <= status < 600:
        return "disallow", str(status)
    return "allow", str(status)  # 4xx (and anything odd) is "unavailable": no rules


def cut_robots(body: bytes, limit: int = MAX_ROBOTS_BYTES) -> bytes:
    """The first ``limit`` bytes of ``body``, ending at a line end when cut."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    end = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[:end + 1] if end >= 0 else head


def _is_robots_fetch(request: Request) -> bool:
    return bool(request.callback is NO_CALLBACK and request.meta.get("dont_obey_robotstxt")
            and request.url.endswith("/robots.txt")
            and request.priority == RobotsTxtMiddleware.DOWNLOAD_PRIORITY)


class RFC9309RobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware with RFC 9309's size limit and error handling."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.disallowed: dict[str, str] = {}  # host -> why everything is disallowed
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if _is_robots_fetch(request):
            # No size limit but ours: past 500 KiB the download stops and what came is read.
            request.meta[ROBOTS_META] = True
            request.meta["download_maxsize"] = 0
            return
        await super().process_request(request)

    async def robot_parser(self, request: Request) -> Any:
        parser = await super().robot_parser(request)
        # A Deferred awaited by several requests gives its result to the first only (the
        # rest get None, "no robots.txt"): every waiter reads what the host settled on.
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, Deferred) else settled

    def _bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        if not request.meta.get(ROBOTS_META):
            return
        received = request.meta.get("mentionspider_robots_bytes", 0) + len(data)
        request.meta["mentionspider_robots_bytes"] = received
        if received >= MAX_ROBOTS_BYTES:
            self._stats.inc_value("mentionspider/robots/cut")
            raise StopDownload(fail=False)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        failure = next((flag[len(UNREACHABLE_FLAG):] for flag in response.flags
                        if flag.startswith(UNREACHABLE_FLAG)), None)
        if failure is None:
            failure = proxy_failure({k.decode("latin-1").lower(): v[0].decode("latin-1")
                                     for k, v in response.headers.items() if v})
        rule, reason = robots_rule(response.status, failure=failure)
        if rule == "parse":
            body = response.body
            if len(body) > MAX_ROBOTS_BYTES or "download_stopped" in response.flags:
                body = cut_robots(body)
        elif rule == "disallow":
            body = _DISALLOW_ALL
            self._disallow(netloc, reason)
        else:
            body = b""
        rp = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=rp, request=request)
        deferred = self._parsers[netloc]
        assert isinstance(deferred, Deferred)
        self._parsers[netloc] = rp
        deferred.callback(rp)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """A robots.txt download that failed outright (no retry middleware turned it
        into an answer): disallowed unless the host simply is not there."""
        kind = "ignored" if isinstance(exc, IgnoreRequest) else exception_kind(exc)[0]
        rule, reason = robots_rule(0, failure=kind)
        if rule == "allow":
            super()._robots_error(exc, netloc)
            return
        self._disallow(netloc, reason)
        rp = build_from_crawler(self._parserimpl, self.crawler, _DISALLOW_ALL)
        deferred = self._parsers[netloc]
        assert isinstance(deferred, Deferred)
        self._parsers[netloc] = rp
        deferred.callback(rp)

    def _disallow(self, netloc: str, reason: str) -> None:
        self.disallowed[netloc] = reason
        self._stats.inc_value("mentionspider/robots/disallow_all")
        self._stats.inc_value(f"mentionspider/robots/disallow_all/{reason}")
        self._stats.set_value("mentionspider/robots/disallowed_hosts",
                              [f"{host} ({why})" for host, why in sorted(self.disallowed.items())])
        logger.info("robots.txt of %s answered %s: everything there is disallowed for this run",
                    netloc, reason)
