"""Which pages a sweep may fetch: seed sites only, a page budget per site, no traps. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from mentionspider.analysis.urls import site_of

__all__ = ["Frontier", "trap_reason", "SKIPPED_EXTENSIONS"]

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
    """Decides whether a discovered same-site URL is fetched.

    ``admit`` answers None (fetch it; the page is counted against its site's
    budget) or the reason it is skipped: ``seen`` (admitted before),
    ``offsite``, ``site_budget``, ``not_html`` or a :func:`trap_reason`.
    """

    def __init__(self, sites: Iterable[str], *, max_pages_per_site: int,
                 max_url_length: int = 500, max_repeats: int = 3) -> None:
        self.sites = set(sites)
        self.max_pages_per_site = max_pages_per_site
        self.max_url_length = max_url_length
        self.max_repeats = max_repeats
        self.pages: Counter[str] = Counter()
        self.seen: set[str] = set()

    def add_site(self, site: str) -> None:
        self.sites.add(site)

    def admit(self, url: str, *, seed: bool = False) -> str | None:
        if url in self.seen:
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
        self.seen.add(url)
        return None
