"""Items the spiders yield and the pipelines consume (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from mentionspider.analysis.page import PageAnalysis
from mentionspider.analysis.signals import PageSignals
from mentionspider.opportunities import Opportunity

__all__ = ["PageItem", "GonePageItem", "LinkCheckItem", "SearchAnswerItem", "utcnow"]


def utcnow() -> str:
    """Now, UTC, ISO 8601 to the second: how every time is written in items and the store."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(slots=True)
class PageItem:
    """One fetched HTML page and what the analysis found on it."""

    campaign: str
    url: str  # the page's canonical URL (after redirects; a same-site rel=canonical followed)
    requested_url: str
    site: str  # registered domain
    status: int
    depth: int
    fetched_at: str  # ISO 8601, UTC
    analysis: PageAnalysis
    opportunity: Opportunity | None = None  # set by the classify pipeline
    source: str = "seed"  # how the page was found: "seed", or provider, query and rank
    signals: PageSignals | None = None  # what the markup says: canonical, robots, author...
    render: str = "raw"  # raw | rendered (by the browser) | fallback (render failed: raw HTML)
    render_reason: str = ""  # why the page went to the browser
    render_error: str = ""  # why the browser failed (fallback)


@dataclass(slots=True)
class GonePageItem:
    """A page that answered 404/410 or whose host no longer resolves: its rows retire."""

    campaign: str
    url: str
    reason: str  # http_404, http_410, dns
    fetched_at: str


@dataclass(slots=True)
class LinkCheckItem:
    """The verdict on one outbound URL, with its evidence."""

    url: str
    outcome: str  # ok | broken | blocked | transient | blocked_by_robots | skipped
    status: str  # HTTP code as text, or dns / refused / timeout / ...
    final_url: str
    redirects: list[str] = field(default_factory=list)
    method: str = "GET"  # the last request's method ("" when none was made)
    evidence: str = ""
    elapsed_ms: int = 0
    checked_at: str = ""
    error: str = ""  # the network failure's message, when the check failed to download
    attempts: int = 1  # requests made for this check: redirect hops, GET fallback, retries


@dataclass(slots=True)
class SearchAnswerItem:
    """A search provider's good answer to (query, page), kept for ``cache_ttl_hours``."""

    provider: str  # the provider's cache id: kind, address, options
    query: str
    page: int
    hits: list[dict[str, str]]  # url, title, snippet
    more: bool | None
    fetched_at: str
