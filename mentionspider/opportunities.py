"""Turn a page analysis (or a dead link) into an outreach opportunity. Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from typing import Any

from mentionspider.analysis.model import PLACEMENTS
from mentionspider.analysis.page import PageAnalysis
from mentionspider.analysis.urls import host_of, registered_domain
from mentionspider.linkcheck.verdict import DEAD_DOMAIN_STATUSES
from mentionspider.scoring import DEFAULT_SCORER, PageFacts, Scorer

__all__ = ["Opportunity", "opportunity_id", "page_opportunity", "broken_link_opportunity",
           "broken_link_evidence", "KINDS"]

KINDS = ("unlinked_mention", "nofollow_mention", "competitor_mention", "broken_link")


def opportunity_id(campaign: str, kind: str, page_url: str, target_url: str = "") -> str:
    """Stable across runs, so history and outreach state follow the opportunity."""
    key = "\x1f".join((campaign, kind, page_url, target_url))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Opportunity:
    id: str
    campaign: str
    kind: str
    page_url: str
    domain: str
    page_title: str
    target_url: str
    anchor_text: str
    status: str
    placement: str
    snippet: str
    score: int
    reasons: str
    # broken links only (None on mention rows):
    evidence: str | None = None
    rel: str | None = None
    linking_pages: int | None = None
    linking_sites: int | None = None
    dead_domain: int | None = None
    # mention rows only: the name (or domain) as written on the page
    matched_text: str | None = None
    source: str = "seed"  # how the page was found: "seed", or provider, query and rank
    authority: int | None = None  # the site's rank in the campaign's authority list

    def as_row(self) -> dict[str, Any]:
        # Shallow: every field is a str, an int or None (asdict deep-copies, 10x slower).
        return {f.name: getattr(self, f.name) for f in fields(self)}


def page_opportunity(campaign: str, page_url: str, analysis: PageAnalysis, *, depth: int,
                     brand_domains: tuple[str, ...], source: str = "seed",
                     scorer: Scorer | None = None, page: PageFacts | None = None
                     ) -> Opportunity | None:
    """The page-level opportunity of a page, if it is one.

    - unlinked_mention: names the brand, no link to it;
    - nofollow_mention: names the brand, links to it only with nofollow/ugc/sponsored;
    - competitor_mention: names or links a competitor, neither names nor links the brand.

    ``page`` holds what the markup said (robots, canonical, dates...); ``scorer`` the
    campaign's weights (default: :data:`~mentionspider.scoring.WEIGHTS`).
    """
    scorer = scorer or DEFAULT_SCORER
    facts = replace(page or PageFacts(lang=analysis.lang), url=page_url, depth=depth,
                    keywords=tuple(analysis.keywords), entry=_entry(source))
    rank = scorer.rank(page_url)
    best = analysis.best_mention
    domain = registered_domain(host_of(page_url))
    if best is not None:
        if analysis.linked:
            return None
        kind = "nofollow_mention" if analysis.nofollow_only else "unlinked_mention"
        scored = scorer.mention_page(kind, placement=best.placement,
                                     mention_count=len(analysis.mentions),
                                     names=[m.name for m in analysis.mentions],
                                     brand_domains=brand_domains, page=facts)
        return Opportunity(opportunity_id(campaign, kind, page_url), campaign, kind, page_url,
                           domain, analysis.title, "", best.matched if best.in_link else "", "",
                           best.placement, best.snippet, scored.score, scored.reasons,
                           matched_text=best.matched, source=source, authority=rank)
    if analysis.brand_link_rels or not (analysis.competitor_mentions or analysis.competitor_links):
        return None
    mentions = sorted(analysis.competitor_mentions, key=lambda m: m.block)
    names = [m.name for m in mentions] + analysis.competitor_links
    placement = min((m.placement for m in mentions), default="main", key=PLACEMENTS.index)
    scored = scorer.mention_page("competitor_mention", placement=placement,
                                 mention_count=len(mentions), names=names, page=facts)
    first = mentions[0] if mentions else None
    return Opportunity(opportunity_id(campaign, "competitor_mention", page_url), campaign,
                       "competitor_mention", page_url, domain, analysis.title, "",
                       first.matched if first and first.in_link else "", "", placement,
                       first.snippet if first else "", scored.score, scored.reasons,
                       matched_text=first.matched if first else "", source=source,
                       authority=rank)


def _entry(source: str) -> str:
    """What a page at depth 0 is, for the reasons: a seed page or a search result."""
    return "a seed page" if source == "seed" else "a search result"


def broken_link_opportunity(campaign: str, row: dict[str, Any],
                            scorer: Scorer | None = None) -> Opportunity:
    """``row`` is one (page, dead target) from the store's ``broken_link_candidates``,
    scored here and only here."""
    scorer = scorer or DEFAULT_SCORER
    dead_domain = row["status"] in DEAD_DOMAIN_STATUSES
    scored = scorer.broken_link(status=row["status"], placement=row["placement"],
                                rel=row["rel"] or "", linking_pages=row["linking_pages"],
                                linking_sites=row["linking_sites"], dead_domain=dead_domain,
                                site_pages=row.get("site_pages") or 1, page=page_facts(row))
    return Opportunity(opportunity_id(campaign, "broken_link", row["page_url"], row["target_url"]),
                       campaign, "broken_link", row["page_url"],
                       registered_domain(host_of(row["page_url"])), row["page_title"] or "",
                       row["target_url"], row["anchor_text"] or "", row["status"],
                       row["placement"], row.get("snippet") or "", scored.score, scored.reasons,
                       evidence=_evidence(row), rel=row.get("rel") or "",
                       linking_pages=row["linking_pages"], linking_sites=row["linking_sites"],
                       dead_domain=int(dead_domain), source=row.get("source") or "seed",
                       authority=scorer.rank(row["page_url"]))


def page_facts(row: dict[str, Any]) -> PageFacts:
    """A stored page's signals (a ``pages`` row, or a candidate row carrying its columns)."""
    return PageFacts(
        url=row["page_url"] if "page_url" in row else row.get("url", ""),
        depth=row.get("depth") or 0,
        keywords=tuple(k for k in (row.get("keywords") or "").split(",") if k),
        robots=frozenset((row.get("robots") or "").split()),
        canonical=row.get("canonical"), outlinks=row.get("outlinks") or 0,
        lang=row.get("lang"), published=row.get("published"), modified=row.get("modified"),
        types=tuple(t for t in (row.get("types") or "").split() if t))


def _evidence(row: dict[str, Any]) -> str:
    redirects = row.get("redirects") or "[]"
    chain = json.loads(redirects) if isinstance(redirects, str) else list(redirects)
    return broken_link_evidence(row.get("evidence") or "", row.get("status") or "", chain,
                                row.get("final_url") or "")


def broken_link_evidence(evidence: str, status: str, redirects: list[str], final_url: str) -> str:
    """What the check saw, with the whole redirect chain when the target redirected:
    ``HTTP 404 after redirects: http://a/moved -> http://a/gone``."""
    if not redirects:
        return evidence
    chain = " -> ".join([*redirects, final_url] if final_url and final_url != redirects[-1]
                        else redirects)
    return f"{evidence or status} after redirects: {chain}"
