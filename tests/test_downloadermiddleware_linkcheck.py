"""The link-check downloader middlewares, built from a crawler (no network)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

from mentionspider.linkcheck.middleware import (CHECK_META, LinkCheckRetryMiddleware,
                                                LinkCheckSlotsMiddleware,
                                                PrivateAddressMiddleware)
from mentionspider.runner import project_settings

# get_crawler expects the reactor a crawl would install (mentionspider runs on asyncio).
if not is_reactor_installed():
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

URL = "http://shop.example/item"


def crawler_with(**settings: object) -> object:
    merged = {**project_settings().copy_to_dict(), **settings}
    crawler = get_crawler(settings_dict=merged)
    crawler.spider = crawler._create_spider("test")  # pages' retries ask for it
    crawler.stats.open_spider()
    return crawler


def middleware(**settings: object) -> LinkCheckRetryMiddleware:
    return LinkCheckRetryMiddleware.from_crawler(crawler_with(**settings))


def check(method: str = "GET", **meta: object) -> Request:
    return Request(URL, method=method, meta={CHECK_META: URL, **meta})


def test_checks_are_not_retried_here_the_checker_retries_them_later() -> None:
    mw = middleware()
    answer = Response(URL, status=429, headers={"Retry-After": "1"})
    assert mw.process_response(check(), answer) is answer
    assert mw.process_exception(check(), DownloadTimeoutError("slow")) is None


@pytest.mark.parametrize("meta", [{"dont_retry": False}, {}])
def test_proxy_dns_failure_is_never_retried(meta: dict[str, str]) -> None:
    mw = middleware()
    answer = Response(URL, status=503, headers={"X-Squid-Error": "ERR_DNS_FAIL 0"})
    assert mw.process_response(Request(URL, meta=meta), answer) is answer


def test_pages_keep_scrapys_retries() -> None:
    mw = middleware()
    retry = mw.process_response(Request(URL), Response(URL, status=503))
    assert isinstance(retry, Request)


def test_unreachable_robots_txt_is_an_empty_404() -> None:
    mw = middleware(RETRY_TIMES=0)
    robots = Request("http://dead.example/robots.txt", meta={"dont_obey_robotstxt": True})
    answer = mw.process_exception(robots, DownloadTimeoutError("slow"))
    assert isinstance(answer, Response) and answer.status == 404


def test_checks_get_their_own_slot_per_host_without_a_delay_of_its_own() -> None:
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
    # the checker paces checks before they reach the downloader
    assert downloader.per_slot_settings == {"check:shop.example": {
        "concurrency": 1, "delay": 0.0, "jitter": 0.0}}


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8080/admin", "http://[::1]/", "http://10.1.2.3/x",
    "http://172.16.0.1/", "http://192.168.1.1/router", "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/", "http://[fe80::1]/", "http://2130706433/", "http://0x7f.1/",
    "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/"])
def test_no_request_of_any_kind_to_a_private_address(url: str) -> None:
    crawler = crawler_with()
    mw = PrivateAddressMiddleware.from_crawler(crawler)
    for request in (Request(url), Request(url, meta={CHECK_META: url})):
        with pytest.raises(IgnoreRequest, match="^private address, not requested: "):
            mw.process_request(request)
    assert mw.process_request(Request("http://shop.example/")) is None


def test_allow_private_lets_link_checks_through_but_not_pages() -> None:
    mw = PrivateAddressMiddleware.from_crawler(
        crawler_with(MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE=True))
    url = "http://192.168.1.1/intranet"
    assert mw.process_request(Request(url, meta={CHECK_META: url})) is None
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request(url))
