"""The sweep spider as a worker: the same spider, with its state shared in Redis.

Only four things differ from a single-process sweep: the frontier and the
link-check claims live in Redis (:mod:`.frontier`), every worker's ``start()``
offers the seeds (the shared frontier admits each once), a page's request goes onto
the shared queue in the same atomic step that admits it (so a worker killed at any
point loses no page: see :meth:`WorkerSpider._push`), and the spider stays
open while the cluster has work (:mod:`.cluster` decides when it is over). A
heartbeat (every ``MENTIONSPIDER_REDIS_HEARTBEAT`` seconds) keeps the worker
registered, says whether it is idle, hands it orphaned link checks and wakes the
engine when other workers queued requests.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import scrapy

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from mentionspider.analysis.urls import site_of
from mentionspider.distributed import keys
from mentionspider.distributed.connection import RedisError, connect
from mentionspider.distributed.frontier import CheckClaims, RedisFrontier, RedisLevels
from mentionspider.distributed.outbox import Outbox
from mentionspider.frontier import Frontier
from mentionspider.linkcheck.checker import LinkChecker
from mentionspider.render.requests import DEPTH_META
from mentionspider.spiders.sweep import SweepSpider

__all__ = ["WorkerSpider", "QuietAfterLoss", "lost_redis"]

logger = logging.getLogger(__name__)

#: A page offered to the shared frontier: (url, kind, level, request); see _push.
Entry = tuple[str, str, "tuple[str, int] | None", scrapy.Request]

#: KEYS: orphans, state:<worker>. Taking an orphaned check makes the worker busy.
ORPHAN_SCRIPT = """
local url = redis.call('RPOP', KEYS[1])
if url then redis.call('SET', KEYS[2], 'busy') end
return url
"""

#: KEYS: processing:<worker>, state:<worker>, searcher, search done. ARGV: worker. Idle
#: only with nothing popped; the searcher idle has no search left: search is done.
IDLE_SCRIPT = """
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('SET', KEYS[2], 'idle')
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('SET', KEYS[4], '1') end
return 1
"""

#: KEYS: searcher, search done, state:<worker>. ARGV: worker. Takes the search role if
#: search is not done and no live worker has it; the worker is then busy.
SEARCHER_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('SET', KEYS[3], 'busy')
return 1
"""


