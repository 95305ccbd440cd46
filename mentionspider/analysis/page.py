"""What a page says about a campaign: mentions, brand links, outbound links, signals.

:class:`PageAnalyser` is built once per campaign (it compiles the matchers) and
then turns each :class:`~mentionspider.analysis.model.ParsedPage` into a
:class:`PageAnalysis`. Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, attrgetter
from urllib.parse import urlsplit

from mentionspider.analysis.contacts import CONTACT_WORDS, contact_page_rank, find_emails
from mentionspider.analysis.language import detect_language
from mentionspider.analysis.mentions import Matcher, compile_matcher
from mentionspider.analysis.model import (PLACEMENTS, Anchor, BrandName, Match, ParsedPage,
                                          TextBlock)
from mentionspider.analysis.snippet import snippet
from mentionspider.analysis.text import find_all
from mentionspider.analysis.urls import (canonical_url, carried_hosts, host_in_domains, host_of,
                                         registered_domain)

__all__ = ["FoundMention", "OutLink", "PageAnalysis", "PageAnalyser", "NOFOLLOW_RELS"]

_AFTER_ORIGIN = frozenset(("", "/", "?", "#"))
# Words in a URL that may be a contact page (checked by contact_page_rank); "at" in brackets.
_CONTACT_HINTS = ("contact", "kontakt", "about", "impressum", "imprint", "write", "guest",
                  "advertis", "contribut", "over-ons", "ber-uns", "propos", "team", "colofon",
                  "mentions", "quienes", "chi-siamo", "contat", "submit")
# str.lower() never makes a text shorter: a longer link text is no contact word.
_LONGEST_CONTACT_WORD = max(map(len, CONTACT_WORDS))
_OBFUSCATED_AT = re.compile(r"[\[({<]\s*at\s*[\])}>]|&#0*64;", re.I)
_LINKS, _TEXT = attrgetter("links"), attrgetter("text")  # for filter() and map()
#: rel tokens that stop a link from passing authority.
NOFOLLOW_RELS = frozenset({"nofollow", "sponsored", "ugc"})


@dataclass(frozen=True, slots=True)
class FoundMention:
    name: str  # the configured name that matched
    matched: str  # the text as written on the page
    placement: str
    snippet: str
    in_link: bool  # the mention is itself the text of a link to the brand
    block: int  # index of the text block, for stable ids


@dataclass(frozen=True, slots=True)
class OutLink:
    url: str
    anchor_text: str
    rel: str  # space-separated, sorted
    placement: str
    snippet: str = ""  # the sentence around the link, when the link has visible text


@dataclass(slots=True)
class PageAnalysis:
    title: str
    lang: str | None
    mentions: list[FoundMention] = field(default_factory=list)
    brand_link_rels: list[str] = field(default_factory=list)  # one entry per brand link
    brand_links: list[OutLink] = field(default_factory=list)  # the brand links themselves
    competitor_mentions: list[FoundMention] = field(default_factory=list)
    competitor_links: list[str] = field(default_factory=list)  # competitor domains linked
    outlinks: list[OutLink] = field(default_factory=list)  # other sites, deduplicated by URL
    internal_links: list[str] = field(default_factory=list)  # same site, for the crawl
    keywords: list[str] = field(default_factory=list)  # niche keywords found on the page
    emails: list[str] = field(default_factory=list)  # addresses in the visible text
    contact_links: list[tuple[str, int]] = field(default_factory=list)  # (url, rank), same site

    @property
    def linked(self) -> bool:
        """The page has a followed link to the brand (or a mention that is one)."""
        return any(not (set(rel.split()) & NOFOLLOW_RELS) for rel in self.brand_link_rels)

    @property
    def nofollow_only(self) -> bool:
        return bool(self.brand_link_rels) and not self.linked

    @property
    def best_mention(self) -> FoundMention | None:
        """The mention outreach should quote: main content first, then earliest."""
        ranked = sorted(self.mentions, key=lambda m: (PLACEMENTS.index(m.placement), m.block))
        return ranked[0] if ranked else None


class PageAnalyser:
    """Compiled once per campaign; :meth:`analyse` is called for every page."""

    def __init__(self, *, brand_names: Sequence[BrandName], brand_domains: Sequence[str],
                 exclude: Sequence[str] = (), spacing_variants: bool = False,
                 fold_diacritics: bool = False, competitor_names: Sequence[BrandName] = (),
                 competitor_domains: Sequence[str] = (), keywords: Sequence[str] = ()) -> None:
        self.brand_domains = tuple(d.lower() for d in brand_domains)
        self.competitor_domains = tuple(d.lower() for d in competitor_domains)
        self.brand = compile_matcher(brand_names, domains=self.brand_domains, exclude=exclude,
                                     spacing_variants=spacing_variants,
                                     fold_diacritics=fold_diacritics)
        self.competitors: Matcher | None = None
        if competitor_names or competitor_domains:
            self.competitors = compile_matcher(competitor_names, domains=self.competitor_domains,
                                               spacing_variants=spacing_variants,
                                               fold_diacritics=fold_diacritics)
        self.keywords = tuple(keywords)
        self._fold = fold_diacritics
        self._hosts: dict[str, tuple[bool, str | None, str]] = {}
        self._lower_keywords = tuple((k, k.lower()) for k in self.keywords if k.strip())
        self._url_hosts: dict[str, tuple[bool, str | None, str]] = {}  # by URL, see _url_host
        self._carried_by_url: dict[str, tuple[bool, str | None]] = {}

    def analyse(self, page: ParsedPage) -> PageAnalysis:
        result = PageAnalysis(title=page.title, lang=page.lang)
        targets, outbound = self._links(page.anchors, page.url, result)
        blocks = page.blocks
        # All blocks in one string: one regex scan per matcher and page. "\x00" is
        # neither a word character nor a space, so no name matches across two blocks.
        text = "\x00".join([block.text for block in blocks])
        if outbound:
            result.outlinks = _with_snippets(outbound, blocks, targets)
        lower = None if self._fold else text.lower()  # shared by the matchers
        starts: list[int] = []
        result.mentions = self._mentions(text, lower, blocks, self.brand, self.brand_domains,
                                         starts)
        if self.brand.has_cue_names and result.mentions:
            result.mentions = self._apply_cues(result)
        if self.competitors is not None:
            result.competitor_mentions = self._mentions(text, lower, blocks, self.competitors,
                                                        self.competitor_domains, starts)
        if "@" in text or _has_obfuscated_at(text):
            result.emails = self.site_emails(find_emails(text))
        if self._lower_keywords or result.lang is None:
            main = " ".join([b.text for b in blocks if b.placement == "main"]) or text
            if self._lower_keywords:
                lower = main.lower()
                result.keywords = [k for k, key in self._lower_keywords
                                   if _starts_a_word(lower, key)]
            if result.lang is None:
                result.lang = detect_language(main[:5000])
        return result

    def site_emails(self, emails: list[str]) -> list[str]:
        """``emails`` without the brand's and the competitors' own addresses: a page that
        quotes support@brand.com is not reached through it."""
        return [e for e in emails if not host_in_domains(e.rsplit("@", 1)[-1],
                                                         self.brand_domains + self.competitor_domains)]

    def _host(self, host: str) -> tuple[bool, str | None, str]:
        """(is a brand host, competitor domain or None, registered domain), cached."""
        try:
            return self._hosts[host]
        except KeyError:
            pass
        if len(self._hosts) > 50_000:
            self._hosts.clear()
        info = self._hosts[host] = (host_in_domains(host, self.brand_domains) is not None,
                                    host_in_domains(host, self.competitor_domains),
                                    registered_domain(host))
        return info

    def _url_host(self, url: str) -> tuple[bool, str | None, str]:
        """:meth:`_host` of ``url``'s host, cached by URL: a site's menus and footer
        links come back on every page of it."""
        info = self._url_hosts.get(url)
        if info is None:
            if len(self._url_hosts) > 50_000:
                self._url_hosts.clear()
            info = self._url_hosts[url] = self._host(host_of(url))
        return info

    def _carried(self, url: str) -> tuple[bool, str | None]:
        """(a brand host, the first competitor domain or None) among the hosts that
        ``url`` carries (an affiliate or tracking redirect's destination), cached by URL."""
        info = self._carried_by_url.get(url)
        if info is None:
            if len(self._carried_by_url) > 50_000:
                self._carried_by_url.clear()
            brand, competitor = False, None
            for carried in carried_hosts(url):
                carried_brand, carried_competitor, _site = self._host(carried)
                brand = brand or carried_brand
                competitor = competitor or carried_competitor
            info = self._carried_by_url[url] = (brand, competitor)
        return info

    def _links(self, anchors: list[Anchor], page_url: str, result: PageAnalysis
               ) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
        """Fill in ``result``'s brand, competitor, internal and contact links; return the
        page's outbound hrefs with their canonical URLs, and the outbound links (URL,
        anchor text, rel, placement; one per URL) for :func:`_with_snippets`."""
        seen_out: set[str] = set()
        seen_in: set[str] = set()
        competitor_links: set[str] = set()
        page_host = self._host(host_of(page_url))
        page_site = page_host[2]
        # most links are on the page's own origin ("https://host"): no need to parse them
        try:
            parts = urlsplit(page_url)
            prefix = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "\x00"
        except ValueError:
            prefix = "\x00"
        size = len(prefix)
        url_host, carried_of = self._url_host, self._carried
        targets: dict[str, str] = {}
        outbound: list[tuple[str, str, str, str]] = []
        internal = result.internal_links
        for anchor in anchors:
            url = anchor.url
            if url.startswith(prefix) and url[size:size + 1] in _AFTER_ORIGIN:
                brand, competitor, site = page_host
            else:
                brand, competitor, site = url_host(url)
            if site != page_site and not brand and competitor is None:
                # through an affiliate or tracking redirect?
                brand, competitor = carried_of(url)
            if brand:
                rel = " ".join(sorted(anchor.rel)) if anchor.rel else ""
                result.brand_link_rels.append(rel)
                result.brand_links.append(OutLink(url, anchor.text, rel, anchor.placement))
            if competitor is not None:
                competitor_links.add(competitor)
            if site == page_site:
                if url not in seen_in:
                    seen_in.add(url)
                    internal.append(url)
                    text = anchor.text
                    if _contact_hint(url) or (len(text) <= _LONGEST_CONTACT_WORD
                                              and text.lower() in CONTACT_WORDS):
                        rank = contact_page_rank(url, text)
                        if rank is not None:
                            result.contact_links.append((url, rank))
            else:
                target = targets[url] = canonical_url(url)  # no tracking parameters, sorted query
                if target not in seen_out:
                    seen_out.add(target)
                    rel = " ".join(sorted(anchor.rel)) if anchor.rel else ""
                    outbound.append((target, anchor.text, rel, anchor.placement))
        result.competitor_links = sorted(competitor_links)
        return targets, outbound

    @staticmethod
    def _mentions(text: str, lower: str | None, blocks: list[TextBlock], matcher: Matcher,
                  domains: tuple[str, ...], starts: list[int]) -> list[FoundMention]:
        """The matches in ``text`` (the blocks' texts joined by "\x00"; ``lower``: its
        lower case or None), each with its block; ``starts``, where each block starts in
        ``text``, is filled in on the first match (most pages have none)."""
        matches = matcher.find(text, lower=lower)
        if matches and not starts:
            # len(text) + 1 for each block but the last, summed (map() keeps it out of Python)
            starts.extend(accumulate(map(add, map(len, map(_TEXT, blocks[:-1])), repeat(1)),
                                     initial=0))
        found = []
        for match in matches:
            index = bisect_right(starts, match.start) - 1
            offset = starts[index]
            block = blocks[index]
            start, end = match.start - offset, match.end - offset
            in_link = any(span.start < end and start < span.end and _leads_to(span.url, domains)
                          for span in block.links)
            found.append(FoundMention(match.name, match.matched, block.placement,
                                      snippet(block.text, start, end), in_link, index))
        return found

    def _apply_cues(self, result: PageAnalysis) -> list[FoundMention]:
        """Keep cue-only names when the page has another cue for the brand."""
        cue_only = {m for m in result.mentions
                    if self.brand.needs_cue(Match(0, 0, m.name, m.matched))}
        has_cue = bool(result.brand_link_rels) or len(cue_only) < len(result.mentions)
        return result.mentions if has_cue else [m for m in result.mentions if m not in cue_only]


def _has_obfuscated_at(text: str) -> bool:
    """``_OBFUSCATED_AT.search(text)``, with the regex tried only where a match can start:
    ``str.find`` skips a page's text many times faster than a regex scan."""
    match = _OBFUSCATED_AT.match
    return any(match(text, at) is not None for at in find_all(text, "[({<&"))


@lru_cache(maxsize=65536)
def _contact_hint(url: str) -> bool:
    """``url`` has a word of a contact page in it: with a link text in
    :data:`CONTACT_WORDS`, the cheap first test before :func:`contact_page_rank`."""
    low = url.lower()
    return any(word in low for word in _CONTACT_HINTS)


def _with_snippets(outbound: list[tuple[str, str, str, str]], blocks: list[TextBlock],
                   targets: dict[str, str]) -> list[OutLink]:
    """Each outbound link (URL, anchor text, rel, placement) with the sentence around
    its first visible occurrence (``targets``: each outbound href of the page and its
    canonical URL)."""
    found: dict[str, str] = {}
    get = targets.get
    for block in filter(_LINKS, blocks):
        for span in block.links:
            url = get(span.url)
            if url is not None and url not in found:
                found[url] = snippet(block.text, span.start, span.end)
    return [OutLink(url, text, rel, placement, found.get(url, ""))
            for url, text, rel, placement in outbound]


def _starts_a_word(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` not preceded by a letter, digit or underscore."""
    at = text.find(word)
    while at >= 0:
        if not at or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            return True
        at = text.find(word, at + 1)
    return False


def _leads_to(url: str, domains: tuple[str, ...]) -> bool:
    """``url`` is on one of ``domains``, or carries an address on one (a redirect)."""
    return host_in_domains(host_of(url), domains) is not None or any(
        host_in_domains(host, domains) is not None for host in carried_hosts(url))
