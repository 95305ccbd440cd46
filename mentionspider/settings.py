"""Scrapy settings for mentionspider, and the MENTIONSPIDER_* defaults.

Every ``MENTIONSPIDER_*`` setting is documented here, next to its default, and
in the README's "Settings" table (a test checks both). Campaign files override
the politeness settings per run (``[crawl] delay``, ``concurrency_per_site``,
``obey_robots``); see :func:`mentionspider.spiders.sweep.apply_campaign`.
"""

from mentionspider import __version__
from mentionspider.search.brave import DEFAULT_URL as _BRAVE_URL
from mentionspider.search.results import SOCIAL_HOSTS as _SOCIAL_HOSTS

BOT_NAME = "mentionspider"
SPIDER_MODULES = ["mentionspider.spiders"]
NEWSPIDER_MODULE = "mentionspider.spiders"

# --- mentionspider's own settings --------------------------------------------------------
#: SQLite file the store pipeline writes to.
MENTIONSPIDER_DB = "mentionspider.db"
#: Campaign TOML file (or a Campaign object) when not given as ``-a campaign=...``. During a
#: sweep the spider replaces it with the loaded Campaign, which the pipelines read.
MENTIONSPIDER_CAMPAIGN = None
#: Page items written per store transaction (bigger: faster; smaller: less redone after a crash).
MENTIONSPIDER_STORE_BATCH = 100
#: Project URL shown in the User-Agent so site owners can find out who is crawling.
MENTIONSPIDER_BOT_URL = "https://github.com/mentionspider/mentionspider"
#: Most bytes of a checked link's body read for soft-404 evidence (GET checks only).
MENTIONSPIDER_LINKCHECK_MAXSIZE = 1024 * 1024
#: Link checks: retries after the first attempt (429, 5xx, timeouts, dropped connections, TLS).
MENTIONSPIDER_LINKCHECK_RETRIES = 2
#: Link checks: first wait before a retry, in seconds; it doubles on each retry.
MENTIONSPIDER_LINKCHECK_BACKOFF = 1.0
#: Link checks: longest wait before a retry; a longer ``Retry-After`` gives up (transient).
MENTIONSPIDER_LINKCHECK_RETRY_AFTER_MAX = 30.0
#: After this many checks on one host gave up (429/5xx/timeouts to the end), that host's
#: further transient answers are final at once: no more backoff against a struggling host.
#: 0 = never.
MENTIONSPIDER_LINKCHECK_HOST_GIVE_UPS = 3
#: Link checks in flight at once, all hosts together (the global cap); never more than
#: CONCURRENT_REQUESTS minus CONCURRENT_REQUESTS_PER_DOMAIN, so that the crawl keeps places.
MENTIONSPIDER_LINKCHECK_CONCURRENCY = 16
#: Link checks at once per host, and seconds between them; the campaign's ``[linkcheck]``
#: ``concurrency_per_host`` and ``delay`` override these. The checker paces requests
#: itself, so a request waiting for its host's delay holds no downloader place.
MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST = 2
MENTIONSPIDER_LINKCHECK_DELAY = 0.5
#: Soft-404 detection: probe a checked host once with a random path (only a host that
#: answered a target with a 2xx page and no target with a plain 404/410) and compare its
#: 200 answers with the page it serves for that path.
MENTIONSPIDER_LINKCHECK_SOFT404 = True
#: Also read the head and first heading of every live HTML page (the check's GET stops
#: there), so that a removed page served as "200 Page not found" is caught on any host.
#: False stops at the headers on hosts that answer unknown paths with a real 404.
MENTIONSPIDER_LINKCHECK_SOFT404_BODIES = True
#: Check links to private addresses (loopback, 10/8, 172.16/12, 192.168/16, 169.254/16,
#: fc00::/7, ``localhost``...); off, they get the verdict ``skipped: private address``
#: without a request. The campaign's ``[linkcheck] allow_private`` sets it.
MENTIONSPIDER_LINKCHECK_ALLOW_PRIVATE = False
#: Largest page analysed; bigger pages are skipped and counted (``mentionspider/pages/too_big``).
MENTIONSPIDER_PAGE_MAXSIZE = 8 * 1024 * 1024
#: URLs longer than this, or with a path segment repeated this often, are crawler traps.
MENTIONSPIDER_TRAP_MAX_URL = 500
MENTIONSPIDER_TRAP_REPEATS = 3
#: Progress while a sweep runs: "auto" (a live line on a terminal, else a log line),
#: "tty" (the live line), "log" (the log line) or "off" (``sweep --quiet``).
MENTIONSPIDER_PROGRESS = "auto"
#: Seconds between progress log lines when there is no terminal (0: none).
MENTIONSPIDER_PROGRESS_INTERVAL = 30.0

