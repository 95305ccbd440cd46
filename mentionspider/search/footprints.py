"""The footprint library and query templates with placeholders. Pure.

A template is a query with placeholders: ``{brand}`` (each brand name),
``{domain}`` (each brand domain), ``{keyword}`` (each niche keyword),
``{competitor}`` and ``{competitor_domain}``. A placeholder in a positive term
expands to one query per value (two placeholders: one query per pair); in a
negated term (``-site:{domain}``, ``-"{brand}"``) it expands in place to one term
per value, so that every brand domain is excluded from the same query. A template
whose placeholder has no values (no competitors, no keywords) yields no query.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from mentionspider.search.operators import parse_query

__all__ = ["FOOTPRINTS", "Footprint", "PLACEHOLDERS", "expand", "placeholders_in",
           "template_problem"]

PLACEHOLDERS = ("brand", "domain", "keyword", "competitor", "competitor_domain")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Footprint:
    name: str
    finds: str  # what the set finds, for the README and --dry-run
    templates: tuple[str, ...]


FOOTPRINTS: dict[str, Footprint] = {f.name: f for f in (
    Footprint("mentions", "pages that name the brand or write its domain, on other sites: "
              "reviews, best-of and top lists", (
                  '"{brand}" -site:{domain}',
                  '"{domain}" -site:{domain}',
                  '"{brand}" review -site:{domain}',
                  'best {keyword} "{brand}" -site:{domain}',
                  'top {keyword} "{brand}" -site:{domain}',
              )),
    Footprint("competitor_gaps", "pages naming or linking a competitor and not the brand", (
        '"{competitor}" -"{brand}" -site:{competitor_domain} -site:{domain}',
        '"{competitor_domain}" -"{brand}" -site:{competitor_domain} -site:{domain}',
        '"{competitor}" review -"{brand}" -site:{competitor_domain}',
        '"{competitor}" alternatives -"{brand}" -site:{competitor_domain}',
    )),
    Footprint("resources", "resource and links pages of the niche, .edu and .gov ones too", (
        '"{keyword}" intitle:resources',
        '"{keyword}" inurl:links',
        '"{keyword}" "useful links"',
        '"{keyword}" intitle:resources site:edu',
        '"{keyword}" intitle:resources site:gov',
    )),
    Footprint("broken_link_prospects", "old, link-heavy resource pages, where dead links "
              "collect", (
                  '"{keyword}" intitle:links inurl:links',
                  '"{keyword}" "recommended sites"',
                  '"{keyword}" "further reading" intitle:resources',
                  '"{keyword}" "useful links" "last updated"',
              )),
)}


def placeholders_in(template: str) -> list[str]:
    return list(dict.fromkeys(_PLACEHOLDER.findall(template)))


def template_problem(template: str) -> str | None:
    """Why ``template`` is not a valid query template, or None."""
    for name in placeholders_in(template):
        if name not in PLACEHOLDERS:
            return (f"unknown placeholder {{{name}}} in {template!r} (expected one of: "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + ")")
    stripped = _PLACEHOLDER.sub("", template)
    if "{" in stripped or "}" in stripped:
        return f"unbalanced braces in {template!r}"
    if template.count('"') % 2:
        return f"unbalanced quotes in {template!r}"
    if not template.strip():
        return "empty query"
    return None


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def expand(template: str, values: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Every query ``template`` stands for, given each placeholder's values (see above)."""
    terms = parse_query(template)
    positive = list(dict.fromkeys(
        name for term in terms if not term.negated for name in placeholders_in(term.text)))
    if any(not values.get(name) for name in placeholders_in(template)):
        return []
    queries = []
    for combo in itertools.product(*(values[name] for name in positive)):
        chosen = dict(zip(positive, combo))
        parts = []
        for term in terms:
            names = placeholders_in(term.text)
            if term.negated and names:
                negated = [n for n in names if n not in chosen]
                for inner in itertools.product(*(values[n] for n in negated)):
                    parts.append(_fill(term.text, {**chosen, **dict(zip(negated, inner))}))
            else:
                parts.append(_fill(term.text, chosen))
        queries.append(" ".join(dict.fromkeys(parts)))
    return list(dict.fromkeys(queries))