class WorkerSpider(SweepSpider):
    name = "sweep"
    server: Any
    worker: str
    redis_lost: bool
    redis_error: str
    closing: bool
    _idle_script: Any
    _take_orphan: Any
    _take_search: Any
    _beat: Any
    outbox: Outbox
    #: pages answered, not yet told to Redis: (level, url, links, meta kept for follow)
    answers: list[tuple[tuple[str, int], str, list[str], dict[str, Any]]]
    _stats_sent: dict[str, int]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "WorkerSpider":
        spider: WorkerSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore
        settings = crawler.settings
        # Politeness is the cluster's (HostLeaseMiddleware): no local delay on top, and
        # local slots wide enough never to hold a request that holds a host lease.
        wide = settings.getint("CONCURRENT_REQUESTS")
        for name, value in (("DOWNLOAD_DELAY", 0), ("CONCURRENT_REQUESTS_PER_DOMAIN", wide),
                            ("MENTIONSPIDER_LINKCHECK_DELAY", 0),
                            ("MENTIONSPIDER_LINKCHECK_CONCURRENCY_PER_HOST", wide)):
            settings.set(name, value, priority="cmdline")
        spider.server = connect(settings.get("MENTIONSPIDER_REDIS_URL"))
        spider.worker = settings.get("MENTIONSPIDER_WORKER_ID")
        spider.levels = RedisLevels(spider.server)
        spider.redis_lost = False
        spider.redis_error = ""
        spider.closing = False
        spider.outbox = Outbox(spider.worker)
        spider.answers = []
        spider._stats_sent = {}
        spider._idle_script = spider.server.register_script(IDLE_SCRIPT)
        spider._take_orphan = spider.server.register_script(ORPHAN_SCRIPT)
        spider._take_search = spider.server.register_script(SEARCHER_SCRIPT)
        crawler.signals.connect(spider._worker_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._worker_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._worker_closed, signal=signals.spider_closed)
        return spider

    def make_frontier(self) -> Frontier:
        settings = self.crawler.settings
        return RedisFrontier(
            self.server, (site_of(url) for url in self.campaign.crawl.seeds),
            max_pages_per_site=self.campaign.crawl.max_pages_per_site,
            max_url_length=settings.getint("MENTIONSPIDER_TRAP_MAX_URL"),
            max_repeats=settings.getint("MENTIONSPIDER_TRAP_REPEATS"))

    async def start(self) -> AsyncIterator[Any]:
        """The seeds (each admitted once, cluster-wide) and, in one worker only, search."""
        searcher = self._searcher()
        self.frontier = self.make_frontier()
        self.setup_search()
        seeds = [self._entry(url, "seed", (site_of(url), 0), seed=True)
                 for url in self.campaign.crawl.seeds]
        for answer in self._push(seeds):
            if answer not in (None, "seen"):  # more seeds on one site than its page budget
                self.crawler.stats.inc_value(f"mentionspider/frontier/{answer}")
                self.crawler.stats.inc_value("mentionspider/frontier/seeds_skipped")
        if searcher:
            for request in self.search_start():
                yield request

    def _searcher(self) -> bool:
        """Take the search role if search is to run and no live worker has it."""
        if self.campaign.search is None:
            return False
        return bool(self._take_search(keys=[keys.SEARCHER, keys.SEARCH_DONE,
                                            keys.state(self.worker)], args=[self.worker]))

    def result_pages(self, pages: list[Any]) -> Iterator[scrapy.Request]:
        """Search result pages, admitted (as seeds) and queued in one step, as seeds."""
        assert self.frontier is not None
        kind = "search" if self.campaign.search and self.campaign.search.crawl_depth else "seed"
        depth = self.campaign.search.crawl_depth if self.campaign.search else 0
        entries = [self._entry(page.url, kind, None, page.source, depth) for page in pages]
        for answer in self._push(entries):
            if answer is not None:
                self.crawler.stats.inc_value(f"mentionspider/search/dropped/{answer}")
        yield from ()

    # --- pages: admitted and queued in one step ----------------------------------------
    def _entry(self, url: str, kind: str, level: tuple[str, int] | None = None,
               source: str = "seed", max_depth: int | None = None, *, seed: bool = False
               ) -> Entry | None:
        """A page to offer to :meth:`_push`: ``(url, kind, level, request)``, or None when
        Scrapy refuses its URL."""
        assert self.frontier is not None
        request = self._page_request(self.frontier.canonical(url), source, max_depth, seed=seed)
        return None if request is None else (url, kind, level, request)

    def _push(self, offered: Sequence[Entry | None],
              release: tuple[str, int] | None = None) -> list[str | None]:
        """Admit ``pages`` ``(url, kind, level, request)`` and queue the admitted ones'
        requests in Redis, in one atomic step (:meth:`RedisFrontier.queue`); they are not
        yielded to Scrapy. Admitting first and pushing after (as Scrapy's scheduler would)
        leaves a gap: a worker killed in it would lose the page and all it leads to."""
        frontier = self.frontier
        scheduler = self._scheduler()
        assert isinstance(frontier, RedisFrontier) and scheduler is not None
        pages = [entry for entry in offered if entry is not None]
        if not pages and release is None:
            return []
        entries = []
        for url, kind, level, request in pages:
            if level is not None:
                request.meta["mentionspider_level"] = level
                request.meta["depth"] = level[1]
            entries.append((url, kind, level, scheduler.queue.encode(request)))
        answers = frontier.queue(entries, release)
        if queued := answers.count(None):
            self.crawler.stats.inc_value("scheduler/enqueued/redis", queued)
            self._wake()
        return answers

    def _wake(self) -> None:
        """Have the engine ask the scheduler for requests now. Scrapy has no public call
        for it (``engine.crawl`` does it for a request it is given; ours are already in
        Redis), so this is the one place that schedules the engine's private slot's next
        call. (The scheduler's ``ack_finished`` reads that slot's ``inprogress`` too.)"""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def _answered(self, meta: dict[str, Any], url: str, links: list[str]) -> Iterator[Any]:
        level = meta.get("mentionspider_level")
        if level is None:  # a page found by search: followed at once
            yield from self._follow(links, None, meta)
            return
        # told to Redis with the answers of other pages, before the page is acknowledged
        # (DistributedScheduler.ack_finished calls send_answers)
        kept: dict[str, Any] = {k: meta[k] for k in ("mentionspider_source",
                                                     "mentionspider_max_depth") if k in meta}
        site, depth = level
        self.answers.append(((site, int(depth)), url, links, kept))
        yield from ()

    def send_answers(self) -> None:
        """Tell Redis that the pages answered since the last call are answered (one
        round trip, with the pages' seen marks), and queue the next level of each level
        they complete. Before those pages are acknowledged: a worker killed before has
        them fetched again, one killed after queueing had queued all it owed."""
        if not self.answers:
            return
        answers, self.answers = self.answers, []
        assert isinstance(self.levels, RedisLevels)
        assert isinstance(self.frontier, RedisFrontier)
        released = self.levels.release_many(
            [(level[0], level[1], url, links) for level, url, links, _ in answers],
            seen=self.frontier.take_seen())
        for (level, _, _, meta), links in zip(answers, released):
            if links is not None:  # the level is complete: queue the next one
                for _ in self._follow(links, level, meta):
                    pass

    def _follow(self, links: list[str], level: tuple[str, int] | None,
                meta: dict[str, Any]) -> Iterator[scrapy.Request]:
        assert isinstance(self.frontier, RedisFrontier)
        pages = []
        for url in self.frontier.unseen(links):
            entry = self._entry(url, "page", None if level is None else (level[0], level[1] + 1),
                                meta.get("mentionspider_source", "seed"),
                                meta.get("mentionspider_max_depth"))
            if entry is not None and level is None:  # no level: one deeper than its page
                entry[3].meta["depth"] = int(meta.get(DEPTH_META, meta.get("depth", 0))) + 1
            pages.append(entry)
        for answer in self._push(pages, release=level):
            if answer not in (None, "offsite", "seen"):
                self.crawler.stats.inc_value(f"mentionspider/frontier/{answer}")
        yield from ()

    def _contacts(self, urls: list[str], source: str, depth: int) -> Iterator[scrapy.Request]:
        queued = self._push([self._entry(url, "contact", None, source, depth)
                             for url in urls]).count(None)
        if queued:
            self.crawler.stats.inc_value("mentionspider/frontier/contact_pages", queued)
        yield from ()

    # --- lifecycle ------------------------------------------------------------------------
    def _worker_opened(self) -> None:
        quiet = QuietAfterLoss(self.crawler)  # on the handlers Scrapy installed for this crawl
        for handler in logging.getLogger().handlers:
            handler.addFilter(quiet)
        checker = LinkChecker.of(self.crawler)
        checker.checked = CheckClaims(self.server, self.worker)  # type: ignore[assignment]
        pipe = self.server.pipeline()
        pipe.sadd(keys.WORKERS, self.worker)
        pipe.set(keys.state(self.worker), "busy")
        pipe.set(keys.alive(self.worker), "1", px=self._ttl_ms())
        pipe.execute()
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(self.crawler.settings.getfloat("MENTIONSPIDER_REDIS_HEARTBEAT"))

    def _ttl_ms(self) -> int:
        return int(self.crawler.settings.getfloat("MENTIONSPIDER_REDIS_HEARTBEAT") * 1000 * 8)

    def _scheduler(self) -> Any:
        slot = getattr(self.crawler.engine, "_slot", None)
        return getattr(slot, "scheduler", None)

    def _idle_here(self) -> bool:
        checker = LinkChecker.of(self.crawler)
        waiting = bool(checker.retrying or checker.pacer.waiting() or checker.parked
                       or checker.out or checker.in_flight)
        return self.crawler.engine.spider_is_idle() and not waiting

    def lost_redis(self, exc: BaseException | None) -> None:
        """A call to Redis failed: Redis is gone. Stop; nothing more this worker logs is
        shown (:class:`QuietAfterLoss`): the one line saying so is the CLI's (the sweep's,
        for the workers it started)."""
        if self.redis_lost:
            return
        self.redis_lost = True
        url = self.crawler.settings.get("MENTIONSPIDER_REDIS_URL")
        self.redis_error = f"lost Redis at {url}: {exc}" if exc else f"lost Redis at {url}"
        self._close("redis_lost")

    def _heartbeat(self) -> None:
        try:
            self._beat_once()
        except RedisError as exc:
            self.lost_redis(exc)

    def _beat_once(self) -> None:
        scheduler = self._scheduler()
        if scheduler is not None:
            scheduler.ack_finished()
        pipe = self.server.pipeline()
        self.send_stats(pipe)  # a worker killed later has its counts in Redis up to here
        pipe.set(keys.alive(self.worker), "1", px=self._ttl_ms())
        pipe.get(keys.DONE)
        pipe.sismember(keys.WORKERS, self.worker)
        *_, done, registered = pipe.execute()
        parent = self.crawler.settings.getint("MENTIONSPIDER_WORKER_PARENT")
        if parent and os.getppid() != parent:  # the sweep that started us is gone
            logger.error("worker %s: its sweep (pid %d) is gone; stopping", self.worker, parent)
            self._close("sweep_gone")
            return
        if not registered:  # taken for dead (paused too long): our work went back
            logger.error("worker %s was taken for dead; stopping", self.worker)
            self._close("taken_for_dead")
            return
        if done:
            self._close("finished")
            return
        if isinstance(self.frontier, RedisFrontier):
            self.frontier.refresh()
        if self.frontier is not None and self._searcher():  # the searcher died: search here
            for out in self.search_start():
                if isinstance(out, scrapy.Request):
                    self.crawler.engine.crawl(out)
                else:  # an answer to cache: as the item pipeline would send it
                    self.server.lpush(keys.ITEMS, pickle.dumps(out, pickle.HIGHEST_PROTOCOL))
        checker = LinkChecker.of(self.crawler)
        for _ in range(self.crawler.settings.getint("CONCURRENT_REQUESTS")):
            url = self._take_orphan(keys=[keys.ORPHANS, keys.state(self.worker)])
            if url is None:
                break  # a dead worker's unfinished check: checked here instead
            # check() hands back (and empties) checker.out: ``out += check()`` doubled it
            requests = checker.check(url.decode())
            checker.out += requests
            checker._flush()
        if scheduler is not None and scheduler.has_pending_requests():
            # Others queued pages (or a dead worker's came back): go get them. Not only
            # when idle: Scrapy counts a queue with requests as "not idle" and would
            # look again only at its own 5-second heartbeat.
            self._wake()
        elif self._idle_here():
            self._idle_script(keys=[keys.processing(self.worker), keys.state(self.worker),
                                    keys.SEARCHER, keys.SEARCH_DONE], args=[self.worker])

    def send_stats(self, pipe: Any) -> None:
        """Add to the cluster's stats (a hash the summary reads) what this worker's counted
        since it last did, on ``pipe``: with every acknowledgement of finished pages, every
        heartbeat and at the end, so a worker killed at any point has counted every page
        it finished."""
        for name, value in self.crawler.stats.get_stats().items():
            if isinstance(value, int) and not isinstance(value, bool):
                if value != self._stats_sent.get(name, 0):
                    pipe.hincrby(keys.STATS, name, value - self._stats_sent.get(name, 0))
                    self._stats_sent[name] = value

    def _close(self, reason: str) -> None:
        if not self.closing and self.crawler.engine.spider is not None:
            self.closing = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _worker_idle(self) -> None:
        if self.redis_lost:
            return
        raise DontCloseSpider  # the coordinator says when the crawl is over

    def _worker_closed(self, reason: str) -> None:
        if getattr(self, "_beat", None) is not None and self._beat.running:
            self._beat.stop()
        if self.redis_lost:
            return
        try:
            pipe = self.server.pipeline()
            self.send_stats(pipe)
            if reason == "finished":
                pipe.srem(keys.WORKERS, self.worker)
                pipe.delete(keys.alive(self.worker), keys.state(self.worker))
            pipe.execute()
        except RedisError as exc:
            self.lost_redis(exc)


def lost_redis(crawler: Any, exc: BaseException) -> None:
    """Tell the worker spider of ``crawler`` that a call to Redis failed."""
    spider = getattr(crawler, "spider", None)
    if isinstance(spider, WorkerSpider):
        spider.lost_redis(exc)


class QuietAfterLoss(logging.Filter):
    """On a worker's log handlers: a record carrying a Redis error means Redis is gone
    (the worker stops, see :meth:`WorkerSpider.lost_redis`); from then on nothing is
    shown, so losing Redis is one line, not a traceback per request in flight."""

    def __init__(self, crawler: Any) -> None:
        super().__init__()
        self.crawler = crawler

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, RedisError):
            lost_redis(self.crawler, exc)
            return False
        spider = getattr(self.crawler, "spider", None)
        return not (isinstance(spider, WorkerSpider) and spider.redis_lost)
