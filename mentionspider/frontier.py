"""Which pages a sweep may fetch: seed sites only, a page budget per site, no traps. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from mentionspider.analysis.urls import canonical_url, normalize_host, origin_of, site_of, url_key

__all__ = ["Frontier", "trap_reason", "SKIPPED_EXTENSIONS", "CONTACT_PAGES_PER_SITE"]

#: Contact pages (contact, about, impressum, write for us...) fetched per site beyond the
#: crawl's depth, within its page budget, so that every site has a way to reach it.
CONTACT_PAGES_PER_SITE = 3

#: File types that are never HTML pages: not worth a request when crawling a site.
SKIPPED_EXTENSIONS = frozenset(
    "7z aac apk avi bin bmp bz2 css csv dmg doc docx eot epub exe flac gif gz ico iso jar jpeg "
    "jpg js json m4a m4v mkv mov mp3 mp4 mpeg mpg msi ogg otf pdf png ppt pptx rar rss svg tar "
    "tgz tif tiff ttf wav webm webp wmv woff woff2 xls xlsx xml zip".split())


def trap_reason(url: str, *, max_length: int = 500, max_repeats: int = 3) -> str | None:
    """Why ``url`` looks like a crawler trap (endless calendars, path loops), or None."""
    if len(url) > max_length:
        return "url_too_long"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments and max(Counter(segments).values()) >= max_repeats:
        return "repeated_path_segment"
    if len(segments) > 15:
        return "too_deep_path"
    if parts.query.count("&") >= 10:
        return "too_many_parameters"
    return None


def _extension(url: str) -> str:
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


class Frontier:
    """Decides whether a discovered same-site URL is fetched, and under which address.

    ``admit`` answers None (fetch it; the page is counted against its site's
    budget) or the reason it is skipped: ``seen`` (this page was admitted before,
    under any of its addresses: see :func:`~mentionspider.analysis.urls.url_key`),
    ``offsite``, ``site_budget``, ``not_html`` or a :func:`trap_reason`.

    :meth:`canonical` is the address a page is fetched and stored under: its
    :func:`~mentionspider.analysis.urls.canonical_url`, moved to the scheme and host
    its site was first seen with (a seed's, or where a seed redirected), so that a
    site that links to itself with ``http://`` or ``www.`` while the seed is
    ``https://`` is crawled once, under the seed's address.
    """

    def __init__(self, sites: Iterable[str], *, max_pages_per_site: int,
                 max_url_length: int = 500, max_repeats: int = 3) -> None:
        self.sites = set(sites)
        self.max_pages_per_site = max_pages_per_site
        self.max_url_length = max_url_length
        self.max_repeats = max_repeats
        self.pages: Counter[str] = Counter()
        self.seen: set[str] = set()  # url_key of every admitted page
        self.origins: dict[str, str] = {}  # host without www. -> scheme://host[:port]
        self.contacts: Counter[str] = Counter()  # contact pages admitted beyond depth

    def add_site(self, site: str) -> None:
        self.sites.add(site)

    def set_origin(self, url: str) -> None:
        """Fetch and store the pages of ``url``'s host (with or without ``www.``) under
        ``url``'s scheme and host from now on."""
        canonical = canonical_url(url)
        origin = origin_of(canonical)
        self.origins[normalize_host(origin.split("://", 1)[-1])] = origin

    def canonical(self, url: str) -> str:
        canonical = canonical_url(url)
        origin = origin_of(canonical)
        preferred = self.origins.get(normalize_host(origin.split("://", 1)[-1]))
        if preferred is None or preferred == origin:
            return canonical
        return preferred + canonical[len(origin):]

    def mark_seen(self, url: str) -> None:
        """``url`` was fetched (a redirect's target, a page's rel=canonical): never again."""
        self.seen.add(url_key(url))

    def admit_contact(self, url: str) -> str | None:
        """Like :meth:`admit`, for a contact page linked from a page at the crawl's depth:
        at most :data:`CONTACT_PAGES_PER_SITE` per site (``contact_limit``)."""
        site = site_of(url)
        if self.contacts[site] >= CONTACT_PAGES_PER_SITE:
            return "contact_limit"
        self.sites.add(site)  # a page of this site linked to it: a site found by search too
        reason = self.admit(url)
        if reason is None:
            self.contacts[site] += 1
        return reason

    def admit(self, url: str, *, seed: bool = False) -> str | None:
        key = url_key(url)
        if key in self.seen:
            return "seen"
        site = site_of(url)
        if not seed and site not in self.sites:
            return "offsite"
        if not seed:
            if _extension(url) in SKIPPED_EXTENSIONS:
                return "not_html"
            reason = trap_reason(url, max_length=self.max_url_length,
                                 max_repeats=self.max_repeats)
            if reason:
                return reason
        if self.pages[site] >= self.max_pages_per_site:
            return "site_budget"
        self.pages[site] += 1
        self.seen.add(key)
        if seed and normalize_host(origin_of(canonical_url(url)).split("://", 1)[-1]) \
                not in self.origins:
            self.set_origin(url)
        return None


class Levels:
    """Breadth-first, one level at a time per site, so that a crawl is the same crawl
    whatever order the answers come back in. Pure.

    A page of level ``d`` (``d`` links from a seed) found links to other pages of its
    site; they are held back until every page of level ``d`` of that site has been
    answered (or failed), then handed out all together, ordered by the URL of the page
    that found them and their place on it. So a page's depth is its shortest distance
    from a seed (every level-``d`` page is seen before any level-``d+1`` link is
    admitted), and which pages fit in a site's page budget does not depend on timing.
    """

    def __init__(self) -> None:
        self.pending: Counter[tuple[str, int]] = Counter()
        self.found: dict[tuple[str, int], list[tuple[str, list[str]]]] = {}

    def sent(self, site: str, depth: int) -> None:
        """A page request of ``site`` at ``depth`` was sent."""
        self.pending[(site, depth)] += 1

    def answered(self, site: str, depth: int, page: str, links: Iterable[str]
                 ) -> list[str]:
        """The page ``page`` of ``site`` at ``depth`` was answered with ``links`` (none
        when it failed or is not followed). Returns the level's links, in order, when it
        was the level's last page; else []."""
        key = (site, depth)
        self.found.setdefault(key, []).append((page, list(links)))
        self.pending[key] -= 1
        if self.pending[key] > 0:
            return []
        del self.pending[key]
        return self._release(key)

    def _release(self, key: tuple[str, int]) -> list[str]:
        found = sorted(self.found.pop(key, []), key=lambda item: item[0])
        return [link for _, links in found for link in links]

    def stalled(self) -> list[tuple[str, int, list[str]]]:
        """When nothing is in flight any more but some levels still wait for a page that
        will never answer (a request dropped on the way): release the lowest waiting
        level of each site. ``(site, depth, links)`` each."""
        lowest: dict[str, int] = {}
        for site, depth in self.found:
            if site not in lowest or depth < lowest[site]:
                lowest[site] = depth
        out = []
        for site, depth in sorted(lowest.items()):
            self.pending.pop((site, depth), None)
            out.append((site, depth, self._release((site, depth))))
        return out
