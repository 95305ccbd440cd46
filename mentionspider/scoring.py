"""Score an opportunity 0-100 and say why, in words outreach staff can read.

Pure functions. Every point added comes with a reason, so an export row explains
its own rank. The weights favour what makes an outreach email likely to work:
the page's own content over its furniture, a niche page over an off-topic one,
a link target that is dead for good, and dead targets many sites still link to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mentionspider.analysis.model import PLACEMENT_POINTS

__all__ = ["Scored", "score_mention_page", "score_broken_link", "KIND_BASE"]

KIND_BASE = {
    "unlinked_mention": 40,
    "nofollow_mention": 30,
    "competitor_mention": 25,
    "broken_link": 40,
}
_PLACEMENT_POINTS = PLACEMENT_POINTS  # in the order of PLACEMENTS, the one ranking
_PLACEMENT_WORDS = {"main": "in the main content", "comments": "in the comments",
                    "sidebar": "in a sidebar", "header": "in the page header",
                    "nav": "in the navigation", "footer": "only in the footer"}


@dataclass(frozen=True, slots=True)
class Scored:
    score: int
    reasons: str  # "; "-separated


def _clamp(points: float) -> int:
    return max(0, min(100, round(points)))


def _keyword_reason(keywords: Sequence[str]) -> tuple[int, str | None]:
    if not keywords:
        return 0, None
    return min(10, 5 * len(keywords)), "niche page (" + ", ".join(keywords[:4]) + ")"


def score_mention_page(kind: str, *, placement: str, mention_count: int,
                       keywords: Sequence[str] = (), depth: int = 0,
                       names: Sequence[str] = (), brand_domains: Sequence[str] = (),
                       entry: str = "a seed page") -> Scored:
    """Score a page-level opportunity: unlinked, nofollow or competitor mention.

    ``placement`` is that of the best mention (or competitor link); ``names``
    are the brand or competitor names found; ``entry`` says what a page at depth 0
    is (a seed page, or a search result).
    """
    points = KIND_BASE[kind]
    what = ", ".join(dict.fromkeys(names)) or "the brand"
    if kind == "unlinked_mention":
        reasons = [f"names {what} {_PLACEMENT_WORDS.get(placement, '')}".strip(),
                   "no link to " + (" or ".join(brand_domains) or "the brand")]
    elif kind == "nofollow_mention":
        reasons = [f"names {what} {_PLACEMENT_WORDS.get(placement, '')}".strip(),
                   "links to the brand only with nofollow/ugc/sponsored"]
    else:
        reasons = [f"mentions or links competitor {what} {_PLACEMENT_WORDS.get(placement, '')}"
                   .strip(), "does not mention the brand"]
    points += _PLACEMENT_POINTS.get(placement, 0)
    if mention_count > 1:
        points += min(10, 5 * (mention_count - 1))
        reasons.append(f"{mention_count} mentions")
    extra, why = _keyword_reason(keywords)
    points += extra
    if why:
        reasons.append(why)
    if depth <= 1:
        points += 5
        reasons.append("near the site's front page" if depth else entry)
    return Scored(_clamp(points), "; ".join(reasons))


def score_broken_link(*, status: str, placement: str, rel: str = "", linking_pages: int = 1,
                      linking_sites: int = 1, dead_domain: bool = False,
                      keywords: Sequence[str] = ()) -> Scored:
    """Score one (page, dead target) pair."""
    points: float = KIND_BASE["broken_link"]
    reasons = [f"links to a dead page ({status}) {_PLACEMENT_WORDS.get(placement, '')}".strip()]
    points += _PLACEMENT_POINTS.get(placement, 0) * 0.8
    if status in ("410", "dns") or dead_domain:
        points += 10
        reasons.append("the whole domain is gone" if dead_domain else "gone for good")
    if linking_sites > 1:
        points += min(15, 5 * (linking_sites - 1))
        reasons.append(f"{linking_sites} sites link to this dead target")
    elif linking_pages > 1:
        points += min(5, linking_pages - 1)
        reasons.append(f"{linking_pages} pages link to this dead target")
    if set(rel.split()) & {"nofollow", "sponsored", "ugc"}:
        points -= 10
        reasons.append(f"the link is rel={rel.replace(' ', ',')}")
    extra, why = _keyword_reason(keywords)
    points += extra
    if why:
        reasons.append(why)
    return Scored(_clamp(points), "; ".join(reasons))
