"""Providers' pure halves: the request they build and how they read documented answers.

Payloads follow SearXNG's Search API documentation (docs/dev/search_api.rst) and
Brave's Web Search API reference (results, error examples, response headers).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mentionspider.search.base import Hit, Problem
from mentionspider.search.brave import Brave, RateLimits, rate_limits
from mentionspider.search.searxng import SearXNG
from mentionspider.search.urllist import read_url_list

SEARXNG_PAGE = {
    "query": '"Acme Widgets" -site:acmewidgets.com',
    "number_of_results": 0,
    "results": [
        {"url": "https://widgetblog.example/best-widgets-2026/", "title": "Best widgets of 2026",
         "content": "Acme Widgets tops our list", "engine": "duckduckgo",
         "parsed_url": ["https", "widgetblog.example", "/best-widgets-2026/", "", "", ""],
         "template": "default.html", "engines": ["duckduckgo", "brave"], "positions": [1, 2],
         "score": 3.0, "category": "general"},
        {"url": "https://gadgetnews.example/roundup", "title": "Roundup", "content": "",
         "engine": "brave", "engines": ["brave"], "positions": [3], "score": 0.3,
         "category": "general"},
    ],
    "answers": [], "corrections": [], "infoboxes": [], "suggestions": ["acme widgets review"],
    "unresponsive_engines": [["google", "Suspended: too many requests"]],
}


def test_searxng_request_and_answer() -> None:
    provider = SearXNG("http://127.0.0.1:8888/", language="en", time_range="year")
    request = provider.request('"Acme" -site:acme.com', 2)
    assert request.url == ("http://127.0.0.1:8888/search?q=%22Acme%22+-site%3Aacme.com"
                           "&format=json&pageno=2&language=en&time_range=year")
    answer = provider.parse(200, {}, json.dumps(SEARXNG_PAGE).encode())
    assert answer.hits == (
        Hit("https://widgetblog.example/best-widgets-2026/", "Best widgets of 2026",
            "Acme Widgets tops our list"),
        Hit("https://gadgetnews.example/roundup", "Roundup", ""))
    assert answer.notes == ("unresponsive engine: google (Suspended: too many requests)",)
    assert answer.problem is None


def test_searxng_errors_say_what_to_do() -> None:
    provider = SearXNG("http://s.example/")
    off = provider.parse(403, {}, b"<html>403 Forbidden</html>").problem
    assert off == Problem("stop", "searxng: the instance at http://s.example/ answered 403 "
                          "Forbidden to format=json: its JSON output is off. Enable it in its "
                          "settings.yml (search: formats: [html, json]) and restart it")
    limited = provider.parse(429, {"retry-after": "3"}, b"Too Many Requests").problem
    assert limited is not None and (limited.action, limited.wait) == ("retry", 3.0)
    assert "its limiter is on" in limited.message
    assert provider.parse(200, {}, b"<html>not json</html>").problem == Problem(
        "stop", "searxng: http://s.example/ did not answer with SearXNG's JSON (no results "
        "list): is this a SearXNG instance?")
    assert provider.parse(404, {}, b"Not Found").problem == Problem(
        "stop", "searxng: http://s.example/search answered 404 Not Found: is "
        "http://s.example/ the instance's base address?")
    empty = provider.parse(200, {}, json.dumps({**SEARXNG_PAGE, "results": [],
                                                 "unresponsive_engines": []}).encode())
    assert (empty.hits, empty.problem, empty.notes) == ((), None, ())


BRAVE_PAGE = {
    "type": "search",
    "query": {"original": "widgets", "show_strict_warning": False, "is_navigational": False,
              "more_results_available": True},
    "mixed": {"type": "mixed", "main": [{"type": "web", "index": 0, "all": False}]},
    "web": {"type": "search", "family_friendly": True, "results": [
        {"type": "search_result", "title": "Best widgets", "url": "https://a.example/best",
         "description": "Acme <strong>Widgets</strong> and more", "is_source_local": False,
         "language": "en", "family_friendly": True, "age": "2 days ago"},
    ]},
}


def brave_error(code: str, status: int, detail: str, shape: str) -> bytes:
    error = {"id": "5d832250-9396-4f6e-b84a-2a1fe524cd7d", "status": status, "code": code,
             "detail": detail, "meta": {"component": "rate_limiter"}}
    body = ({"type": "ErrorResponse", "errors": [error], "time": 1663072993} if shape == "errors"
            else {"type": "ErrorResponse", "error": error, "time": 1663072993})
    return json.dumps(body).encode()


def test_brave_request_and_answer() -> None:
    provider = Brave("secret", count=20, country="GB", freshness="py")
    request = provider.request('"Acme" -site:acme.com', 3)
    assert request.url == ("https://api.search.brave.com/res/v1/web/search?q=%22Acme%22+-site"
                           "%3Aacme.com&count=20&offset=2&country=GB&freshness=py")
    assert request.headers["X-Subscription-Token"] == "secret"
    headers = {"x-ratelimit-limit": "1, 15000", "x-ratelimit-remaining": "0, 999",
               "x-ratelimit-reset": "1, 1419704"}
    answer = provider.parse(200, headers, json.dumps(BRAVE_PAGE).encode())
    assert answer.hits == (Hit("https://a.example/best", "Best widgets",
                               "Acme <strong>Widgets</strong> and more"),)
    assert (answer.more, answer.pause, answer.stop_after) == (True, 1.0, "")
    last = provider.parse(200, {"x-ratelimit-remaining": "1, 0", "x-ratelimit-reset":
                                "1, 172800"}, json.dumps(BRAVE_PAGE).encode())
    assert last.stop_after == ("brave: the monthly quota is used up (X-RateLimit-Remaining: 0); "
                               "it resets in 2.0 days")


def test_brave_rate_limit_headers() -> None:
    assert rate_limits({"x-ratelimit-remaining": "1, 1000", "x-ratelimit-reset": "1, 1419704"}
                       ) == RateLimits(1, 1000, 1.0, 1419704.0)
    assert rate_limits({}) == RateLimits()


@pytest.mark.parametrize("shape", ["errors", "error"])
def test_brave_errors_in_both_shapes(shape: str) -> None:
    provider = Brave("secret")
    rate = provider.parse(429, {"x-ratelimit-reset": "1, 100"}, brave_error(
        "RATE_LIMITED", 429, "Request rate limit exceeded for plan.", shape)).problem
    assert rate == Problem("retry", "brave: rate limited (429 RATE_LIMITED: Request rate limit "
                           "exceeded for plan.)", wait=1.0)
    quota = provider.parse(429, {"x-ratelimit-reset": "1, 1419704"}, brave_error(
        "QUOTA_LIMITED", 429, "Request quota limit exceeded for plan.", shape)).problem
    assert quota == Problem("stop", "brave: the plan's quota is used up (429 QUOTA_LIMITED: "
                            "Request quota limit exceeded for plan.); no more Brave queries this "
                            "run; it resets in 16.4 days")
    token = provider.parse(422, {}, brave_error(
        "SUBSCRIPTION_TOKEN_INVALID", 422, "The provided subscription token is invalid.",
        shape)).problem
    assert token == Problem("stop", "brave: the API key in $BRAVE_API_KEY was refused (422 "
                            "SUBSCRIPTION_TOKEN_INVALID: The provided subscription token is "
                            "invalid.); check the key of your Search plan")


def test_url_lists(tmp_path: Path) -> None:
    plain = tmp_path / "urls.txt"
    plain.write_text("# found by hand\nhttps://a.example/x\n\nnot a url\nhttp://b.example/\n")
    found = read_url_list(plain.read_bytes(), "urls.txt")
    assert (found.urls, found.column, found.skipped) == (
        ("https://a.example/x", "http://b.example/"), "", 1)
    semrush = tmp_path / "semrush.csv"
    semrush.write_text("Page ascore,Source title,Source url,Target url\n"
                       "12,Post,https://c.example/post,https://acme.com/\n")
    assert read_url_list(semrush.read_bytes(), "semrush.csv").column == "Source url"
    gsc = tmp_path / "gsc.tsv"
    gsc.write_bytes("Top pages\tClicks\nhttps://d.example/\t3\n".encode("utf-16"))
    found = read_url_list(gsc.read_bytes(), "gsc.tsv")
    assert (found.urls, found.column) == (("https://d.example/",), "Top pages")
