"""The link-check downloader middlewares, built from a crawler (no network)."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

from mentionspider.linkcheck.middleware import (CHECK_META, LinkCheckRetryMiddleware,
                                                LinkCheckSlotsMiddleware)
from mentionspider.runner import project_settings

# get_crawler expects the reactor a crawl would install (mentionspider runs on asyncio).
if not is_reactor_installed():
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

URL = "http://shop.example/item"


def middleware(**settings: object) -> LinkCheckRetryMiddleware:
    merged = {**project_settings().copy_to_dict(), "MENTIONSPIDER_LINKCHECK_BACKOFF": 0.05,
              **settings}
    crawler = get_crawler(settings_dict=merged)
    crawler.spider = crawler._create_spider("test")  # pages' retries ask for it
    crawler.stats.open_spider()
    return LinkCheckRetryMiddleware.from_crawler(crawler)


def check(method: str = "GET", **meta: object) -> Request:
    return Request(URL, method=method, meta={CHECK_META: URL, **meta})


def test_retry_waits_for_retry_after_then_retries() -> None:
    mw = middleware()
    answer = Response(URL, status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    retry = asyncio.run(mw.process_response(check(), answer))
    assert time.monotonic() - started >= 1.0  # asyncio.sleep inside an async middleware
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1 and retry.dont_filter


def test_gives_up_quietly_after_the_retries(caplog: pytest.LogCaptureFixture) -> None:
    mw = middleware()
    answer = Response(URL, status=503)
    assert asyncio.run(mw.process_response(check(retry_times=2), answer)) is answer
    assert "ERROR" not in caplog.text
    assert mw.crawler.stats.get_value("mentionspider/linkcheck/gave_up") == 1


@pytest.mark.parametrize("meta", [{CHECK_META: URL}, {}])
def test_proxy_dns_failure_is_never_retried(meta: dict[str, str]) -> None:
    mw = middleware()
    answer = Response(URL, status=503, headers={"X-Squid-Error": "ERR_DNS_FAIL 0"})
    request = Request(URL, meta=meta)
    assert asyncio.run(mw.process_response(request, answer)) is answer


def test_pages_keep_scrapys_retries() -> None:
    mw = middleware()
    retry = asyncio.run(mw.process_response(Request(URL), Response(URL, status=503)))
    assert isinstance(retry, Request)


def test_timeouts_of_get_checks_are_retried_but_head_falls_back() -> None:
    mw = middleware()
    timeout = DownloadTimeoutError("took longer than 1 seconds")
    assert isinstance(asyncio.run(mw.process_exception(check(), timeout)), Request)
    assert asyncio.run(mw.process_exception(check("HEAD"), timeout)) is None
    tunnel = TunnelError("Could not open CONNECT tunnel with proxy 127.0.0.1:1 "
                         "[{'status': 503, 'reason': b'Service Unavailable'}]")
    assert asyncio.run(mw.process_exception(check(), tunnel)) is None


def test_unreachable_robots_txt_is_an_empty_404() -> None:
    mw = middleware(RETRY_TIMES=0)
    robots = Request("http://dead.example/robots.txt", meta={"dont_obey_robotstxt": True})
    answer = asyncio.run(mw.process_exception(robots, DownloadTimeoutError("slow")))
    assert isinstance(answer, Response) and answer.status == 404


def test_checks_get_their_own_slot_per_host() -> None:
    crawler = get_crawler(settings_dict={"MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST": 1,
                                         "MENTIONSPIDER_LINKCHECK_DELAY": 0.25})
    downloader = SimpleNamespace(per_slot_settings={})
    crawler.engine = SimpleNamespace(downloader=downloader)  # what the middleware touches
    mw = LinkCheckSlotsMiddleware.from_crawler(crawler)
    request = check("HEAD")
    mw.process_request(request)
    page = Request(URL)
    mw.process_request(page)
    assert request.meta["download_slot"] == "check:shop.example"
    assert "download_slot" not in page.meta
    assert downloader.per_slot_settings == {"check:shop.example": {"concurrency": 1,
                                                                   "delay": 0.25}}
