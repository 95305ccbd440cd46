"""The Redis keys of a distributed sweep. One sweep per Redis database at a time."""

from __future__ import annotations

__all__ = ["PREFIX", "key", "processing", "alive", "state", "claims", "host_next",
           "host_inflight"]

PREFIX = "mentionspider:"

#: What the coordinator publishes for workers: the pickled Campaign, the settings
#: overrides (JSON), the run id, and ``done`` once the crawl is over.
CAMPAIGN = PREFIX + "campaign"
SETTINGS = PREFIX + "settings"
RUN = PREFIX + "run"
DONE = PREFIX + "done"
#: The shared request queue (a list: LPUSH in, LMOVE out) and scrapy-redis's dupefilter.
REQUESTS = PREFIX + "requests"
DUPEFILTER = PREFIX + "dupefilter"
#: Registered worker ids (a set).
WORKERS = PREFIX + "workers"
#: The frontier: admitted URLs, seed sites, pages admitted per site.
SEEN = PREFIX + "frontier:seen"
SITES = PREFIX + "frontier:sites"
PAGES = PREFIX + "frontier:pages"
#: Link-check targets claimed by some worker (each is checked once across all).
CHECKED = PREFIX + "checks"
#: Checks claimed by a worker that died before their verdict: to be claimed again.
ORPHANS = PREFIX + "checks:orphans"
#: Items on their way to the writer, and the batch the writer is writing.
ITEMS = PREFIX + "items"
WRITING = PREFIX + "items:writing"
#: The worker running search (one at a time; released when it dies), and ``search:done``
#: once that worker went idle with search over (the crawl is not over before).
SEARCHER = PREFIX + "searcher"
SEARCH_DONE = PREFIX + "search:done"
#: Scrapy stats of finished workers, summed (a hash).
STATS = PREFIX + "stats"


def key(name: str) -> str:
    return PREFIX + name


def processing(worker: str) -> str:
    """Requests a worker popped and has not finished (a list)."""
    return f"{PREFIX}processing:{worker}"


def alive(worker: str) -> str:
    """Set with a short expiry by the worker's heartbeat: gone = the worker is dead."""
    return f"{PREFIX}alive:{worker}"


def state(worker: str) -> str:
    """``busy`` or ``idle`` (nothing in flight, nothing waiting)."""
    return f"{PREFIX}state:{worker}"


def claims(worker: str) -> str:
    """Link checks a worker claimed and has not given a verdict on yet (a set)."""
    return f"{PREFIX}claims:{worker}"


def leases(worker: str) -> str:
    """Host leases a worker holds ("<inflight key> <token>" members), for its death."""
    return f"{PREFIX}leases:{worker}"


def host_next(slot: str) -> str:
    """Earliest time (ms, Redis clock) the next request to a host may start."""
    return f"{PREFIX}host:{slot}:next"


def host_inflight(slot: str) -> str:
    """Requests to a host in flight across the cluster (a sorted set: token -> expiry ms)."""
    return f"{PREFIX}host:{slot}:inflight"
