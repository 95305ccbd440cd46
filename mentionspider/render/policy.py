"""Which pages of a run go through the browser, and why. Pure: no Scrapy.

A :class:`RenderPolicy` is built once per run from the campaign's ``render_js``
(``never``, ``auto`` or ``always``), its per-site overrides and, for requests that
carry one (search results), a mode of their own. In ``auto`` mode a page is
fetched raw first and rendered when :func:`~mentionspider.render.detect.shell_reason`
calls it a shell; a site where most raw pages (and at least :data:`KNOWN_AFTER`)
were shells is then *known to need JavaScript*, and its further pages go to the
browser without a raw fetch first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from mentionspider.analysis.urls import host_of, registered_domain
from mentionspider.render.detect import shell_reason

__all__ = ["ALWAYS_REASON", "KNOWN_AFTER", "KNOWN_REASON", "RENDER_MODES", "RenderPolicy",
           "SiteRendering"]

RENDER_MODES: Final = ("never", "auto", "always")
#: Shell pages a site needs (and more than half its raw pages) to be known to need JavaScript.
KNOWN_AFTER: Final = 2
ALWAYS_REASON: Final = "render_js = always"
KNOWN_REASON: Final = "site known to need JavaScript"


@dataclass(frozen=True, slots=True)
class SiteRendering:
    """A per-site override: ``[crawl.sites."example.com"]``; the domain covers its subdomains."""

    domain: str
    render_js: str | None = None  # None: the campaign's
    wait_for: str | None = None  # CSS selector to wait for instead of network idle


class RenderPolicy:
    """Decides, page by page, whether the browser renders it; remembers sites that need it."""

    def __init__(self, default: str = "auto", sites: Iterable[SiteRendering] = ()) -> None:
        if default not in RENDER_MODES:
            raise ValueError(f"render_js: expected one of {', '.join(RENDER_MODES)}, "
                             f"got {default!r}")
        self.default = default
        # Longest domain first, so that blog.example.com beats example.com.
        self.sites = sorted(sites, key=lambda s: -len(s.domain))
        self._raw: dict[str, int] = {}
        self._shells: dict[str, int] = {}
        self._known: set[str] = set()

    @property
    def can_render(self) -> bool:
        """Whether any page of this run may go through the browser (else no browser at all)."""
        return self.default != "never" or any(
            s.render_js not in (None, "never") for s in self.sites)

    def site(self, url: str) -> SiteRendering | None:
        host = host_of(url)
        for site in self.sites:
            d = site.domain
            if host == d or (host.endswith(d) and host[-len(d) - 1] == "."):
                return site
        return None

    def mode(self, url: str, override: str | None = None) -> str:
        """The render mode for ``url``: a request's own (search results), its site's, the run's."""
        if override is not None:
            return override
        site = self.site(url)
        return site.render_js if site and site.render_js else self.default

    def wait_for(self, url: str) -> str | None:
        site = self.site(url)
        return site.wait_for if site else None

    def render_first(self, url: str, override: str | None = None) -> str | None:
        """Why ``url`` goes straight to the browser (no raw fetch first), or None."""
        mode = self.mode(url, override)
        if mode == "always":
            return ALWAYS_REASON
        if mode == "auto" and registered_domain(host_of(url)) in self._known:
            return KNOWN_REASON
        return None

    def after_raw(self, url: str, html: bytes | str, visible: int | None = None,
                  override: str | None = None) -> str | None:
        """Why the page just fetched raw from ``url`` should be rendered, or None.

        Called for every raw HTML page; counts the site's shells as it goes.
        """
        if self.mode(url, override) != "auto":
            return None
        site = registered_domain(host_of(url))
        if site in self._known:
            return KNOWN_REASON
        reason = shell_reason(html, visible)
        raw = self._raw[site] = self._raw.get(site, 0) + 1
        if reason is not None:
            shells = self._shells[site] = self._shells.get(site, 0) + 1
            if shells >= KNOWN_AFTER and 2 * shells > raw:
                self._known.add(site)
        return reason

    def known_sites(self) -> list[str]:
        return sorted(self._known)
