"""Search operators in a query: parse them, drop the ones a provider lacks, and
enforce on the results what was dropped (and ``-site:``, always). Pure.

A query is split into terms: ``"quoted phrases"``, ``operator:value`` (``site``,
``intitle``, ``inurl``, ``filetype``; ``-`` in front negates), ``OR`` and words.
:func:`rewrite` returns the query to send and the :class:`ResultFilter` that
every result must pass: a result's URL and title are known, so ``site:``,
``inurl:``, ``intitle:`` and ``filetype:`` can be checked on it even when the
provider never saw them. ``-site:`` is enforced whatever the provider did: engines
behind a metasearch instance do not all honour it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["OPERATORS", "ResultFilter", "Term", "parse_query", "rewrite"]

#: Operators mentionspider understands (and can enforce on results).
OPERATORS = frozenset({"site", "intitle", "inurl", "filetype"})

_TERM = re.compile(r'(-?)(?:([A-Za-z]+):("[^"]*"|\S+)|("[^"]*"?)|(\S+))')


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query: ``operator`` is "" for words and phrases."""

    text: str  # as written
    operator: str = ""
    value: str = ""
    negated: bool = False


def parse_query(query: str) -> list[Term]:
    terms = []
    for match in _TERM.finditer(query):
        minus, name, value, phrase, word = match.groups()
        text = match.group(0)
        if name and name.lower() in OPERATORS:
            terms.append(Term(text, name.lower(), value.strip('"'), bool(minus)))
        else:
            terms.append(Term(text, negated=bool(minus) and text != "-"))
    return terms


def _host_matches(host: str, site: str) -> bool:
    site = site.lower().strip(".").removeprefix("*.")
    return host == site or host.endswith("." + site)


@dataclass(frozen=True, slots=True)
class ResultFilter:
    """What each result of one query must satisfy: (operator, value, negated) rules."""

    rules: tuple[tuple[str, str, bool], ...] = ()

    def allows(self, url: str, title: str = "") -> bool:
        """True when a result with this URL and title passes every rule."""
        if not self.rules:
            return True
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:
            return False
        required_sites = [v for op, v, neg in self.rules if op == "site" and not neg]
        if required_sites and not any(_host_matches(host, v) for v in required_sites):
            return False
        for op, value, negated in self.rules:
            if op == "site":
                if negated and _host_matches(host, value):
                    return False
                continue
            if op == "intitle":
                found = value.lower() in title.lower()
            elif op == "inurl":
                found = value.lower() in url.lower()
            else:  # filetype
                found = parts.path.lower().endswith("." + value.lower().lstrip("."))
            if found == negated:
                return False
        return True


def rewrite(query: str, supported: frozenset[str]) -> tuple[str, ResultFilter]:
    """The query as sent to a provider that supports the operators ``supported``, and
    the filter to enforce on its results (dropped operators, and every ``-site:``)."""
    kept, rules = [], []
    for term in parse_query(query):
        if term.operator and term.operator not in supported:
            rules.append((term.operator, term.value, term.negated))
            continue
        if term.operator == "site" and term.negated:
            rules.append(("site", term.value, True))
        kept.append(term.text)
    return " ".join(kept), ResultFilter(tuple(rules))
