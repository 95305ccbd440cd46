"""Plain data passed between the analysis steps. No behaviour, no Scrapy.

The per-block and per-link records are named tuples: a page has hundreds of
them, and a tuple is built several times faster than a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, NamedTuple

__all__ = ["PLACEMENTS", "PLACEMENT_POINTS", "BOILERPLATE", "LinkSpan", "TextBlock", "Anchor", "ParsedPage",
           "BrandName", "Match"]

#: Where on a page a piece of text or a link sits, best (for outreach) first: the one
#: ranking of placements. It picks a page's best mention (page analysis, competitor
#: rows) and orders the points each placement scores (:data:`PLACEMENT_POINTS`).
PLACEMENTS: Final = ("main", "comments", "sidebar", "header", "nav", "footer")
#: Score points of a mention (or link) by placement; never more for a later placement.
PLACEMENT_POINTS: Final = {"main": 30, "comments": 12, "sidebar": 8, "header": 4, "nav": 0,
                           "footer": 0}
#: Placements that are page furniture rather than the page's own content.
BOILERPLATE: Final = frozenset({"nav", "header", "footer", "sidebar"})


class LinkSpan(NamedTuple):
    """A stretch of a block's text that is the text of an ``<a href>``."""

    start: int
    end: int
    url: str  # absolute, fragment removed


class TextBlock(NamedTuple):
    """The visible text of one block-level element (paragraph, heading, cell...).

    ``text`` is normalised (:func:`mentionspider.analysis.text.normalize_text`);
    inline children (``<b>``, ``<a>``, ``<span>``...) are part of their block's
    text, so a name split across inline tags is still one run of text.
    """

    text: str
    placement: str
    links: tuple[LinkSpan, ...] = ()


class Anchor(NamedTuple):
    """One ``<a href>`` of a page."""

    url: str  # absolute (resolved against <base> / the page URL), fragment removed
    text: str  # normalised visible text, or the alt text of an image inside it
    rel: frozenset[str]  # lower-cased rel tokens: nofollow, sponsored, ugc...
    placement: str


@dataclass(slots=True)
class ParsedPage:
    """What the analysis needs of an HTML page, parsed once."""

    url: str
    base_url: str
    title: str
    lang: str | None  # from <html lang>, lower-cased primary tag ("en", "nl")
    blocks: list[TextBlock] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BrandName:
    """One name a brand (or competitor) goes by, with its matching rule.

    ``match`` is ``"insensitive"`` (default), ``"sensitive"`` (case must match,
    for names that are ordinary words) or ``"with-cue"`` (counts only when the
    same page also has another cue for the brand: another of its names, its
    domain as text, or a link to it).
    """

    text: str
    match: str = "insensitive"


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence of a name in a piece of text."""

    start: int
    end: int
    name: str  # the configured name (or domain) that matched
    matched: str  # the text as it appears
