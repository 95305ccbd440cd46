"""What a page's markup says about the page itself: its canonical address, whether it
wants to be indexed, who wrote it and when. Pure: no Scrapy, no I/O.

Read with regular expressions over the HTML text rather than a second parse: the
``<meta>`` and ``<link>`` tags of the head, JSON-LD scripts and ``<time>`` elements are
simple, well-delimited tags, and a scan costs a fraction of a parse.

- **canonical**: ``<link rel="canonical" href>``, resolved against the page URL.
- **robots**: the tokens of ``<meta name="robots">`` / ``<meta name="googlebot">`` and of
  the ``X-Robots-Tag`` header (lower-cased: ``noindex``, ``nofollow``, ``none``...).
- **author**: JSON-LD ``author.name`` (Article, BlogPosting, NewsArticle...), else
  ``<meta name="author">`` / ``article:author`` (when not a URL), else the text of a
  ``rel="author"`` link or of an element with a class token ``author``, ``byline``,
  ``post-author``, ``entry-author``... (not ``comment-author``: a commenter is not the
  page's author).
- **emails**: the addresses of ``mailto:`` links (see :mod:`.contacts`).
- **published / modified**: JSON-LD ``datePublished`` / ``dateModified``, else
  ``article:published_time`` / ``article:modified_time`` (and ``og:updated_time``,
  ``date``, ``DC.date``) metas, else the first ``<time datetime>``. A footer's
  copyright year is never read: only dates in machine-readable markup count.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import urljoin

from mentionspider.analysis.contacts import mailto_emails

__all__ = ["PageSignals", "page_signals", "robots_tokens", "parse_date", "NOINDEX_TOKENS"]

#: Robots tokens that keep a page out of search engines' indexes.
NOINDEX_TOKENS: Final = frozenset({"noindex", "none"})

_HEAD_END: Final = re.compile(r"</head\s*>|<body[\s>]", re.I)
_TAG: Final = re.compile(r"<(meta|link)\b([^>]*)>", re.I)
_ATTR: Final = re.compile(
    r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_JSON_LD: Final = re.compile(
    r"<script\b[^>]*type\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.I | re.S)
_TIME: Final = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']?([^\"'>\s]+)", re.I)
_BYLINE: Final = re.compile(
    r"<(?:a|span|div|p|address)\b[^>]*(?:\brel\s*=\s*[\"']?author\b|"
    r"\bclass\s*=\s*[\"'](?:[^\"']*\s)?(?:author|byline|author-name|post-author|entry-author|"
    r"article-author|byline-author|author-link)(?:\s[^\"']*)?[\"'])[^>]*>"
    r"\s*(?:<[^>]+>\s*)*(?:by\b:?\s*)?(?:<[^>]+>\s*)*([^<]{2,80}?)\s*<", re.I)
_AUTHOR_METAS: Final = ("author", "article:author", "dc.creator", "parsely-author",
                        "sailthru.author", "twitter:creator")
_PUBLISHED_METAS: Final = ("article:published_time", "datepublished", "date", "dc.date",
                           "dc.date.issued", "pubdate", "publish-date", "parsely-pub-date",
                           "sailthru.date")
_MODIFIED_METAS: Final = ("article:modified_time", "og:updated_time", "datemodified",
                          "dc.date.modified", "last-modified")
_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_HEAD_LIMIT: Final = 200_000  # characters searched for the head's tags at most


@dataclass(slots=True)
class PageSignals:
    canonical: str | None = None  # absolute, as declared
    robots: frozenset[str] = frozenset()  # meta robots/googlebot + X-Robots-Tag tokens
    author: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD)
    modified: str | None = None
    types: list[str] = field(default_factory=list)  # JSON-LD @type values, in order
    emails: list[str] = field(default_factory=list)  # addresses of mailto: links

    @property
    def noindex(self) -> bool:
        return bool(self.robots & NOINDEX_TOKENS)


def robots_tokens(value: str) -> frozenset[str]:
    """``"noindex, nofollow"`` -> {"noindex", "nofollow"}; an ``X-Robots-Tag`` aimed at one
    crawler (``googlebot: noindex``) counts too, one aimed at "otherbot" as well: both
    keep the page from some index."""
    tokens = set()
    for part in value.lower().split(","):
        part = part.strip()
        if ":" in part and not part.startswith(("max-", "unavailable_after")):
            part = part.split(":", 1)[1].strip()
        if part:
            tokens.add(part)
    return frozenset(tokens)


def parse_date(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` at the start of an ISO 8601 value, if it is a real date."""
    if not value:
        return None
    match = _DATE.search(value[:40])
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, dq, sq, bare in _ATTR.findall(text):
        attrs.setdefault(name.lower(), htmllib.unescape(dq or sq or bare))
    return attrs