#: Search discovery: the Brave Search API's web search endpoint (tests point it elsewhere).
MENTIONSPIDER_SEARCH_BRAVE_URL = _BRAVE_URL
#: Search requests per second per provider; a provider's ``requests_per_second`` overrides.
MENTIONSPIDER_SEARCH_REQUESTS_PER_SECOND = 1.0
#: Retries of a search request after a 429, a 5xx or no answer; then the query is skipped
#: (a provider still answering 429 is stopped for the run).
MENTIONSPIDER_SEARCH_RETRIES = 2
#: Seconds before a search request's first retry (when the provider says nothing); doubles.
MENTIONSPIDER_SEARCH_BACKOFF = 2.0
#: Longest wait before retrying a search request; a longer Retry-After gives up.
MENTIONSPIDER_SEARCH_RETRY_AFTER_MAX = 30.0
#: Hosts (and their subdomains) a campaign with ``[search]`` never requests through search
#: or by link checks: social networks and user-generated content (see
#: mentionspider/search/results.py); ``[search] exclude_domains`` and the brand's domains
#: are added to it. Replace it to override.
MENTIONSPIDER_SEARCH_EXCLUDED_HOSTS = list(_SOCIAL_HOSTS)
#: Rendering (campaign ``render_js``): the Chromium executable; None finds Debian's
#: ``chromium`` (or ``chromium-browser``, ``google-chrome``) on PATH, else /usr/bin/chromium.
MENTIONSPIDER_CHROMIUM = None
#: Rendering: pages open in the browser at once (all sites together).
MENTIONSPIDER_RENDER_CONCURRENCY = 4
#: Rendering: pages one browser context renders before it is closed and a fresh one opened
#: (memory stays flat however many pages a run renders).
MENTIONSPIDER_RENDER_CONTEXT_PAGES = 50
#: Rendering: seconds for the page to load, and again for it to settle; a page that does
#: not make it is analysed from its raw HTML (counted in ``mentionspider/render/fallback``).
MENTIONSPIDER_RENDER_TIMEOUT = 15.0
#: Rendering: when a page is done: "networkidle" (no request for 500 ms) or a CSS selector
#: that must be in the DOM; a campaign's ``[crawl.sites."domain"] wait_for`` overrides it.
MENTIONSPIDER_RENDER_WAIT_FOR = "networkidle"
#: Rendering: resource types the browser never downloads (Playwright's names).
MENTIONSPIDER_RENDER_BLOCK = ["image", "font", "media"]
#: Rendering: accept any TLS certificate, as Scrapy's own downloader does (it does not
#: verify certificates either); False makes a bad certificate a render failure.
MENTIONSPIDER_RENDER_IGNORE_HTTPS_ERRORS = True

#: Distributed mode (``sweep --redis``, ``worker --redis``): the Redis URL; set by the CLI.
MENTIONSPIDER_REDIS_URL = ""
#: Distributed mode: this worker's id in Redis (host-pid); set by ``mentionspider worker``.
MENTIONSPIDER_WORKER_ID = ""
#: Distributed mode: the pid of the sweep that started this worker (0: none, a worker
#: joined with ``mentionspider worker``); the worker stops when that process is gone.
MENTIONSPIDER_WORKER_PARENT = 0
#: Distributed mode: seconds between a worker's heartbeats; a worker silent for 8 of them
#: is taken for dead and its requests go back to the queue.
MENTIONSPIDER_REDIS_HEARTBEAT = 0.5

# --- politeness (campaigns override per run) ----------------------------------------------
USER_AGENT = f"mentionspider/{__version__} (+{MENTIONSPIDER_BOT_URL})"
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 0.5
# Scrapy's Downloader, but per-host concurrency also holds at DOWNLOAD_DELAY = 0.
DOWNLOADER = "mentionspider.downloader.PerSlotDownloader"
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items and requests of one callback handled at once. Scrapy starts this many tasks for
# every callback's output; ours are few per callback (a page's items, a check's verdict)
# and the pipelines are synchronous, so 100 (Scrapy's default) only costs CPU.
CONCURRENT_ITEMS = 8

# --- robustness ----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = MENTIONSPIDER_PAGE_MAXSIZE
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DEPTH_LIMIT = 0  # the spider applies the campaign's max_depth to pages, not to link checks
DEPTH_STATS_VERBOSE = False
URLLENGTH_LIMIT = 2083
# Cookies are not needed to read public pages, and Scrapy's cookie jar would build a
# public-suffix list online. Off.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# scrapy-playwright needs Twisted's asyncio reactor. It is Scrapy's default since 2.13;
# pinned here so that no other default can change it under the renderer.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

DOWNLOADER_MIDDLEWARES = {
    # Search: providers' own paced slots; hosts a search campaign excludes are never
    # requested through search or by link checks (before the robots.txt middleware at
    # 100, so not their robots.txt either).
    "mentionspider.search.middleware.SearchRequestsMiddleware": 50,
    # Replaced: robots.txt per RFC 9309 (first 500 KiB parsed, 5xx/unreachable = disallow).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "mentionspider.robotstxt.RFC9309RobotsTxtMiddleware": 100,
    # Replaced: backoff and Retry-After for link checks, no retries of proxy DNS failures.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "mentionspider.linkcheck.middleware.LinkCheckRetryMiddleware": 550,
    "mentionspider.linkcheck.middleware.LinkCheckSlotsMiddleware": 560,
    # Before robots.txt (100): no request of any kind to a private address.
    "mentionspider.linkcheck.middleware.PrivateAddressMiddleware": 50,
    # Rendered pages: a page the browser fails to render is analysed from its raw HTML.
    "mentionspider.render.middleware.RenderFallbackMiddleware": 580,
}

EXTENSIONS = {
    # Link checks: one component per crawl that any spider reaches with LinkChecker.of().
    "mentionspider.linkcheck.checker.LinkChecker": 500,
    "mentionspider.progress.ProgressExtension": 510,
}

ITEM_PIPELINES = {
    "pipelines.dedupe.DedupePipeline": 100,
    "pipelines.classify.ClassifyPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
