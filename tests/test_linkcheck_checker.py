"""The LinkChecker component on its own: built from a crawler, no sweep, no network."""

from __future__ import annotations

import pickle
import tomllib
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

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


def test_the_global_cap_holds_checks_until_a_verdict_frees_a_place() -> None:
    checker, spider = build(MENTIONSPIDER_LINKCHECK_CONCURRENCY=1,
                            MENTIONSPIDER_LINKCHECK_SOFT404=False)
    (first,) = checker.check("http://shop.example/a")
    assert list(checker.check("http://shop.example/b")) == []
    response = HtmlResponse(first.url, status=404, request=first, body=b"")
    out = list(spider.linkcheck_answered(response))
    # HEAD 404 is confirmed with GET: the same check, still holding its place
    assert [(type(o).__name__, getattr(o, "method", "")) for o in out] == [("Request", "GET")]
    answer = HtmlResponse(first.url, status=404, request=out[0], body=b"")
    items_and_requests = list(spider.linkcheck_answered(answer))
    item, next_check = items_and_requests
    assert isinstance(item, LinkCheckItem) and (item.outcome, item.status) == ("broken", "404")
    assert isinstance(next_check, Request) and next_check.url == "http://shop.example/b"


def test_not_enabled_is_a_clear_error() -> None:
    crawler = get_crawler(CheckingSpider, settings_dict={"EXTENSIONS": {
        "mentionspider.linkcheck.checker.LinkChecker": None}})
    with pytest.raises(RuntimeError, match="LinkChecker is not enabled"):
        LinkChecker.of(crawler)
