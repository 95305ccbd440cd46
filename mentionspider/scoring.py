"""Score an opportunity 0-100 and say why, in words outreach staff can read.

Pure functions. Every point comes with a named reason that shows it
(``names Acme in the main content (+30)``), so an export row explains its own rank.
All weights live in :data:`WEIGHTS`, one place, and a campaign's ``[scoring]`` table
overrides any of them by name. The weights favour what makes an outreach email
likely to work: the page's own content over its furniture, a page search engines
index, a niche page in the campaign's language, a fresh page, a dead target that is
gone for good and that many sites still link to.

Placement points are weights, not an order: which placement is best is the
placement module's ranking (:data:`mentionspider.analysis.model.PLACEMENTS`).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Final

from mentionspider.analysis.model import PLACEMENT_POINTS
from mentionspider.analysis.urls import canonical_url, registered_domain, url_key

__all__ = ["WEIGHTS", "DEFAULT_SCORER", "Reason", "Scored", "PageFacts", "Scorer", "score_mention_page",
           "score_broken_link", "KIND_BASE", "parse_authority", "AuthorityError",
           "domain_class"]

#: Every weight of the score, by name. A campaign's ``[scoring]`` table overrides them
#: (``placement.main = 25``, ``indexability.noindex = -80``).
WEIGHTS: Final[Mapping[str, float]] = {
    # what the opportunity is (points of its first reason)
    "kind.unlinked_mention": 40, "kind.nofollow_mention": 30,
    "kind.competitor_mention": 25, "kind.broken_link": 40,
    # where the mention or link sits on the page
    # (their defaults are the placement module's, in the order of its one ranking)
    **{f"placement.{name}": points for name, points in PLACEMENT_POINTS.items()},
    "placement.broken_link_share": 0.8,  # a broken link gets this share of those points
    # mention pages
    "mentions.each_extra": 5, "mentions.max": 10,  # more mentions of the brand
    "depth.near_front": 5,  # a seed page, a search result, or one click from one
    # niche relevance: each campaign keyword in the main text, up to a maximum
    "niche.each_keyword": 5, "niche.max": 10,
    # broken links
    "broken.gone_for_good": 10,  # 410, or the whole domain is gone
    "broken.each_extra_site": 5, "broken.sites_max": 15,  # other sites link there too
    "broken.each_extra_page": 1, "broken.pages_max": 5,  # other pages of one site do
    "broken.nofollow": -10,  # the dead link is nofollow/ugc/sponsored
    "broken.template_link": -10,  # a sitewide nav/footer/sidebar link (footer lists)
    "broken.template_pages": 3,  # pages of one site with the same boilerplate link
    # indexability: pages search engines leave out are worth little
    "indexability.noindex": -50,  # meta robots / X-Robots-Tag noindex (or none)
    "indexability.canonical_elsewhere": -30,  # rel=canonical names another page
    # link farms: pages that link out to very many other pages
    "outlinks.many": -10, "outlinks.many_threshold": 100,
    # language: the page's against the campaign's ([scoring] language)
    "language.match": 5, "language.mismatch": -20,
    # freshness, from the published/modified dates in the page's markup
    "freshness.recent": 5, "freshness.recent_days": 365,
    "freshness.stale": -5, "freshness.stale_days": 3 * 365,
    # domain class
    "domain.gov": 10, "domain.edu": 10, "domain.news": 5,
    # site authority from a user-supplied rank list ([scoring] authority_file)
    "authority.top_1k": 15, "authority.top_10k": 10, "authority.top_100k": 5,
    "authority.top_1m": 2,
}
KIND_BASE: Final = {kind: int(WEIGHTS[f"kind.{kind}"]) for kind in (
    "unlinked_mention", "nofollow_mention", "competitor_mention", "broken_link")}
_PLACEMENT_WORDS: Final = {"main": "in the main content", "comments": "in the comments",
                           "sidebar": "in a sidebar", "header": "in the page header",
                           "nav": "in the navigation", "footer": "only in the footer"}
_BOILERPLATE: Final = frozenset({"nav", "header", "footer", "sidebar"})
_LANGUAGES: Final = {"en": "English", "nl": "Dutch", "de": "German", "fr": "French",
                     "es": "Spanish", "it": "Italian", "pt": "Portuguese", "sv": "Swedish",
                     "da": "Danish", "no": "Norwegian", "fi": "Finnish", "pl": "Polish",
                     "ro": "Romanian", "ru": "Russian", "uk": "Ukrainian", "ja": "Japanese",
                     "zh": "Chinese", "ko": "Korean", "el": "Greek", "he": "Hebrew",
                     "th": "Thai"}
_NEWS_TYPES: Final = frozenset({"NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                                "OpinionNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting"})


@dataclass(frozen=True, slots=True)
class Reason:
    name: str  # the weight behind it (``placement.main``), or the kind
    points: float
    text: str

    def __str__(self) -> str:
        return f"{self.text} ({round(self.points):+d})"


@dataclass(frozen=True, slots=True)
class Scored:
    score: int
    reasons: str  # "; "-separated, each with its points
    parts: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the crawl saw of the page an opportunity is on (all optional)."""

    url: str = ""
    depth: int = 0
    entry: str = "a seed page"  # what a page at depth 0 is: a seed page, a search result
    keywords: Sequence[str] = ()
    robots: frozenset[str] = frozenset()
    canonical: str | None = None  # as declared
    outlinks: int = 0
    lang: str | None = None
    published: str | None = None
    modified: str | None = None
    types: Sequence[str] = ()  # JSON-LD @types


