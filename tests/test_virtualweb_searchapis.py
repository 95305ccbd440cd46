"""The virtual web's fake SearXNG and Brave APIs speak the documented wire formats."""

from __future__ import annotations

import json

from mentionspider.virtualweb.searchapis import FakeBrave, FakeSearXNG, PageIndex
from mentionspider.virtualweb.web import Web


def web() -> Web:
    w = Web()
    for n in range(1, 6):
        w.add_page("blog.example", f"/p{n}", f"<title>Post {n}</title><p>Acme Widgets post {n}"
                   "</p><script>Globex</script>")
    w.add_page("shop.example", "/", "<title>Shop</title><p>Globex and Acme Widgets</p>")
    w.add_page("shop.example", "/robots.txt", "User-agent: *\n")
    return w


def answer(w: Web, host: str, target: str, headers: dict[str, str] | None = None):
    route = w.resolve(host, target, headers or {})[1]
    return route.status, {k.lower(): v for k, v in route.headers.items()}, route.body


def test_searxng_pages_and_operators() -> None:
    w = web()
    w.add_handler("searx.example", FakeSearXNG(PageIndex(w), page_size=2,
                                               unresponsive_engines=[["google", "timeout"]]))
    status, headers, body = answer(w, "searx.example",
                                   "/search?q=%22acme+widgets%22+-site%3Ashop.example"
                                   "&format=json&pageno=3")
    data = json.loads(body)
    assert (status, headers["content-type"]) == (200, "application/json")
    assert set(data) == {"query", "number_of_results", "results", "answers", "corrections",
                         "infoboxes", "suggestions", "unresponsive_engines"}
    assert data["number_of_results"] == 0
    assert [r["url"] for r in data["results"]] == ["http://blog.example/p5"]
    assert data["results"][0]["positions"] == [5]
    assert data["unresponsive_engines"] == [["google", "timeout"]]
    empty = json.loads(answer(w, "searx.example", "/search?q=globex&format=json&pageno=2")[2])
    assert empty["results"] == []  # script text is not page text: only shop.example, page 1


def test_searxng_json_off_and_limiter() -> None:
    w = web()
    w.add_handler("off.example", FakeSearXNG(PageIndex(w), json=False))
    w.add_handler("busy.example", FakeSearXNG(PageIndex(w), script=[429]))
    assert answer(w, "off.example", "/search?q=acme&format=json")[0] == 403
    status, headers, body = answer(w, "busy.example", "/search?q=acme&format=json")
    assert (status, body) == (429, b"Too Many Requests")
    assert answer(w, "busy.example", "/search?q=acme&format=json")[0] == 200
    w.reset_sequences()
    assert answer(w, "busy.example", "/search?q=acme&format=json")[0] == 429


def test_brave_answers_errors_and_headers() -> None:
    w = web()
    brave = FakeBrave(PageIndex(w), key="k", quota=2, script=["RATE_LIMITED"],
                      error_shape="error")
    w.add_handler("brave.example", brave)
    target = "/res/v1/web/search?q=%22acme+widgets%22&count=4&offset=1"
    status, headers, body = answer(w, "brave.example", target, {"x-subscription-token": "bad"})
    assert status == 422
    assert json.loads(body)["error"]["code"] == "SUBSCRIPTION_TOKEN_INVALID"
    status, headers, body = answer(w, "brave.example", target, {"x-subscription-token": "k"})
    assert (status, json.loads(body)["error"]["code"]) == (429, "RATE_LIMITED")
    status, headers, body = answer(w, "brave.example", target, {"x-subscription-token": "k"})
    data = json.loads(body)
    assert status == 200
    assert [r["url"] for r in data["web"]["results"]] == ["http://blog.example/p5",
                                                         "http://shop.example/"]
    assert data["query"]["more_results_available"] is False
    assert headers["x-ratelimit-limit"] == "1, 2"
    assert headers["x-ratelimit-remaining"] == "0, 1"
    assert headers["x-ratelimit-reset"] == "1, 1419704"
    answer(w, "brave.example", target, {"x-subscription-token": "k"})
    status, _, body = answer(w, "brave.example", target, {"x-subscription-token": "k"})
    assert (status, json.loads(body)["error"]["code"]) == (429, "QUOTA_LIMITED")
    brave.error_shape = "errors"
    body = answer(w, "brave.example", target, {"x-subscription-token": "k"})[2]
    assert json.loads(body)["errors"][0]["detail"] == "Request quota limit exceeded for plan."