def _text(value: Any) -> str | None:
    """A person's name from a JSON-LD author value (string, object, list of them)."""
    if isinstance(value, list):
        names = [n for n in (_text(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str):
        value = " ".join(htmllib.unescape(value).split())
        if value.lower().startswith("by "):
            value = value[3:].strip()
        return value[:120] or None
    return None


def _json_ld_items(html: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for match in _JSON_LD.finditer(html):
        try:
            data = json.loads(match.group(1).strip().removeprefix("<!--").removesuffix("-->"))
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(items) < 50:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                items.append(node)
                graph = node.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return items


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    return [kind] if isinstance(kind, str) else [k for k in kind or [] if isinstance(k, str)]


_CREATIVE = ("Article", "BlogPosting", "NewsArticle", "Report", "ScholarlyArticle",
             "TechArticle", "WebPage", "Review", "HowTo", "Recipe", "OpinionNewsArticle",
             "AnalysisNewsArticle", "ReportageNewsArticle", "LiveBlogPosting", "Product")


def page_signals(html: str | bytes, url: str, *, x_robots_tag: str = "") -> PageSignals:
    """Read a page's canonical, robots, author and dates (see the module docstring)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    signals = PageSignals()
    head_end = _HEAD_END.search(html, 0, _HEAD_LIMIT)
    head = html[:head_end.start() if head_end else _HEAD_LIMIT]
    metas: dict[str, str] = {}
    robots: set[str] = set(robots_tokens(x_robots_tag)) if x_robots_tag else set()
    for tag, body in _TAG.findall(head):
        attrs = _attrs(body)
        if tag.lower() == "link":
            rels = attrs.get("rel", "").lower().split()
            if "canonical" in rels and signals.canonical is None and attrs.get("href"):
                try:
                    signals.canonical = urljoin(url, attrs["href"].strip()).split("#", 1)[0]
                except ValueError:
                    pass
            continue
        name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content")
        if not name or content is None:
            continue
        if name in ("robots", "googlebot"):
            robots |= robots_tokens(content)
        metas.setdefault(name, content.strip())
    signals.robots = frozenset(robots)
    signals.emails = mailto_emails(html)
    for item in _json_ld_items(html):
        types = _types(item)
        signals.types.extend(types)
        if not any(t in _CREATIVE for t in types):
            continue
        signals.author = signals.author or _text(item.get("author"))
        signals.published = signals.published or parse_date(_str(item.get("datePublished")))
        signals.modified = signals.modified or parse_date(_str(item.get("dateModified")))
    if signals.author is None:
        for name in _AUTHOR_METAS:
            value = metas.get(name, "")
            if value and not value.startswith(("http://", "https://", "@")):
                signals.author = _text(value)
                break
    if signals.author is None:
        byline = _BYLINE.search(html)
        if byline:
            signals.author = _text(byline.group(1))
    if signals.published is None:
        signals.published = next((d for d in (parse_date(metas.get(n)) for n in _PUBLISHED_METAS)
                                  if d), None)
    if signals.modified is None:
        signals.modified = next((d for d in (parse_date(metas.get(n)) for n in _MODIFIED_METAS)
                                 if d), None)
    if signals.published is None:
        time = _TIME.search(html)
        if time:
            signals.published = parse_date(time.group(1))
    return signals


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def age_in_days(signals: PageSignals, today: date | None = None) -> int | None:
    """Days since the page was last modified (or published), None when it does not say."""
    when = signals.modified or signals.published
    if when is None:
        return None
    today = today or datetime.now().date()
    return (today - date.fromisoformat(when)).days
