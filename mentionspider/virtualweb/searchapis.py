"""Fake search APIs served by the virtual web: a SearXNG instance and the Brave Search API.

They search the virtual web's own pages (title and visible text, search operators
included) and answer in the services' documented JSON wire formats, errors
included, so that a sweep's search path runs end to end without the internet:

- :class:`FakeSearXNG` answers ``GET /search?q=..&format=json&pageno=N`` with
  ``query``, ``number_of_results`` (0, as recent releases report), ``results``
  (``url``, ``title``, ``content``, ``engine``, ``parsed_url``, ``template``,
  ``engines``, ``positions``, ``score``, ``category``), ``answers``,
  ``corrections``, ``infoboxes``, ``suggestions`` and ``unresponsive_engines``.
  ``json = false`` answers 403 Forbidden to ``format=json``, as an instance whose
  settings.yml lacks ``json`` in ``search: formats`` does; ``script = [429, ...]``
  answers those statuses first (429: its limiter).
- :class:`FakeBrave` answers ``GET /res/v1/web/search?q=..&count=..&offset=..`` with
  ``type``, ``query`` (``original``, ``more_results_available``...), ``mixed`` and
  ``web.results[]`` (``title``, ``url``, ``description``...), and the
  ``X-RateLimit-Limit/-Policy/-Remaining/-Reset`` headers (a per-second and a
  per-month value each). A wrong ``X-Subscription-Token`` is
  ``422 SUBSCRIPTION_TOKEN_INVALID``; ``quota`` successful requests use the monthly
  quota up (then ``429 QUOTA_LIMITED``); ``script = ["RATE_LIMITED", ...]`` answers
  those first. Error bodies come as documented (``{"type": "ErrorResponse",
  "errors": [...]}``) or, with ``error_shape = "error"``, as the service also
  answers (``{"type": "ErrorResponse", "error": {...}}``).

In ``routes.toml``::

    [hosts."searx.example".searxng]
    page_size = 20                 # results per page
    json = true                    # false: 403 to format=json
    script = []                    # statuses answered first, one per request
    ignore = ["-site"]             # operators its engines do not honour
    hosts = []                     # index only these hosts (default: all)
    https = ["gadgetnews.example"] # hosts whose results are https URLs
    unresponsive_engines = [["google", "Suspended: too many requests"]]

    [hosts."brave.example".brave]
    key = "test-key"               # the X-Subscription-Token it accepts
    quota = 15000                  # successful requests before QUOTA_LIMITED
    script = ["RATE_LIMITED"]      # RATE_LIMITED, QUOTA_LIMITED or a status, first
    error_shape = "errors"         # or "error"
    per_second = 1                 # X-RateLimit-Limit per second (remaining 0 after each)
    hosts = [], https = []         # as above
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from .web import Route, Web

__all__ = ["FakeBrave", "FakeSearXNG", "PageIndex"]

_DROP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def _text(markup: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


@dataclass(frozen=True, slots=True)
class IndexedPage:
    url: str
    host: str
    title: str
    text: str


class PageIndex:
    """The HTML pages of a :class:`Web` (one URL per page, the shortest path), searchable."""

    def __init__(self, web: Web, *, hosts: Iterable[str] = (), https: Iterable[str] = (),
                 skip: Iterable[str] = ()) -> None:
        self.web, self.only, self.https, self.skip = web, set(hosts), set(https), set(skip)
        self._pages: list[IndexedPage] | None = None

    @property
    def pages(self) -> list[IndexedPage]:
        if self._pages is None:
            self._pages = self._build()
        return self._pages

    def _build(self) -> list[IndexedPage]:
        pages = []
        seen_hosts: set[int] = set()
        for name in self.web.hosts:
            host = self.web.host(name)
            if host is None or id(host) in seen_hosts or name in self.skip or (
                    self.only and name not in self.only) or host.handler is not None:
                continue
            seen_hosts.add(id(host))
            by_body: dict[bytes, str] = {}  # one page, one URL: the shortest of its paths
            for path, route in host.routes.items():
                content_type = next((v for k, v in route.headers.items()
                                     if k.lower() == "content-type"), "")
                body = route.body if isinstance(route.body, bytes) else route.body.encode()
                if route.status != 200 or "html" not in content_type or "?" in path:
                    continue
                if body not in by_body or len(path) < len(by_body[body]):
                    by_body[body] = path
            for raw, path in by_body.items():
                markup = _DROP.sub(" ", raw.decode("utf-8", "replace"))
                match = _TITLE.search(markup)
                title = _text(match.group(1)) if match else ""
                scheme = "https" if host.name in self.https else "http"
                pages.append(IndexedPage(f"{scheme}://{host.name}{path}", host.name, title,
                                         _text(_TITLE.sub(" ", markup))))
        return sorted(pages, key=lambda p: p.url)

    def search(self, query: str, *, ignore: Iterable[str] = (),
               unknown: Iterable[str] = ()) -> list[IndexedPage]:
        """Pages matching ``query``: every word and phrase in the title or text, none of
        the negated ones, and the operators (except those in ``ignore``, e.g. ``-site``;
        operators in ``unknown`` are read as words), best first."""
        from mentionspider.search.operators import parse_query

        ignored, words = set(ignore), set(unknown)
        terms = parse_query(query)
        scored = []
        for page in self.pages:
            haystack = f"{page.title} {page.text}".lower()
            score, ok = 0, True
            for term in terms:
                op = term.operator if term.operator not in words else ""
                if (("-" if term.negated else "") + op) in ignored or (op and op in ignored):
                    continue
                if op:
                    value = term.value.lower()
                    if op == "site":
                        found = page.host == value or page.host.endswith("." + value)
                    elif op == "intitle":
                        found = value in page.title.lower()
                    elif op == "inurl":
                        found = value in page.url.lower()
                    else:
                        found = page.url.lower().endswith("." + value)
                else:
                    needle = term.text.lstrip("-").strip('"').lower()
                    if not needle or needle == "or":
                        continue
                    count = len(re.findall(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack))
                    found = count > 0
                    score += count
                if found == term.negated:
                    ok = False
                    break
            if ok:
                scored.append((-score, page.url, page))
        return [page for _, _, page in sorted(scored)]


def _snippet(page: IndexedPage, query: str, size: int = 160) -> str:
    words = [w.strip('"').lower() for w in query.split() if w and not w.startswith("-")
             and ":" not in w]
    text = page.text
    at = next((i for w in words if w and (i := text.lower().find(w)) >= 0), 0)
    start = max(0, at - size // 3)
    return text[start:start + size]


def _json_route(status: int, data: Any, headers: dict[str, str] | None = None) -> Route:
    from .web import Route

    return Route(status=status, body=json.dumps(data), headers={
        "Content-Type": "application/json", **(headers or {})})


@dataclass(eq=False)
class FakeSearXNG:
    """A SearXNG instance's ``/search`` endpoint over a :class:`PageIndex` (see above)."""

    index: PageIndex
    page_size: int = 20
    json: bool = True
    script: list[int] = field(default_factory=list)
    ignore: tuple[str, ...] = ()
    unresponsive_engines: list[list[str]] = field(default_factory=list)
    _turn: int = 0

    def reset(self) -> None:
        self._turn = 0

    def __call__(self, target: str, headers: dict[str, str]) -> Route:
        from .web import Route

        parts = urlsplit(target)
        if parts.path not in ("/search", "/"):
            return Route(status=404)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        turn, self._turn = self._turn, self._turn + 1
        if turn < len(self.script):
            status = self.script[turn]
            body = "Too Many Requests" if status == 429 else ""
            return Route(status=status, body=body, headers={"Content-Type": "text/plain"}
                         if body else {})
        if params.get("format") == "json" and not self.json:
            return Route(status=403, body="<!doctype html><title>403 Forbidden</title>"
                         "<h1>Forbidden</h1>")
        query = params.get("q", "")
        try:
            page = max(1, int(params.get("pageno", "1")))
        except ValueError:
            return Route(status=400)
        found = self.index.search(query, ignore=self.ignore)
        chunk = found[(page - 1) * self.page_size: page * self.page_size]
        results = [{
            "url": p.url, "title": p.title, "content": _snippet(p, query),
            "engine": "duckduckgo", "parsed_url": list(urlsplit(p.url)) + [""],
            "template": "default.html", "engines": ["duckduckgo"],
            "positions": [i], "score": round(1.0 / i, 3), "category": "general",
        } for i, p in enumerate(chunk, (page - 1) * self.page_size + 1)]
        if params.get("format") != "json":
            items = "".join(f'<article><a href="{p.url}">{html.escape(p.title)}</a></article>'
                            for p in chunk)
            return Route(body=f"<!doctype html><title>{html.escape(query)} - SearXNG</title>"
                         f"<main>{items}</main>")
        return _json_route(200, {
            "query": query, "number_of_results": 0, "results": results, "answers": [],
            "corrections": [], "infoboxes": [], "suggestions": [],
            "unresponsive_engines": self.unresponsive_engines})


