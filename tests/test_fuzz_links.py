"""Hostile links and pages: a malformed link is one counted skip, never an exception (#8).

A seeded generator (reproducible, no extra dependency) builds links with invalid ports,
broken IPv6 literals, bidi and control characters, odd schemes and hosts, inside pages
that are themselves broken, and feeds them through the page analysis and the sweep
spider's callback."""

from __future__ import annotations

import random
from collections import Counter
from urllib.parse import urlsplit

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.model import BrandName
from mentionspider.analysis.page import PageAnalyser
from mentionspider.analysis.urls import MALFORMED_REASONS, malformed_reason
from mentionspider.campaign import Campaign, CrawlConfig
from mentionspider.frontier import Frontier
from mentionspider.items import PageItem
from mentionspider.runner import project_settings
from mentionspider.spiders.sweep import SweepSpider, apply_campaign

if not is_reactor_installed():
    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

PAGE = "http://fuzz.example/start"
SCHEMES = ["http", "https", "HTTP", "hTtPs", "ftp", "file", "javascript", "mailto", "data",
           "ws", "gopher", "", "http:", "https:/"]
HOSTS = ["fuzz.example", "other.example", "acme.com", "[::1", "[::1]", "[2a00:1450::1]",
         "[v1.x]", "[fe80::1%25eth0]", "127.0.0.1", "10.1.2.3", "999.2.3.4", "0x7f.1",
         "localhost", "a..b", ".example", "exa mple.com", "bü\u200bcher.example",
         "host\u202e.example", "host\x00.example", "host\x7f.example", "", "@", "user:pw@x.example",
         "x" * 64 + ".example", "xn--", "%41.example", "\u2603.example", "[", "]", "::"]
PORTS = ["", ":", ":0", ":80", ":8080", ":65535", ":65536", ":99999", ":-1", ":8o", ": 80",
         ":123456789012345678901234567890", "::80"]
TAILS = ["/", "", "/a b", "/\u202ex", "/%zz", "/?q=\x01", "#frag", "/a\\b", "/" + "z" * 3000,
         "?" + "&".join("p=1" for _ in range(20)), "/\ud7ff", "/\t\n/x"]
CONTROLS = ["\x00", "\x01", "\x1b", "\x7f", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
            "\u2069", "\ufeff", "\u0085"]


