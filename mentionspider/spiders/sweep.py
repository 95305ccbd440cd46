"""The sweep spider: crawl a campaign's seed sites, analyse pages, check outbound links.

Run it through the CLI (``mentionspider sweep CAMPAIGN.toml``) or from the
project root with ``scrapy crawl sweep -a campaign=CAMPAIGN.toml``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings
from twisted.python.failure import Failure

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.page import PageAnalyser, PageAnalysis
from mentionspider.analysis.signals import PageSignals, page_signals
from mentionspider.analysis.urls import (canonical_url, host_in_domains, host_of, is_home_page,
                                         malformed_reason, site_of)
from mentionspider.campaign import Campaign, load_campaign
from mentionspider.frontier import Frontier, Levels
from mentionspider.items import GonePageItem, utcnow, PageItem
from mentionspider.linkcheck.checker import CHECK_STATUSES, LinkChecker, LinkCheckSpider
from mentionspider.linkcheck.failures import failure_kind
from mentionspider.linkcheck.middleware import response_headers
from mentionspider.linkcheck.verdict import verdict_for_status
from mentionspider.search.middleware import EXCLUDED_MESSAGE
from mentionspider.spiders._search import SearchSourceSpider
from mentionspider.render.requests import Renderer, page_depth, render_fields
from mentionspider.render.setup import configure_rendering, render_policy

__all__ = ["SweepSpider", "apply_campaign"]

def apply_campaign(settings: Settings, campaign: Campaign) -> None:
    """Put a campaign's politeness choices into the crawler's settings."""
    crawl = campaign.crawl
    # the components (pipelines) read the campaign from here, not from the spider
    settings.set("MENTIONSPIDER_CAMPAIGN", campaign, priority="cmdline")
    bot_url = crawl.contact_url or settings.get("MENTIONSPIDER_BOT_URL")
    from mentionspider import __version__
    settings.set("USER_AGENT", f"mentionspider/{__version__} (+{bot_url})", priority="spider")
    settings.set("DOWNLOAD_DELAY", crawl.delay, priority="spider")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", crawl.concurrency_per_site, priority="spider")
    settings.set("MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST",
                 campaign.linkcheck.concurrency_per_host, priority="spider")
    settings.set("MENTIONSPIDER_LINKCHECK_DELAY", campaign.linkcheck.delay, priority="spider")
    settings.set("MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE", campaign.linkcheck.allow_private,
                 priority="spider")
    settings.set("ROBOTSTXT_OBEY", crawl.obey_robots or campaign.linkcheck.obey_robots,
                 priority="spider")
    configure_rendering(settings, campaign)  # scrapy-playwright, only when pages may render


class SweepSpider(SearchSourceSpider, LinkCheckSpider, scrapy.Spider):
    name = "sweep"
    #: Every status but a redirect reaches ``parse_page`` (a 404 retires the page's rows).
    #: A spider attribute, read by Scrapy's HttpError and Redirect middlewares, not request
    #: meta: meta is pickled with every request a distributed sweep queues in Redis (#15).
    #: Link checks and search requests set ``handle_httpstatus_all`` in their own meta.
    handle_httpstatus_list = frozenset(CHECK_STATUSES)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, campaign: Any = None,
                     **kwargs: Any) -> "SweepSpider":
        source = campaign or crawler.settings.get("MENTIONSPIDER_CAMPAIGN")
        if source is None:
            raise ValueError("the sweep spider needs a campaign: -a campaign=FILE.toml")
        loaded = source if isinstance(source, Campaign) else load_campaign(source)
        apply_campaign(crawler.settings, loaded)
        spider: SweepSpider = super().from_crawler(crawler, *args, campaign=loaded, **kwargs)
        spider.renderer = Renderer.from_settings(render_policy(loaded), crawler.settings)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    def __init__(self, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.campaign = campaign
        self.analyser = PageAnalyser(
            brand_names=campaign.brand_names, brand_domains=campaign.brand_domains,
            exclude=campaign.exclude, spacing_variants=campaign.spacing_variants,
            fold_diacritics=campaign.fold_diacritics,
            competitor_names=campaign.competitor_names,
            competitor_domains=campaign.competitor_domains, keywords=campaign.keywords)
        self.frontier: Frontier | None = None
        self.levels = Levels()  # breadth-first, level by level per site
        self.init_search()
        self.renderer = Renderer(render_policy(campaign))

    # --- crawling pages -------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.frontier = self.make_frontier()
        self.setup_search()
        for url in self.campaign.crawl.seeds:
            reason = self.frontier.admit(url, seed=True)
            if reason is None:
                if (request := self._page_request(self.frontier.canonical(url), seed=True)) is not None:
                    yield self._in_level(request, site_of(url), 0)
            elif reason != "seen":  # more seeds on one site than its page budget
                self.crawler.stats.inc_value(f"mentionspider/frontier/{reason}")
                self.crawler.stats.inc_value("mentionspider/frontier/seeds_skipped")
        for request in self.search_start():  # the second source: search results
            yield request

    def make_frontier(self) -> Frontier:
        """The crawl's frontier (a distributed worker's is shared through Redis)."""
        settings = self.crawler.settings
        return Frontier(
            (site_of(url) for url in self.campaign.crawl.seeds),
            max_pages_per_site=self.campaign.crawl.max_pages_per_site,
            max_url_length=settings.getint("MENTIONSPIDER_TRAP_MAX_URL"),
            max_repeats=settings.getint("MENTIONSPIDER_TRAP_REPEATS"))

    def _page_request(self, url: str, source: str = "seed",
                      max_depth: int | None = None, *, seed: bool = False
                      ) -> scrapy.Request | None:
        """A page to fetch; ``source`` and ``max_depth`` (default: the crawl's) go on to the
        pages found from it."""
        meta: dict[str, Any] = {}
        if seed:  # named in the summary if it gives no page
            meta["mentionspider_seed"] = url
        if source != "seed":
            meta["mentionspider_source"] = source
        if max_depth is not None:
            meta["mentionspider_max_depth"] = max_depth
        if not self.campaign.crawl.obey_robots:
            meta["dont_obey_robotstxt"] = True
        try:  # dont_filter: the frontier dedupes; every page request must get an answer
            request = scrapy.Request(url, callback=self.parse_page, errback=self.page_failed,
                                     meta=meta, dont_filter=True)
        except ValueError:  # a URL Scrapy refuses that malformed_reason let through
            self.crawler.stats.inc_value("mentionspider/links/malformed/refused")
            return None
        return self.renderer.first(request)

    def _in_level(self, request: scrapy.Request, site: str, depth: int) -> scrapy.Request:
        """Count ``request`` in its site's level (see :class:`~mentionspider.frontier.Levels`)."""
        request.meta["mentionspider_level"] = (site, depth)
        request.meta["depth"] = depth
        self.levels.sent(site, depth)
        return request

    def _answered(self, meta: dict[str, Any], url: str, links: list[str]) -> Iterator[Any]:
        """A page of a level is answered: when its level is complete, follow the level's
        links (all of them, in a fixed order)."""
        level = meta.get("mentionspider_level")
        if level is None:  # a page found by search: followed at once
            yield from self._follow(links, None, meta)
            return
        site, depth = level
        yield from self._follow(self.levels.answered(site, depth, url, links), level, meta)

    def _follow(self, links: list[str], level: tuple[str, int] | None,
                meta: dict[str, Any]) -> Iterator[scrapy.Request]:
        if self.frontier is None:
            return
        stats = self.crawler.stats
        for url in links:
            reason = self.frontier.admit(url)
            if reason is None:
                request = self._page_request(self.frontier.canonical(url),
                                              meta.get("mentionspider_source", "seed"),
                                              meta.get("mentionspider_max_depth"))
                if request is not None:
                    yield request if level is None else self._in_level(
                        request, level[0], level[1] + 1)
            elif reason not in ("offsite", "seen"):
                stats.inc_value(f"mentionspider/frontier/{reason}")

    def _idle(self) -> None:
        """Safety net: a level still waits for a page that will never answer."""
        sent = 0
        for site, depth, links in self.levels.stalled():
            for request in self._follow(links, (site, depth), {}):
                self.crawler.engine.crawl(request)
                sent += 1
        if sent:
            self.crawler.stats.inc_value("mentionspider/frontier/levels_unstuck")
            raise DontCloseSpider

    def parse_page(self, response: Response) -> Iterator[Any]:
        request = response.request
        links = yield from self._parse_page(response)
        if links is not None:
            yield from self._answered(response.meta, request.url if request else response.url,
                                      links)

    def _parse_page(self, response: Response) -> Generator[Any, None, list[str] | None]:
        """Items and link checks for one page; returns the same-site links to follow (None:
        the page was sent again, to the browser)."""
        stats = self.crawler.stats
        if response.status >= 300:
            verdict = verdict_for_status(response.status, response_headers(response))
            failure = verdict.status if verdict.status in ("dns", "refused") else (
                f"http_{response.status}")
            stats.inc_value(f"mentionspider/pages/errors/{failure}")
            self._seed_failed(response.meta, failure)
            yield from self._gone(response.meta, response.url, failure)
            return []
        if not isinstance(response, TextResponse) or not _is_html(response):
            stats.inc_value("mentionspider/pages/not_html")
            self._seed_failed(response.meta, "not_html")
            return []
        parsed = parse_page(response.body, response.url, response.encoding)
        if (rendered := self.renderer.after_raw(response, parsed)) is not None:
            yield rendered  # an app shell: the same page again, through the browser
            return None  # it answers for its level when the browser has read it
        analysis = self.analyser.analyse(parsed)
        self._drop_malformed_links(analysis)
        depth = page_depth(response)
        source = response.meta.get("mentionspider_source", "seed")
        max_depth = response.meta.get("mentionspider_max_depth", self.campaign.crawl.max_depth)
        signals = page_signals(response.text, response.url, x_robots_tag=(
            response.headers.get(b"X-Robots-Tag") or b"").decode("latin-1"))
        if self.frontier is not None:
            if depth == 0:  # a seed that redirected elsewhere: that is the site's address
                self.frontier.add_site(site_of(response.url))
                self.frontier.set_origin(response.url)
            self.frontier.mark_seen(response.url)
            page_url = self.frontier.canonical(response.url)
        else:
            page_url = canonical_url(response.url)
        page_url = self._identity(page_url, signals)
        signals.emails = self.analyser.site_emails(signals.emails)
        stats.inc_value("mentionspider/pages/analysed")
        yield PageItem(campaign=self.campaign.name, url=page_url,
                       requested_url=response.request.url if response.request else response.url,
                       site=site_of(page_url), status=response.status, depth=depth,
                       fetched_at=utcnow(), analysis=analysis, source=source, signals=signals,
                       **render_fields(response))
        if depth >= max_depth and self.frontier is not None:
            # contact pages are fetched even where the depth stops the crawl
            yield from self._contacts([url for url, _rank in sorted(
                analysis.contact_links, key=lambda link: link[1])[:2]], source, depth + 1)
        if self.campaign.crawl.check_links:
            checker = LinkChecker.of(self.crawler)
            for link in analysis.outlinks:
                if self.excluded_hosts and host_in_domains(host_of(link.url),
                                                           self.excluded_hosts):
                    continue  # never requested in a search campaign (see search.middleware)
                try:
                    yield from checker.check(link.url, source=response.url)
                except ValueError:  # a URL Scrapy refuses that malformed_reason let through
                    stats.inc_value("mentionspider/links/malformed/refused")
        return list(analysis.internal_links) if depth < max_depth else []

    def _contacts(self, urls: list[str], source: str, depth: int) -> Iterator[scrapy.Request]:
        """A page's contact pages (at most two per page, a few per site), at ``depth``."""
        assert self.frontier is not None
        for url in urls:
            if self.frontier.admit_contact(url) is None:
                self.crawler.stats.inc_value("mentionspider/frontier/contact_pages")
                request = self._page_request(self.frontier.canonical(url), source, depth)
                if request is not None:
                    yield request

    def _identity(self, page_url: str, signals: PageSignals) -> str:
        """The page's own URL, or the same-site ``rel=canonical`` it declares. A canonical
        that points to the site's front page from a deeper page is not followed: sites
        that declare their home page on every page are common, and would fold the whole
        site into one page."""
        declared = signals.canonical
        if not declared or site_of(declared) != site_of(page_url):
            return page_url
        canonical = (self.frontier.canonical(declared) if self.frontier is not None
                     else canonical_url(declared))
        if is_home_page(canonical) and not is_home_page(page_url):
            return page_url
        if self.frontier is not None:
            self.frontier.mark_seen(canonical)
        return canonical

    def _drop_malformed_links(self, analysis: PageAnalysis) -> None:
        """A link no request can be made for is one counted skip
        (``mentionspider/links/malformed/<reason>``), not an error for the whole page."""
        skipped: Counter[str] = Counter()

        def usable(url: str) -> bool:
            reason = malformed_reason(url)
            if reason is not None:
                skipped[reason] += 1
            return reason is None

        analysis.internal_links = [url for url in analysis.internal_links if usable(url)]
        analysis.outlinks = [link for link in analysis.outlinks if usable(link.url)]
        for reason, count in skipped.items():
            self.crawler.stats.inc_value(f"mentionspider/links/malformed/{reason}", count)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        kind, message = failure_kind(failure)
        if kind == "ignored" and message.startswith(EXCLUDED_MESSAGE):
            # a search-derived page redirected to an excluded host: not fetched, no error
            self.crawler.stats.inc_value("mentionspider/pages/excluded_host")
            return
        name = "robots_disallowed" if kind == "robots" else f"errors/{kind}"
        self.crawler.stats.inc_value(f"mentionspider/pages/{name}")
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        self._seed_failed(request.meta, kind)
        if kind != "robots":
            self.logger.warning("page %s failed: %s", request.url, message)
        yield from self._gone(request.meta, request.url, kind)
        yield from self._answered(request.meta, request.url, [])

    def _gone(self, meta: dict[str, Any], url: str, failure: str) -> Iterator[GonePageItem]:
        """A page that is gone (404, 410, its host no longer resolves) retires its rows,
        under its URL and any URL that redirected to it."""
        if failure in GONE:
            for page in dict.fromkeys([*meta.get("redirect_urls", ()), url]):
                yield GonePageItem(self.campaign.name, page, failure, utcnow())

    def _seed_failed(self, meta: dict[str, Any], reason: str) -> None:
        """Name the seeds that gave no page (stat ``mentionspider/seeds/failed``: url -> why)."""
        seed = meta.get("mentionspider_seed")
        if seed:
            failed = {**(self.crawler.stats.get_value("mentionspider/seeds/failed") or {}),
                      seed: reason}
            order = {url: i for i, url in enumerate(self.campaign.crawl.seeds)}
            # in the campaign's order, not the order the answers happened to come in
            self.crawler.stats.set_value("mentionspider/seeds/failed", dict(sorted(
                failed.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))))


#: Page failures that mean the page is gone (not a passing outage).
GONE = ("http_404", "http_410", "dns")


def _is_html(response: TextResponse) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    return not content_type or "html" in content_type