_BRAVE_ERRORS = {
    "RATE_LIMITED": (429, "Request rate limit exceeded for plan.", "rate_limiter"),
    "QUOTA_LIMITED": (429, "Request quota limit exceeded for plan.", "rate_limiter"),
    "SUBSCRIPTION_TOKEN_INVALID": (422, "The provided subscription token is invalid.",
                                   "authentication"),
}


@dataclass(eq=False)
class FakeBrave:
    """The Brave Search API's web search endpoint over a :class:`PageIndex` (see above)."""

    index: PageIndex
    key: str = "test-key"
    quota: int = 15000
    script: list[str | int] = field(default_factory=list)
    error_shape: str = "errors"
    per_second: int = 1  # the plan's requests per second (the free plan's 1: wait after each)
    _turn: int = 0
    _used: int = 0

    def reset(self) -> None:
        self._turn = self._used = 0

    def _headers(self, second: int) -> dict[str, str]:
        return {"X-RateLimit-Limit": f"{self.per_second}, {self.quota}",
                "X-RateLimit-Policy": f"{self.per_second};w=1, {self.quota};w=2592000",
                "X-RateLimit-Remaining": f"{second}, {max(0, self.quota - self._used)}",
                "X-RateLimit-Reset": "1, 1419704"}

    def _error(self, code: str) -> Route:
        status, detail, component = _BRAVE_ERRORS[code]
        error = {"id": "5d832250-9396-4f6e-b84a-2a1fe524cd7d", "status": status, "code": code,
                 "detail": detail, "meta": {"component": component}}
        body: dict[str, Any] = {"type": "ErrorResponse", "time": 1663072993}
        if self.error_shape == "error":
            body["error"] = error
        else:
            body["errors"] = [error]
        return _json_route(status, body, self._headers(0))

    def __call__(self, target: str, headers: dict[str, str]) -> Route:
        from .web import Route

        parts = urlsplit(target)
        if parts.path != "/res/v1/web/search":
            return Route(status=404)
        if headers.get("x-subscription-token") != self.key:
            return self._error("SUBSCRIPTION_TOKEN_INVALID")
        turn, self._turn = self._turn, self._turn + 1
        if turn < len(self.script):
            step = self.script[turn]
            if isinstance(step, int):
                return Route(status=step)
            return self._error(step)
        if self._used >= self.quota:
            return self._error("QUOTA_LIMITED")
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        query = params.get("q", "")
        try:
            count = int(params.get("count", "20"))
            offset = int(params.get("offset", "0"))
        except ValueError:
            count = offset = -1
        if not query or not 1 <= count <= 20 or not 0 <= offset <= 9:
            return _json_route(422, {"type": "ErrorResponse", "error": {
                "id": "ade84851-a6f3-4cf9-8c76-1dc897718b0b", "status": 422,
                "code": "VALIDATION", "detail": "Unable to validate request parameter(s)",
                "meta": {}}, "time": 1754364294}, self._headers(1))
        self._used += 1
        found = self.index.search(query, unknown=("inurl",))
        chunk = found[offset * count: (offset + 1) * count]
        more = (offset + 1) * count < len(found) and offset < 9
        return _json_route(200, {
            "type": "search",
            "query": {"original": query, "show_strict_warning": False,
                      "is_navigational": False, "more_results_available": more},
            "mixed": {"type": "mixed", "main": [{"type": "web", "index": i, "all": False}
                                                for i in range(len(chunk))]},
            "web": {"type": "search", "family_friendly": True, "results": [
                {"type": "search_result", "title": p.title, "url": p.url,
                 "description": _snippet(p, query), "is_source_local": False,
                 "is_source_both": False, "language": "en", "family_friendly": True}
                for p in chunk]},
        }, self._headers(self.per_second - 1))


def build_fake(kind: str, web: Web, table: dict[str, Any]) -> FakeSearXNG | FakeBrave:
    """A fake from a ``routes.toml`` table (``[hosts."x".searxng]`` or ``.brave``)."""
    index = PageIndex(web, hosts=table.get("hosts", ()), https=table.get("https", ()))
    if kind == "searxng":
        return FakeSearXNG(index, int(table.get("page_size", 20)), bool(table.get("json", True)),
                           [int(s) for s in table.get("script", [])],
                           tuple(table.get("ignore", ())),
                           [list(e) for e in table.get("unresponsive_engines", [])])
    return FakeBrave(index, str(table.get("key", "test-key")), int(table.get("quota", 15000)),
                     list(table.get("script", [])), str(table.get("error_shape", "errors")),
                     int(table.get("per_second", 1)))
