"""The render requests and the fallback middleware, with Scrapy objects and no browser."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from mentionspider.analysis.document import parse_page
from mentionspider.render.middleware import RenderFallbackMiddleware, failure_kind
from mentionspider.render.policy import ALWAYS_REASON, RenderPolicy, SiteRendering
from mentionspider.render.requests import (DEPTH_META, FAILED_META, MODE_META, RAW_META,
                                           REASON_META, Renderer, page_depth, render_fields)

SHELL = (b'<html><head><script src="/app.js"></script></head><body><div id="app"></div>'
         b"</body></html>")
STATIC = b"<html><body><p>" + b"A page of plain text about widgets. " * 60 + b"</p></body></html>"


def _raw(url: str, body: bytes, depth: int = 1) -> HtmlResponse:
    request = Request(url, meta={"depth": depth, "download_slot": "x", "_scheme_proxy": True,
                                 "handle_httpstatus_list": [404]})
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=request)


def _renderer() -> Renderer:
    return Renderer(RenderPolicy("auto", [SiteRendering("forum.example", wait_for="#comments"),
                                          SiteRendering("app.example", "always")]),
                    timeout=5)


def test_a_shell_is_requested_again_through_the_browser_with_its_raw_page() -> None:
    response = _raw("https://blog.example/a", SHELL, depth=2)
    request = _renderer().after_raw(response, parse_page(SHELL, response.url))
    assert request is not None and request.url == "https://blog.example/a" and request.dont_filter
    meta = request.meta
    assert meta[REASON_META] == "empty mount node #app"
    assert meta["playwright"] is True
    assert meta["playwright_page_goto_kwargs"] == {"wait_until": "domcontentloaded",
                                                   "timeout": 5000.0}
    (method,) = meta["playwright_page_methods"]
    assert method.args == ("networkidle", 5000.0)
    assert meta["playwright_context_kwargs"] == {"ignore_https_errors": True,
                                                 "service_workers": "block"}
    assert meta[RAW_META] == {"url": "https://blog.example/a", "status": 200, "body": SHELL,
                              "encoding": "utf-8"}
    assert meta[DEPTH_META] == 2 and meta["handle_httpstatus_list"] == [404]
    assert not {"depth", "download_slot", "_scheme_proxy"} & set(meta)


def test_static_pages_and_rendered_pages_are_not_requested_again() -> None:
    renderer = _renderer()
    static = _raw("https://blog.example/b", STATIC)
    assert renderer.after_raw(static, parse_page(STATIC, static.url)) is None
    rendered = _raw("https://blog.example/a", SHELL)
    rendered.meta[REASON_META] = "empty mount node #app"
    assert renderer.after_raw(rendered, parse_page(SHELL, rendered.url)) is None


def test_first_requests_and_the_search_hook() -> None:
    renderer = _renderer()
    plain = Request("https://blog.example/")
    assert renderer.first(plain) is plain
    always = renderer.first(Request("https://www.app.example/"))
    assert always.meta[REASON_META] == ALWAYS_REASON
    forum = renderer.to_browser(Request("https://forum.example/t/1"), "test")
    assert forum.meta["playwright_page_methods"][0].args == ("#comments", 5000.0)
    # search results: a mode of their own
    result = renderer.with_mode(Request("https://blog.example/review"), "always")
    assert (result.meta[MODE_META], result.meta[REASON_META]) == ("always", ALWAYS_REASON)
    raw = renderer.with_mode(always, "never")
    assert raw.meta == {MODE_META: "never"}
    assert renderer.with_mode(always, "auto") is always
    auto = renderer.with_mode(Request("https://www.app.example/x"), "auto")
    assert auto.meta == {MODE_META: "auto"}


def test_what_the_item_records_and_the_page_depth() -> None:
    response = _raw("https://blog.example/a", SHELL, depth=3)
    assert render_fields(response) == {"render": "raw", "render_reason": "",
                                       "render_error": ""}
    assert page_depth(response) == 3
    response.meta.update({REASON_META: "empty mount node #app", DEPTH_META: 1})
    assert render_fields(response) == {"render": "rendered",
                                       "render_reason": "empty mount node #app",
                                       "render_error": ""}
    assert page_depth(response) == 1
    response.meta[FAILED_META] = "timeout"
    assert render_fields(response)["render"] == "fallback"


class TimeoutError(Exception):  # named like Playwright's
    pass


def test_a_failed_render_falls_back_to_the_raw_page_or_a_raw_fetch() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    middleware = RenderFallbackMiddleware.from_crawler(crawler)
    response = _raw("https://blog.example/a", SHELL)
    request = _renderer().after_raw(response, parse_page(SHELL, response.url))
    assert request is not None
    request.meta["depth"] = 2  # Scrapy's depth middleware: one more than the raw page's
    middleware.process_request(request)
    assert request.meta["depth"] == 1  # the page's own
    fallback = middleware.process_exception(request, TimeoutError("Timeout 5000ms exceeded."))
    assert isinstance(fallback, HtmlResponse)
    assert (fallback.url, fallback.body, fallback.status) == (response.url, SHELL, 200)
    assert fallback.meta[FAILED_META] == "timeout"
    assert "playwright" not in fallback.meta and RAW_META not in fallback.meta
    # without a raw page (always): the page is fetched again, without the browser
    always = _renderer().first(Request("https://app.example/"))
    again = middleware.process_exception(
        always, RuntimeError("Page.goto: net::ERR_CONNECTION_RESET at https://app.example/"))
    assert isinstance(again, Request) and again.dont_filter
    assert "playwright" not in again.meta
    assert again.meta[FAILED_META] == "err_connection_reset"
    assert crawler.stats.get_value("mentionspider/render/fallback") == 2
    assert crawler.stats.get_value("mentionspider/render/fallback/timeout") == 1
    # requests that are not renders are none of its business
    assert middleware.process_exception(Request("https://blog.example/"), TimeoutError()) is None


def test_failure_kinds() -> None:
    assert failure_kind(TimeoutError("x")) == "timeout"
    assert failure_kind(RuntimeError("net::ERR_NAME_NOT_RESOLVED at https://x/")) == (
        "err_name_not_resolved")
    assert failure_kind(RuntimeError("Target page, context or browser has been closed")) == (
        "browser_closed")
    assert failure_kind(ValueError("odd")) == "valueerror"