class AuthorityError(ValueError):
    """An authority list that is not ``rank,domain`` lines."""


def parse_authority(text: str) -> dict[str, int]:
    """A site-authority list (``rank,domain`` per line, as the Tranco list) -> domain to rank.
    A header line is allowed; the first (best) rank of a domain wins."""
    ranks: dict[str, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise AuthorityError(f"line {number}: expected rank,domain, got {row[0][:40]!r}")
        rank, domain = row[0].strip(), row[1].strip().lower().rstrip(".")
        if not rank.isdigit():
            if number == 1:
                continue  # a header
            raise AuthorityError(f"line {number}: rank {rank[:20]!r} is not a number")
        if not domain or " " in domain:
            raise AuthorityError(f"line {number}: {domain[:40]!r} is not a domain")
        ranks.setdefault(domain, int(rank))
    return ranks


def domain_class(host: str) -> str | None:
    """``gov`` for government hosts (``.gov``, ``.gov.uk``, ``.gouv.fr``, ``.mil``),
    ``edu`` for schools and universities (``.edu``, ``.edu.au``, ``.ac.uk``), else None."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) < 2:
        return None
    tail = labels[-2:] if len(labels[-1]) == 2 else labels[-1:]  # country code: one more
    if {"gov", "gouv", "gob", "govt", "mil"} & set(tail):
        return "gov"
    if {"edu", "ac"} & set(tail):
        return "edu"
    return None


@dataclass
class Scorer:
    """The campaign's weights (``WEIGHTS`` with its overrides), its languages and its
    authority list, applied to opportunities."""

    overrides: Mapping[str, float] = field(default_factory=dict)
    languages: Sequence[str] = ()
    authority: Mapping[str, int] = field(default_factory=dict)
    today: date | None = None

    def __post_init__(self) -> None:
        self.w = {**WEIGHTS, **self.overrides}

    # --- the common signals ---------------------------------------------------------------
    def _page(self, facts: PageFacts, reasons: list[Reason]) -> None:
        w = self.w
        if facts.keywords:
            points = min(w["niche.max"], w["niche.each_keyword"] * len(facts.keywords))
            reasons.append(Reason("niche", points,
                                  "niche page (" + ", ".join(facts.keywords[:4]) + ")"))
        robots = facts.robots & {"noindex", "none"}
        if robots:
            reasons.append(Reason("indexability.noindex", w["indexability.noindex"],
                                  "not indexed: robots " + ", ".join(sorted(robots))))
        if facts.canonical and facts.url and url_key(canonical_url(facts.canonical)) != \
                url_key(facts.url):
            reasons.append(Reason("indexability.canonical_elsewhere",
                                  w["indexability.canonical_elsewhere"],
                                  f"its canonical is another page: {facts.canonical[:100]}"))
        if facts.outlinks >= w["outlinks.many_threshold"]:
            reasons.append(Reason("outlinks.many", w["outlinks.many"],
                                  f"links out {facts.outlinks} times: a link list"))
        if self.languages and facts.lang:
            name = _LANGUAGES.get(facts.lang, facts.lang)
            if facts.lang in self.languages:
                reasons.append(Reason("language.match", w["language.match"], f"in {name}"))
            else:
                reasons.append(Reason("language.mismatch", w["language.mismatch"],
                                      f"in {name}, not in " + "/".join(self.languages)))
        when = facts.modified or facts.published
        if when:
            today = self.today or datetime.now(timezone.utc).date()
            age = (today - date.fromisoformat(when)).days
            verb = "updated" if facts.modified else "published"
            if age <= w["freshness.recent_days"]:
                reasons.append(Reason("freshness.recent", w["freshness.recent"],
                                      f"{verb} {when}"))
            elif age > w["freshness.stale_days"]:
                reasons.append(Reason("freshness.stale", w["freshness.stale"],
                                      f"last {verb} {when}"))
        host = facts.url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        kind = domain_class(host)
        if kind == "gov":
            reasons.append(Reason("domain.gov", w["domain.gov"], "a government site"))
        elif kind == "edu":
            reasons.append(Reason("domain.edu", w["domain.edu"], "a school or university site"))
        if _NEWS_TYPES & set(facts.types):
            reasons.append(Reason("domain.news", w["domain.news"], "a news article"))
        rank = self.rank(facts.url)
        if rank is not None:
            for limit, name in ((1_000, "top_1k"), (10_000, "top_10k"), (100_000, "top_100k"),
                                (1_000_000, "top_1m")):
                if rank <= limit:
                    reasons.append(Reason(f"authority.{name}", w[f"authority.{name}"],
                                          f"authority rank {rank:,}"))
                    break

    def rank(self, url: str) -> int | None:
        """The page's site in the authority list: its host, else its registered domain."""
        if not self.authority or not url:
            return None
        host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
        host = host[4:] if host.startswith("www.") else host
        found = self.authority.get(host)
        return found if found is not None else self.authority.get(registered_domain(host))

    @staticmethod
    def _total(reasons: list[Reason]) -> Scored:
        points = sum(r.points for r in reasons)
        score = max(0, min(100, round(points))) if math.isfinite(points) else 0
        return Scored(score, "; ".join(map(str, reasons)), tuple(reasons))

    # --- the two kinds of opportunity ------------------------------------------------------
    def mention_page(self, kind: str, *, placement: str, mention_count: int,
                     names: Sequence[str] = (), brand_domains: Sequence[str] = (),
                     page: PageFacts = PageFacts()) -> Scored:
        """Score a page-level opportunity: unlinked, nofollow or competitor mention.
        ``placement`` is that of the best mention (or competitor link); ``names`` are the
        brand or competitor names found."""
        w = self.w
        what = ", ".join(dict.fromkeys(names)) or "the brand"
        where = _PLACEMENT_WORDS.get(placement, "")
        here = Reason(f"placement.{placement}", w.get(f"placement.{placement}", 0), "")
        if kind == "competitor_mention":
            reasons = [Reason(here.name, here.points,
                              f"mentions or links competitor {what} {where}".strip()),
                       Reason(f"kind.{kind}", w[f"kind.{kind}"], "does not mention the brand")]
        else:
            reasons = [Reason(here.name, here.points, f"names {what} {where}".strip()),
                       Reason(f"kind.{kind}", w[f"kind.{kind}"],
                              "no link to " + (" or ".join(brand_domains) or "the brand")
                              if kind == "unlinked_mention"
                              else "links to the brand only with nofollow/ugc/sponsored")]
        if mention_count > 1:
            reasons.append(Reason("mentions", min(w["mentions.max"], w["mentions.each_extra"]
                                                  * (mention_count - 1)),
                                  f"{mention_count} mentions"))
        self._page(page, reasons)
        if page.depth <= 1:
            reasons.append(Reason("depth.near_front", w["depth.near_front"],
                                  "near the site's front page" if page.depth else page.entry))
        return self._total(reasons)

    def broken_link(self, *, status: str, placement: str, rel: str = "",
                    linking_pages: int = 1, linking_sites: int = 1, dead_domain: bool = False,
                    site_pages: int = 1, page: PageFacts = PageFacts()) -> Scored:
        """Score one (page, dead target) pair. ``site_pages``: pages of the same site that
        link to the target (a sitewide template link when they are many and the link sits
        in the page's furniture)."""
        w = self.w
        where = _PLACEMENT_WORDS.get(placement, "")
        reasons = [Reason("kind.broken_link", w["kind.broken_link"]
                          + w.get(f"placement.{placement}", 0) * w["placement.broken_link_share"],
                          f"links to a dead page ({status}) {where}".strip())]
        if status in ("410", "dns") or dead_domain:
            reasons.append(Reason("broken.gone_for_good", w["broken.gone_for_good"],
                                  "the whole domain is gone" if dead_domain else "gone for good"))
        if linking_sites > 1:
            reasons.append(Reason("broken.sites", min(w["broken.sites_max"],
                                                      w["broken.each_extra_site"]
                                                      * (linking_sites - 1)),
                                  f"{linking_sites} sites link to this dead target"))
        elif linking_pages > 1:
            reasons.append(Reason("broken.pages", min(w["broken.pages_max"],
                                                      w["broken.each_extra_page"]
                                                      * (linking_pages - 1)),
                                  f"{linking_pages} pages link to this dead target"))
        if placement in _BOILERPLATE and site_pages >= w["broken.template_pages"]:
            reasons.append(Reason("broken.template_link", w["broken.template_link"],
                                  f"a sitewide template link ({site_pages} pages of the site)"))
        if set(rel.split()) & {"nofollow", "sponsored", "ugc"}:
            reasons.append(Reason("broken.nofollow", w["broken.nofollow"],
                                  f"the link is rel={rel.replace(' ', ',')}"))
        self._page(page, reasons)
        return self._total(reasons)


DEFAULT_SCORER = Scorer()


def score_mention_page(kind: str, *, placement: str, mention_count: int,
                       keywords: Sequence[str] = (), depth: int = 0,
                       names: Sequence[str] = (), brand_domains: Sequence[str] = (),
                       entry: str = "a seed page", scorer: Scorer | None = None,
                       page: PageFacts | None = None) -> Scored:
    """:meth:`Scorer.mention_page` with the default weights (or ``scorer``)."""
    facts = page or PageFacts(depth=depth, keywords=keywords, entry=entry)
    return (scorer or DEFAULT_SCORER).mention_page(kind, placement=placement,
                                             mention_count=mention_count, names=names,
                                             brand_domains=brand_domains, page=facts)


def score_broken_link(*, status: str, placement: str, rel: str = "", linking_pages: int = 1,
                      linking_sites: int = 1, dead_domain: bool = False,
                      keywords: Sequence[str] = (), site_pages: int = 1,
                      scorer: Scorer | None = None, page: PageFacts | None = None) -> Scored:
    """:meth:`Scorer.broken_link` with the default weights (or ``scorer``)."""
    facts = page or PageFacts(keywords=keywords)
    return (scorer or DEFAULT_SCORER).broken_link(status=status, placement=placement, rel=rel,
                                            linking_pages=linking_pages,
                                            linking_sites=linking_sites,
                                            dead_domain=dead_domain, site_pages=site_pages,
                                            page=facts)
