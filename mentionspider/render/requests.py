"""The crawl's side of rendering: which page requests go to the browser, and with what.

The sweep spider asks a :class:`Renderer` twice per page: :meth:`Renderer.first` when it
builds a page request (``always``, or a site known to need JavaScript: straight to
the browser), and :meth:`Renderer.after_raw` when a raw page came back (``auto``: a
shell is requested again, the same URL, through the browser). The page item then
records how it was read (:func:`render_fields`).

Other sources of pages (search results, #10) choose a mode per request with
:meth:`Renderer.with_mode` (``spider.renderer.with_mode(request, "always")``): it sets
``meta["mentionspider_render_js"]``, which the policy then prefers to the site's mode,
and sends the request to the browser at once when that mode says so.
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

from scrapy import Request
from scrapy.http import Response

from mentionspider.analysis.model import ParsedPage
from mentionspider.render.browser import NETWORK_IDLE, settle
from mentionspider.render.policy import RENDER_MODES, RenderPolicy

__all__ = ["DEPTH_META", "FAILED_META", "MODE_META", "RAW_META", "REASON_META", "Renderer",
           "page_depth", "render_fields"]

#: Why a request goes through the browser (set on every render request).
REASON_META: Final = "mentionspider_render"
#: A request's own render mode (``never``, ``auto``, ``always``), e.g. for search results.
MODE_META: Final = "mentionspider_render_js"
#: The raw page a render request was made from: what the fallback analyses.
RAW_META: Final = "mentionspider_raw"
#: Set when the browser failed: the failure's kind (``timeout``, ``err_connection_reset``...).
FAILED_META: Final = "mentionspider_render_failed"
#: The page's own depth (a render request is yielded from its raw page, one level deeper).
DEPTH_META: Final = "mentionspider_depth"
#: Meta keys of a render request that the fallback removes.
PLAYWRIGHT_KEYS: Final = ("playwright", "playwright_context", "playwright_context_kwargs",
                          "playwright_page_goto_kwargs", "playwright_page_methods",
                          "playwright_page")
_RENDER_KEYS: Final = frozenset({*PLAYWRIGHT_KEYS, "mentionspider_render", "mentionspider_raw",
                                  "mentionspider_depth"})
#: What Scrapy's own middlewares leave in a page request's meta; a render request starts clean.
_SCRAPY_KEYS: Final = frozenset({"depth", "download_slot", "download_latency", "download_timeout",
                                 "redirect_times", "redirect_ttl", "redirect_urls",
                                 "redirect_reasons", "retry_times", "proxy", "_auth_proxy"})


class Renderer:
    """Turns page requests into render requests when the policy says so."""

    def __init__(self, policy: RenderPolicy, *, timeout: float = 15.0,
                 wait_for: str = NETWORK_IDLE, ignore_https_errors: bool = True) -> None:
        self.policy = policy
        self.timeout_ms = timeout * 1000
        self.wait_for = wait_for
        self.context_kwargs = {"ignore_https_errors": ignore_https_errors,
                               "service_workers": "block"}

    @classmethod
    def from_settings(cls, policy: RenderPolicy, settings: Any) -> "Renderer":
        return cls(policy, timeout=settings.getfloat("MENTIONSPIDER_RENDER_TIMEOUT"),
                   wait_for=settings.get("MENTIONSPIDER_RENDER_WAIT_FOR") or NETWORK_IDLE,
                   ignore_https_errors=settings.getbool(
                       "MENTIONSPIDER_RENDER_IGNORE_HTTPS_ERRORS"))

    def first(self, request: Request) -> Request:
        """``request`` itself, or a render request when its page goes straight to the browser."""
        reason = self.policy.render_first(request.url, request.meta.get(MODE_META))
        return request if reason is None else self.to_browser(request, reason)

    def with_mode(self, request: Request, mode: str) -> Request:
        """``request`` rendered by ``mode`` (never, auto, always) whatever its site's mode:
        the hook for pages that come from elsewhere than the crawl (search results)."""
        if mode not in RENDER_MODES:
            raise ValueError(f"render_js: expected one of {', '.join(RENDER_MODES)}, "
                             f"got {mode!r}")
        if REASON_META in request.meta:  # already a render request
            if mode != "never":
                return request
            meta = {k: v for k, v in request.meta.items() if k not in _RENDER_KEYS}
            return request.replace(meta={**meta, MODE_META: mode})
        return self.first(request.replace(meta={**request.meta, MODE_META: mode}))

    def after_raw(self, response: Response, parsed: ParsedPage) -> Request | None:
        """A render request for a raw page that needs the browser, else None."""
        meta = response.meta
        if REASON_META in meta:  # rendered already, or the fallback after a failed render
            return None
        visible = sum(len(block.text) for block in parsed.blocks)
        reason = self.policy.after_raw(response.url, response.body, visible, meta.get(MODE_META))
        if reason is None:
            return None
        request = response.request or Request(response.url)
        raw = {"url": response.url, "status": response.status, "body": response.body,
               "encoding": getattr(response, "encoding", None)}
        return self.to_browser(request.replace(url=response.url), reason, raw=raw,
                               depth=meta.get("depth", 0))

    def to_browser(self, request: Request, reason: str, *, raw: dict[str, Any] | None = None,
                   depth: int | None = None) -> Request:
        """The same page, to be rendered by the browser (``reason`` is recorded with it)."""
        wait_for = self.policy.wait_for(request.url) or self.wait_for
        meta = {k: v for k, v in request.meta.items()
                if k not in _SCRAPY_KEYS and not k.startswith("_")}
        meta.update({
            REASON_META: reason, "playwright": True,
            "playwright_context_kwargs": self.context_kwargs,
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded",
                                            "timeout": self.timeout_ms},
            "playwright_page_methods": [_page_method(wait_for, self.timeout_ms)]})
        if raw is not None:
            meta[RAW_META] = raw
        if depth is not None:
            meta[DEPTH_META] = depth
        return request.replace(meta=meta, dont_filter=True)


def _page_method(wait_for: str, timeout_ms: float) -> Any:
    from scrapy_playwright.page import PageMethod

    return PageMethod(settle, wait_for, timeout_ms)


def page_depth(response: Response) -> int:
    """How many links from its seed the page is (a render request keeps its page's depth)."""
    meta = response.meta
    return int(meta[DEPTH_META] if DEPTH_META in meta else meta.get("depth", 0))


class RenderFields(TypedDict):
    render: str
    render_reason: str
    render_error: str


def render_fields(response: Response) -> RenderFields:
    """How the page was read, for its item: ``render`` (raw, rendered, fallback),
    ``render_reason`` (why it went to the browser) and ``render_error``."""
    meta = response.meta
    reason = meta.get(REASON_META)
    if reason is None:
        return RenderFields(render="raw", render_reason="", render_error="")
    failed = meta.get(FAILED_META)
    return RenderFields(render="fallback" if failed else "rendered", render_reason=reason,
                        render_error=failed or "")
