"""The search source's decisions, without Scrapy: paging, dedupe, exclusions, cache, failures."""

from __future__ import annotations

import json

from mentionspider.search.config import ProviderConfig, SearchConfig
from mentionspider.search.source import CachedAnswer, SearchSource

VALUES = {"brand": ("Acme",), "domain": ("acme.com",), "keyword": ("widgets",),
          "competitor": (), "competitor_domain": ()}
SEARX = ProviderConfig("searxng", "searxng", "http://s.example/")


def source(queries: tuple[str, ...], *providers: ProviderConfig, cap: int = 50,
           cache: dict | None = None) -> SearchSource:
    config = SearchConfig(providers=providers or (SEARX,), footprints=(), queries=queries,
                          max_results_per_query=cap, exclude_domains=("directory.example",))
    return SearchSource(config, VALUES, brand_domains=("acme.com",),
                        excluded_hosts=("reddit.com",), brave_url="http://brave.example/",
                        backoff=0.0, retries=1, cache=cache)


def page(*urls: str) -> bytes:
    return json.dumps({"query": "q", "results": [{"url": u, "title": u} for u in urls]}).encode()


def test_pages_until_no_new_url_then_the_next_query() -> None:
    src = source(('"{brand}" -site:{domain}', '"{brand}" review'))
    first = src.start()
    (fetch,) = first.fetches
    assert fetch.url == "http://s.example/search?q=%22Acme%22+-site%3Aacme.com&format=json&pageno=1"
    step = src.answered(fetch.state, 200, {}, page(
        "https://a.example/x?utm_source=feed#top", "https://www.reddit.com/r/widgets",
        "https://shop.acme.com/", "https://directory.example/acme", "http://A.example/x/"))
    assert [(p.url, p.source) for p in step.pages] == [
        ("https://a.example/x", 'searxng: "Acme" -site:acme.com #1')]
    (second,) = step.fetches
    assert second.state["page"] == 2
    step = src.answered(second.state, 200, {}, page("https://a.example/x"))  # nothing new
    (third,) = step.fetches
    assert (third.state["query"], third.state["page"]) == (1, 1)
    step = src.answered(third.state, 200, {}, page("https://b.example/", "https://a.example/x"))
    assert [(p.url, p.source) for p in step.pages] == [
        ("https://b.example/", 'searxng: "Acme" review #1')]
    step = src.answered(step.fetches[0].state, 200, {}, page())
    assert step.fetches == [] and step.pages == []
    assert src.summary()["searxng"] == {"sent": 4, "from_cache": 0, "results": 8, "new_pages": 2,
                                        "errors": 0, "stopped": "", "notes": []}


def test_the_cap_counts_results_per_query() -> None:
    src = source(('"{brand}"',), cap=2)
    (fetch,) = src.start().fetches
    step = src.answered(fetch.state, 200, {}, page("https://a.example/", "https://b.example/",
                                                   "https://c.example/"))
    assert [p.source for p in step.pages] == ['searxng: "Acme" #1', 'searxng: "Acme" #2']
    assert step.fetches == []


def test_cached_answers_send_nothing() -> None:
    cache_id = 'searxng http://s.example/'
    from mentionspider.search.base import Hit
    cache = {(cache_id, '"Acme"', 1): CachedAnswer(cache_id, '"Acme"', 1,
                                                   (Hit("https://a.example/"),)),
             (cache_id, '"Acme"', 2): CachedAnswer(cache_id, '"Acme"', 2, ())}
    src = source(('"{brand}"',), cache=cache)
    step = src.start()
    assert step.fetches == []
    assert [p.url for p in step.pages] == ["https://a.example/"]
    assert src.summary()["searxng"]["from_cache"] == 2


def test_a_stopped_provider_leaves_the_others_going(monkeypatch) -> None:
    monkeypatch.setenv("BRAVE_API_KEY", "k")
    brave = ProviderConfig("brave", "brave", api_key_env="BRAVE_API_KEY", api_key="k")
    src = source(('"{brand}" inurl:widgets',), SEARX, brave)
    searx_fetch, brave_fetch = src.start().fetches
    assert brave_fetch.url == "http://brave.example/?q=%22Acme%22&count=20&offset=0"
    body = json.dumps({"type": "ErrorResponse", "errors": [
        {"code": "QUOTA_LIMITED", "detail": "Request quota limit exceeded for plan.",
         "status": 429}]}).encode()
    step = src.answered(brave_fetch.state, 429, {}, body)
    assert step.fetches == []
    assert step.messages == [
        "brave: the plan's quota is used up (429 QUOTA_LIMITED: Request quota limit exceeded for "
        "plan.); no more Brave queries this run. brave is stopped for this run; the other "
        "sources go on"]
    step = src.answered(searx_fetch.state, 200, {}, page("https://a.example/widgets"))
    assert [p.url for p in step.pages] == ["https://a.example/widgets"]


def test_a_retry_then_giving_up_on_a_query() -> None:
    src = source(('"{brand}"', '"{brand}" review'))
    (fetch,) = src.start().fetches
    step = src.answered(fetch.state, 503, {}, b"")
    (retry,) = step.fetches
    assert retry.state["attempt"] == 1 and retry.url == fetch.url
    step = src.answered(retry.state, 503, {}, b"")
    assert step.messages == ["searxng: HTTP 503 from http://s.example/ (query '\"Acme\"', "
                             "page 1): skipped"]
    assert step.fetches[0].state["query"] == 1
    assert src.summary()["searxng"]["errors"] == 2


def test_url_lists_are_pages_at_once() -> None:
    urls = ProviderConfig("urls", "urls", file="export.csv",
                          urls=("https://a.example/", "https://old.reddit.com/r/acme"))
    step = source((), urls).start()
    assert [(p.url, p.source) for p in step.pages] == [("https://a.example/",
                                                         "urls: export.csv #1")]
