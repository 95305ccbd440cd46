"""The LinkChecker component on its own: built from a crawler, no sweep, no network."""

from __future__ import annotations

import pickle
import tomllib
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from mentionspider.campaign import Campaign, parse_campaign
from mentionspider.items import LinkCheckItem
from mentionspider.linkcheck.checker import LinkChecker, LinkCheckSpider
from mentionspider.runner import project_settings

if not is_reactor_installed():
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")


class CheckingSpider(LinkCheckSpider, scrapy.Spider):
    name = "checking"

    def __init__(self, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.campaign = campaign


def campaign() -> Campaign:
    return parse_campaign(tomllib.loads(CAMPAIGN))


CAMPAIGN = """
name = "unit"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://blog.example/"]
"""


def build(**settings: object) -> tuple[LinkChecker, CheckingSpider]:
    merged = {**project_settings().copy_to_dict(), **settings}
    crawler = get_crawler(CheckingSpider, settings_dict=merged)
    crawler.spider = crawler._create_spider(campaign=campaign())
    crawler.stats.open_spider()
    checker = LinkChecker.of(crawler)
    checker.spider_opened(crawler.spider)
    return checker, crawler.spider


def test_the_checker_is_one_object_per_crawler() -> None:
    checker, spider = build()
    assert LinkChecker.of(spider.crawler) is checker


def test_a_check_starts_with_one_serialisable_request() -> None:
    checker, spider = build()
    (request,) = checker.check("http://shop.example/a", source="http://blog.example/")
    assert request.callback == spider.linkcheck_answered
    assert request.errback == spider.linkcheck_failed
    # what a distributed scheduler does with it
    data = pickle.loads(pickle.dumps(request.to_dict(spider=spider)))
    again = request_from_dict(data, spider=spider)
    assert (again.url, again.method, again.callback) == (request.url, request.method,
                                                         spider.linkcheck_answered)


def test_each_url_once_and_never_the_brand() -> None:
    checker, _ = build()
    assert len(list(checker.check("http://shop.example/a"))) == 1
    assert list(checker.check("http://shop.example/a")) == []
    assert list(checker.check("https://www.acmewidgets.com/x")) == []


def test_fresh_verdicts_are_reused_without_a_request() -> None:
    checker, spider = build()
    checker.reuse({"http://shop.example/a": ("ok", "200")})
    assert list(checker.check("http://shop.example/a")) == []
    assert spider.crawler.stats.get_value("mentionspider/linkcheck/reused") == 1


def test_a_verdict_frees_the_place_of_a_check_waiting_for_the_global_cap() -> None:
    checker, spider = build(MENTIONSPIDER_LINKCHECK_CONCURRENCY=1,
                            MENTIONSPIDER_LINKCHECK_SOFT404=False)
    (first,) = checker.check("http://shop.example/a")
    assert checker.check("http://other.example/b") == []  # the cap is 1
    answer = HtmlResponse(first.url, status=404, request=first, body=b"")
    item, next_check = spider.linkcheck_answered(answer)
    assert isinstance(item, LinkCheckItem) and (item.outcome, item.status) == ("broken", "404")
    assert isinstance(next_check, Request) and next_check.url == "http://other.example/b"


def test_a_check_dropped_by_another_component_gets_a_verdict_and_frees_its_place() -> None:
    checker, spider = build(MENTIONSPIDER_LINKCHECK_CONCURRENCY=1)
    (first,) = checker.check("http://shop.example/a")
    assert checker.check("http://other.example/b") == []
    failure = Failure(IgnoreRequest("Filtered offsite request to 'shop.example'"))
    failure.request = first  # type: ignore[attr-defined]  # what Scrapy sets
    item, next_check = spider.linkcheck_failed(failure)
    assert (item.outcome, item.status, item.attempts) == ("skipped", "offsite", 1)
    assert next_check.url == "http://other.example/b"
    assert checker.pacer.in_flight == 1


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8080/admin", "http://[::1]/", "http://10.1.2.3/x",
    "http://172.16.0.1/", "http://192.168.1.1/router", "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/", "http://[fe80::1]/", "http://2130706433/", "http://0x7f.1/",
    "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/"])
def test_private_addresses_are_skipped_without_a_request(url: str) -> None:
    checker, _ = build()
    (item,) = checker.check(url)
    assert isinstance(item, LinkCheckItem)
    assert (item.outcome, item.status, item.method, item.attempts) == (
        "skipped", "private address", "", 0)
    assert checker.pacer.in_flight == 0 and checker.pacer.waiting() == 0


def test_allow_private_checks_them() -> None:
    checker, _ = build(MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE=True)
    (request,) = checker.check("http://192.168.1.1/router")
    assert isinstance(request, Request)


@pytest.mark.parametrize("url", ["mailto:a@b.example", "javascript:void(0)",
                                 "ftp://files.example/x", "file:///etc/passwd"])
def test_non_http_links_are_never_requested(url: str) -> None:
    checker, _ = build()
    assert checker.check(url) == []


def test_not_enabled_is_a_clear_error() -> None:
    crawler = get_crawler(CheckingSpider, settings_dict={"EXTENSIONS": {
        "mentionspider.linkcheck.checker.LinkChecker": None}})
    with pytest.raises(RuntimeError, match="LinkChecker is not enabled"):
        LinkChecker.of(crawler)