def hostile_href(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:  # relative forms
        return rng.choice(["//", "///x", "/x:99999", "../../..", "?", "#", "x", "\\\\evil",
                           "//[::1", "//h:99999/", " ", "\x00", "javascript:void(0)"])
    href = (f"{rng.choice(SCHEMES)}://{rng.choice(HOSTS)}{rng.choice(PORTS)}"
            f"{rng.choice(TAILS)}")
    if rng.random() < 0.3:
        at = rng.randrange(len(href) + 1)
        href = href[:at] + rng.choice(CONTROLS) + href[at:]
    return href


def hostile_page(rng: random.Random, good: str) -> bytes:
    links = [hostile_href(rng) for _ in range(rng.randrange(5, 30))]
    anchors = "".join(
        f'<a href="{h.replace(chr(34), "%22")}" rel="{rng.choice(["", "nofollow", "x y"])}">'
        f"{rng.choice(['Acme', 'x', '', '<b>Acme Widgets</b>'])}</a>"
        + rng.choice(["", "<p>", "</div>", "<table><tr>", "<!-- x -->", "<br/>", "</a>", "<a>"])
        for h in links)
    base = rng.choice(["", '<base href="http://[::1/">', '<base href="ftp://x/">',
                       '<base href="http://fuzz.example:99999/">', '<base href="//">'])
    # the good link comes last, after every hostile one: it must still be followed
    body = (f"<html><head>{base}<title>Fuzz \u202e</title></head><body><main><p>"
            f"Acme Widgets here. {anchors}</p></main>"
            f'<a href="{good}">next</a></body></html>'
            + rng.choice(["", "<!--", "<![CDATA[", "<script>", "<a href='http://[::1"]))
    data = body.encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        data = data.replace(b"<main>", b"<main>\x00\xff\xfe")
    return data


def test_malformed_reason_agrees_with_the_crawler() -> None:
    """Every URL malformed_reason lets through can be requested; none of it raises."""
    rng = random.Random(8)
    reasons: Counter[str | None] = Counter()
    for _ in range(3000):
        url = hostile_href(rng)
        reason = malformed_reason(url)
        assert malformed_reason(url, private_ok=False) in (reason, "private_address")
        reasons[reason] += 1
        assert reason is None or reason in MALFORMED_REASONS
        if reason is None:
            parts = urlsplit(url)
            assert parts.scheme.lower() in ("http", "https") and parts.hostname
            assert 0 < (parts.port or 80) < 65536
            scrapy.Request(url)  # must not raise
    assert set(reasons) == {None, *MALFORMED_REASONS} - {"private_address"}


def test_hostile_pages_through_the_analysis() -> None:
    rng = random.Random(88)
    analyser = PageAnalyser(brand_names=[BrandName("Acme Widgets"), BrandName("Acme")],
                            brand_domains=["acme.com"], competitor_domains=["other.example"])
    for _ in range(200):
        page = parse_page(hostile_page(rng, "/next"), PAGE, rng.choice([None, "utf-8", "latin-1"]))
        analysis = analyser.analyse(page)
        for url in analysis.internal_links + [link.url for link in analysis.outlinks]:
            malformed_reason(url)


def make_spider() -> SweepSpider:
    campaign = Campaign(name="fuzz", brand_names=(BrandName("Acme Widgets"),),
                        brand_domains=("acme.com",),
                        crawl=CrawlConfig(seeds=(PAGE,), max_depth=3, check_links=True,
                                          render_js="never"))  # shells: analysed raw
    settings = project_settings()
    apply_campaign(settings, campaign)
    crawler = get_crawler(SweepSpider, settings_dict=settings.copy_to_dict())
    spider = SweepSpider(campaign=campaign)  # from_crawler would change frozen settings
    spider._set_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


@pytest.fixture(scope="module")
def spider() -> SweepSpider:
    return make_spider()


def test_hostile_pages_through_the_spider_callback(spider: SweepSpider) -> None:
    rng = random.Random(888)
    for i in range(150):
        spider.frontier = Frontier(["fuzz.example"], max_pages_per_site=10_000)
        good = f"http://fuzz.example/next{i}"
        response = HtmlResponse(PAGE, body=hostile_page(rng, good), encoding="utf-8",
                                request=scrapy.Request(PAGE, meta={"depth": 0}))
        out = list(spider.parse_page(response))
        assert isinstance(out[0], PageItem)
        requested = [r.url for r in out if isinstance(r, scrapy.Request)]
        assert good in requested, i
        for url in out[0].analysis.internal_links + [l.url for l in out[0].analysis.outlinks]:
            assert malformed_reason(url) is None
    stats = spider.crawler.stats.get_stats()
    skipped = {k.rsplit("/", 1)[1] for k in stats if k.startswith("mentionspider/links/malformed/")}
    assert {"bad_port", "bad_ipv6", "control_chars", "bad_host"} <= skipped
    assert "mentionspider/links/malformed/refused" not in stats


def test_one_bad_port_costs_nothing_else() -> None:
    """The case from the issue: an invalid port among ordinary links."""
    spider = make_spider()
    spider.frontier = Frontier(["fuzz.example"], max_pages_per_site=100)
    body = (b'<main><p>Acme Widgets. <a href="/a">a</a> <a href="http://fuzz.example:99999/">x</a>'
            b' <a href="http://dead.example:99999/">y</a> <a href="http://[::1/">z</a>'
            b' <a href="/b">b</a> <a href="http://elsewhere.example/c">c</a></p></main>')
    response = HtmlResponse(PAGE, body=body, encoding="utf-8",
                            request=scrapy.Request(PAGE, meta={"depth": 0}))
    out = list(spider.parse_page(response))
    urls = [r.url for r in out if isinstance(r, scrapy.Request)]
    assert sorted(urls) == ["http://elsewhere.example/c", "http://fuzz.example/a",
                            "http://fuzz.example/b"]
    assert spider.crawler.stats.get_value("mentionspider/links/malformed/bad_port") == 2
