"""The Brave Search API (web search). Pure.

Relied on (Brave Search API documentation: the web search reference, "Response
Headers" and the error examples of its API reference, 2026):

- ``GET https://api.search.brave.com/res/v1/web/search`` with the key in the
  ``X-Subscription-Token`` header; ``q``, ``count`` (at most 20), ``offset`` (in
  pages of ``count``, at most 9), ``country``, ``search_lang``, ``freshness``.
- The answer: ``web.results[]`` with ``url``, ``title``, ``description``;
  ``query.more_results_available`` says whether another page exists.
- ``X-RateLimit-Limit``, ``-Policy``, ``-Remaining`` and ``-Reset`` each hold a
  per-second and a per-month value (``X-RateLimit-Remaining: 1, 1000``,
  ``X-RateLimit-Reset: 1, 1419704``: seconds until each window resets).
- Errors: ``{"type": "ErrorResponse", "errors": [{"code": "RATE_LIMITED", "detail":
  ..., "status": 429, ...}], "time": ...}`` as documented, and
  ``{"type": "ErrorResponse", "error": {"code": ..., "detail": ..., "status": ...}}``
  as the service answers in practice (e.g. GitHub egoist/chatwise-releases#936);
  both are read. ``RATE_LIMITED`` (429) waits for the per-second window;
  ``QUOTA_LIMITED`` (429) ends Brave for the run; an invalid key is
  ``422 SUBSCRIPTION_TOKEN_INVALID``.

The base URL is the setting ``MENTIONSPIDER_SEARCH_BRAVE_URL`` (tests point it at the
virtual web).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from mentionspider.search.base import Answer, Hit, Problem, SearchRequest, json_body

__all__ = ["Brave", "DEFAULT_URL", "RateLimits", "error_of", "rate_limits"]

DEFAULT_URL = "https://api.search.brave.com/res/v1/web/search"
MAX_COUNT = 20
MAX_OFFSET = 9


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The per-second and per-month pairs of Brave's X-RateLimit-* headers."""

    second_remaining: int | None = None
    month_remaining: int | None = None
    second_reset: float | None = None
    month_reset: float | None = None


def _pair(value: str | None) -> tuple[float | None, float | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(",")]
    out: list[float | None] = []
    for part in parts[:2]:
        try:
            out.append(float(part))
        except ValueError:
            out.append(None)
    while len(out) < 2:
        out.append(None)
    return out[0], out[1]


def rate_limits(headers: dict[str, str]) -> RateLimits:
    s_rem, m_rem = _pair(headers.get("x-ratelimit-remaining"))
    s_reset, m_reset = _pair(headers.get("x-ratelimit-reset"))
    return RateLimits(None if s_rem is None else int(s_rem), None if m_rem is None else int(m_rem),
                      s_reset, m_reset)


def error_of(data: Any) -> tuple[str, str]:
    """(code, detail) of a Brave error body in either shape; ("", "") if none."""
    if not isinstance(data, dict):
        return "", ""
    error = data.get("error")
    if not isinstance(error, dict):
        errors = data.get("errors")
        error = errors[0] if isinstance(errors, list) and errors and isinstance(
            errors[0], dict) else None
    if error is None:
        return "", ""
    return str(error.get("code") or ""), str(error.get("detail") or "")


@dataclass(frozen=True, slots=True)
class Brave:
    api_key: str = field(repr=False)
    name: str = "brave"
    key_env: str = "BRAVE_API_KEY"
    url: str = DEFAULT_URL
    count: int = MAX_COUNT
    country: str = ""
    search_lang: str = ""
    freshness: str = ""
    backoff: float = 2.0

    kind = "brave"
    #: Brave has no inurl: (it is removed from the query and enforced on the results).
    operators = frozenset({"site", "intitle", "filetype"})
    max_pages = MAX_OFFSET + 1

    def request(self, query: str, page: int) -> SearchRequest:
        params = {"q": query, "count": str(min(self.count, MAX_COUNT)),
                  "offset": str(min(page - 1, MAX_OFFSET))}
        for key in ("country", "search_lang", "freshness"):
            if value := getattr(self, key):
                params[key] = value
        return SearchRequest(f"{self.url}?{urlencode(params)}",
                             {"Accept": "application/json", "X-Subscription-Token": self.api_key})

    def parse(self, status: int, headers: dict[str, str], body: bytes) -> Answer:
        limits = rate_limits(headers)
        data = json_body(body)
        if status != 200:
            return Answer(problem=self._problem(status, data, limits))
        web = data.get("web") if isinstance(data, dict) else None
        results = web.get("results") if isinstance(web, dict) else []
        if not isinstance(data, dict) or not isinstance(results, list):
            return Answer(problem=Problem("skip", f"{self.name}: the answer is not Brave's JSON"))
        hits = tuple(Hit(r["url"], str(r.get("title") or ""), str(r.get("description") or ""))
                     for r in results if isinstance(r, dict) and isinstance(r.get("url"), str))
        query = data.get("query")
        more = query.get("more_results_available") if isinstance(query, dict) else None
        stop_after = ""
        if limits.month_remaining == 0:
            stop_after = (f"{self.name}: the monthly quota is used up "
                          f"(X-RateLimit-Remaining: 0){_resets(limits.month_reset)}")
        pause = 0.0
        if limits.second_remaining == 0 and limits.second_reset:
            pause = limits.second_reset
        return Answer(hits, more if isinstance(more, bool) else None, stop_after=stop_after,
                      pause=pause)

    def _problem(self, status: int, data: Any, limits: RateLimits) -> Problem:
        code, detail = error_of(data)
        said = f"{status} {code}: {detail}".rstrip(": ") if code else f"HTTP {status}"
        if code == "QUOTA_LIMITED":
            return Problem("stop", f"{self.name}: the plan's quota is used up ({said}); no more "
                           f"Brave queries this run{_resets(limits.month_reset)}")
        if status == 429 or code == "RATE_LIMITED":
            wait = limits.second_reset if limits.second_reset else self.backoff
            return Problem("retry", f"{self.name}: rate limited ({said})", wait=wait)
        if code.startswith("SUBSCRIPTION_TOKEN") or status in (401, 403):
            return Problem("stop", f"{self.name}: the API key in ${self.key_env} was refused "
                           f"({said}); check the key of your Search plan")
        if status >= 500:
            return Problem("retry", f"{self.name}: {said}", wait=self.backoff)
        return Problem("skip", f"{self.name}: {said}")


def _resets(seconds: float | None) -> str:
    if not seconds:
        return ""
    days = seconds / 86400
    return f"; it resets in {days:.1f} days" if days >= 1 else f"; it resets in {seconds:.0f} s"
