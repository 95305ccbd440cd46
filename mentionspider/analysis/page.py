"""What a page says about a campaign: mentions, brand links, outbound links, signals.

:class:`PageAnalyser` is built once per campaign (it compiles the matchers) and
then turns each :class:`~mentionspider.analysis.model.ParsedPage` into a
:class:`PageAnalysis`. Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from urllib.parse import urlsplit

from mentionspider.analysis.contacts import CONTACT_WORDS, contact_page_rank, find_emails
from mentionspider.analysis.language import detect_language
from mentionspider.analysis.mentions import Matcher, compile_matcher
from mentionspider.analysis.model import (PLACEMENTS, Anchor, BrandName, Match, ParsedPage,
                                          TextBlock)
from mentionspider.analysis.snippet import snippet
from mentionspider.analysis.urls import (canonical_url, carried_hosts, host_in_domains, host_of,
                                         registered_domain)

__all__ = ["FoundMention", "OutLink", "PageAnalysis", "PageAnalyser", "NOFOLLOW_RELS"]

_AFTER_ORIGIN = frozenset(("", "/", "?", "#"))
# Words in a URL that may be a contact page (checked by contact_page_rank); "at" in brackets.
_CONTACT_HINTS = ("contact", "kontakt", "about", "impressum", "imprint", "write", "guest",
                  "advertis", "contribut", "over-ons", "ber-uns", "propos", "team", "colofon",
                  "mentions", "quienes", "chi-siamo", "contat", "submit")
_OBFUSCATED_AT = re.compile(r"[\[({<]\s*at\s*[\])}>]|&#0*64;", re.I)
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
        self._hosts: dict[str, tuple[bool, str | None, str]] = {}
        self._lower_keywords = tuple((k, k.lower()) for k in self.keywords if k.strip())
        self._targets: dict[str, str] = {}  # this page's outbound hrefs -> canonical URLs

    def analyse(self, page: ParsedPage) -> PageAnalysis:
        result = PageAnalysis(title=page.title, lang=page.lang)
        self._links(page.anchors, page.url, result)
        blocks = page.blocks
        # All blocks in one string: one regex scan per matcher and page. "\x00" is
        # neither a word character nor a space, so no name matches across two blocks.
        text = "\x00".join([block.text for block in blocks])
        starts = list(accumulate([len(block.text) + 1 for block in blocks[:-1]], initial=0))
        if result.outlinks:
            result.outlinks = _with_snippets(result.outlinks, blocks, self._targets)
        self._targets = {}
        result.mentions = self._mentions(text, starts, blocks, self.brand, self.brand_domains)
        if self.brand.has_cue_names and result.mentions:
            result.mentions = self._apply_cues(result)
        if self.competitors is not None:
            result.competitor_mentions = self._mentions(text, starts, blocks, self.competitors,
                                                        self.competitor_domains)
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

    def _links(self, anchors: list[Anchor], page_url: str, result: PageAnalysis) -> None:
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
        for anchor in anchors:
            url = anchor.url
            if url.startswith(prefix) and url[size:size + 1] in _AFTER_ORIGIN:
                brand, competitor, site = page_host
            else:
                brand, competitor, site = self._host(host_of(url))
            rel = " ".join(sorted(anchor.rel)) if anchor.rel else ""
            if not brand and competitor is None and site != page_site:
                # through an affiliate or tracking redirect?
                for carried in carried_hosts(url):
                    carried_brand, carried_competitor, _site = self._host(carried)
                    brand = brand or carried_brand
                    competitor = competitor or carried_competitor
            if brand:
                result.brand_link_rels.append(rel)
                result.brand_links.append(OutLink(url, anchor.text, rel, anchor.placement))
            if competitor is not None:
                competitor_links.add(competitor)
            if site == page_site:
                if url not in seen_in:
                    seen_in.add(url)
                    result.internal_links.append(url)
                    if _may_be_contact(url, anchor.text):
                        rank = contact_page_rank(url, anchor.text)
                        if rank is not None:
                            result.contact_links.append((url, rank))
            else:
                target = canonical_url(url)  # no tracking parameters, sorted query
                self._targets[url] = target
                if target not in seen_out:
                    seen_out.add(target)
                    result.outlinks.append(OutLink(target, anchor.text, rel, anchor.placement))
        result.competitor_links = sorted(competitor_links)

    @staticmethod
    def _mentions(text: str, starts: list[int], blocks: list[TextBlock], matcher: Matcher,
                  domains: tuple[str, ...]) -> list[FoundMention]:
        found = []
        for match in matcher.find(text):
            index = bisect_right(starts, match.start) - 1
            block = blocks[index]
            start, end = match.start - starts[index], match.end - starts[index]
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
    for char in "[({<&":
        at = text.find(char)
        while at >= 0:
            if match(text, at) is not None:
                return True
            at = text.find(char, at + 1)
    return False


def _may_be_contact(url: str, text: str) -> bool:
    """A cheap first test before :func:`contact_page_rank`."""
    low = url.lower()
    return any(word in low for word in _CONTACT_HINTS) or text.lower() in CONTACT_WORDS


def _with_snippets(outlinks: list[OutLink], blocks: list[TextBlock],
                   targets: dict[str, str]) -> list[OutLink]:
    """Each outbound link with the sentence around its first visible occurrence
    (``targets``: each outbound href of the page and its canonical URL)."""
    found: dict[str, str] = {}
    for block in blocks:
        for span in block.links:
            url = targets.get(span.url)
            if url is not None and url not in found:
                found[url] = snippet(block.text, span.start, span.end)
    return [replace(link, snippet=found[link.url]) if link.url in found else link
            for link in outlinks]


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
