"""scrapy-redis's scheduler, with a reliable queue and local link-check chains.

- Page requests (the spider's ``parse_page`` callback) go to the shared queue in
  Redis, through scrapy-redis's dupefilter; any worker may fetch them.
- Every other request (a link check's HEAD, GET and retries, a soft-404 probe)
  stays in this worker's memory: those chains carry per-worker state (the cap on
  checks in flight, a host's soft-404 profile, checks parked for a probe). Each
  check target is claimed once across all workers (:mod:`.frontier`).
- A popped page request is acknowledged (removed from this worker's processing
  list) only once Scrapy is done with it: its callback ran and its items and new
  requests reached Redis. A worker killed before that leaves it for
  :func:`~.queue.requeue_dead`.
- Requests of one site sit together in the shared queue (a level's links are queued
  at once), so handing them out in queue order left most of a worker's concurrency
  waiting for host leases. A worker pops up to :data:`AHEAD` page requests ahead (into
  its processing list, as any popped request) and hands out first one whose host has
  room: fewer of this worker's requests to it in flight than its share of the site's
  ``concurrency_per_site`` (divided among the registered workers). It pops
  :data:`POP_BATCH` at a time, in one round trip.
- Acknowledgements wait for :data:`ACK_BATCH` finished pages (or :data:`ACK_WAIT`
  seconds, or nothing to hand out, or the heartbeat). Then the pages' levels are
  answered in one script call (:meth:`WorkerSpider.send_answers`, which queues the
  next level of each level they complete), and the acknowledgement goes in one
  transaction with the pages' items, stats and given-back host leases (:mod:`.outbox`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from typing import Any
from urllib.parse import urlsplit

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from mentionspider.distributed import keys
from mentionspider.distributed.connection import RedisError, connect
from mentionspider.distributed.frontier import SEEN, RedisFrontier
from mentionspider.distributed.politeness import Lease
from mentionspider.distributed.queue import ReliableQueue

__all__ = ["DistributedScheduler"]

logger = logging.getLogger(__name__)

#: Page requests a worker pops ahead of Scrapy, to pick one for a host with room.
AHEAD = 64
#: Page requests popped in one round trip.
POP_BATCH = 8
#: Finished pages acknowledged together (sooner after ACK_WAIT seconds).
ACK_BATCH, ACK_WAIT = 8, 0.05


class DistributedScheduler(Scheduler):
    def __init__(self, server: Any, worker: str, crawler: Any) -> None:
        super().__init__(server, persist=True, queue_key=keys.REQUESTS,
                         dupefilter=RFPDupeFilter(server, keys.DUPEFILTER))
        self.worker = worker
        self.crawler = crawler
        self.local: deque[Any] = deque()
        self.popped: dict[int, tuple[Any, bytes, str]] = {}  # id -> (request, data, host)
        self.held: list[tuple[Any, bytes, str]] = []  # popped ahead, not handed out yet
        self.busy: Counter[str] = Counter()  # popped requests handed out, by host
        self.workers, self._workers_at = 1, 0.0
        self.finished: list[bytes] = []  # popped, finished, not acknowledged yet
        self._acked_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DistributedScheduler":
        settings = crawler.settings
        server = connect(settings.get("MENTIONSPIDER_REDIS_URL"))
        scheduler = cls(server, settings.get("MENTIONSPIDER_WORKER_ID"), crawler)
        scheduler.stats = crawler.stats
        return scheduler

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = ReliableQueue(self.server, spider, self.queue_key, worker=self.worker)
        self.lease = Lease(self.server, self.worker)

    def close(self, reason: str) -> None:
        try:
            self.ack_finished()
            self._give_back_held()
        except RedisError:
            pass  # Redis is gone: the requests go back when a sweep resumes

    def _lost(self, exc: BaseException) -> None:
        from mentionspider.distributed.spider import lost_redis

        lost_redis(self.crawler, exc)

    # --- in -----------------------------------------------------------------------------
    def _shared(self, request: Any) -> bool:
        return getattr(request.callback, "__name__", "") == "parse_page"

    def enqueue_request(self, request: Any) -> bool:
        try:
            return self._enqueue(request)
        except RedisError as exc:
            self._lost(exc)
            return False

    def _enqueue(self, request: Any) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.crawler.stats.inc_value("mentionspider/distributed/duplicates")
            return False
        if self._shared(request):
            self.queue.push(request)
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
        else:
            self.local.append(request)
            self.crawler.stats.inc_value("scheduler/enqueued/memory")
        return True

    # --- out ----------------------------------------------------------------------------
    def next_request(self) -> Any:
        try:
            return self._next()
        except RedisError as exc:
            self._lost(exc)
            return None

    def _next(self) -> Any:
        self.ack_finished(force=False)
        request = self._pick()
        if request is None:  # nothing goes out now: tell Redis what is done at once
            self.ack_finished()
        return request

    def _pick(self) -> Any:
        if self.local:
            return self.local.popleft()
        share = max(1, self.spider.campaign.crawl.concurrency_per_site // self._workers())
        for i, (request, data, host) in enumerate(self.held):
            if self.busy[host] < share:
                del self.held[i]
                return self._hand_out(request, data, host)
        while len(self.held) < AHEAD:
            popped = self.queue.pop_many(min(POP_BATCH, AHEAD - len(self.held)))
            chosen = None
            for data in popped:
                request = self.queue.decode(data)
                host = _host(request)
                if chosen is None and self.busy[host] < share:
                    chosen = (request, data, host)
                else:
                    self.held.append((request, data, host))
            if chosen is not None:
                return self._hand_out(*chosen)
            if len(popped) < POP_BATCH:
                break  # the queue is empty
        return None  # every host with a request here is busy: asked again as answers come

    def _hand_out(self, request: Any, data: bytes, host: str) -> Any:
        self.popped[id(request)] = (request, data, host)
        self.busy[host] += 1
        self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _workers(self) -> int:
        """The registered workers, looked up at most once a second."""
        now = time.monotonic()
        if now - self._workers_at >= 1:
            self.workers, self._workers_at = max(1, int(self.server.scard(keys.WORKERS))), now
        return self.workers

    def _give_back_held(self) -> None:
        """Requests popped ahead and never handed out go back to the head of the queue."""
        if not self.held:
            return
        pipe = self.server.pipeline()
        for _, data, _ in reversed(self.held):
            pipe.lrem(self.queue.processing, 1, data)
            pipe.rpush(self.queue.key, data)
        pipe.execute()
        self.held = []

    def has_pending_requests(self) -> bool:
        return bool(self.local) or bool(self.held) or self._queued() > 0

    def __len__(self) -> int:
        return len(self.local) + len(self.held) + self._queued()

    def _queued(self) -> int:
        try:
            return len(self.queue)
        except RedisError as exc:
            self._lost(exc)
            return 0

    def in_flight(self) -> int:
        """Shared requests popped and not yet acknowledged."""
        return len(self.popped)

    def ack_finished(self, force: bool = True) -> None:
        """Acknowledge the popped requests Scrapy has finished with (callback done), in one
        transaction after what the worker owes Redis for them: their items, seen marks and
        given-back host leases. ``force=False``: only once :data:`ACK_BATCH` are finished
        or :data:`ACK_WAIT` seconds went by."""
        if self.popped:
            slot = getattr(self.crawler.engine, "_slot", None)
            inprogress = getattr(slot, "inprogress", None)
            if inprogress is not None:
                for key in [key for key, (request, _, _) in self.popped.items()
                            if request not in inprogress]:
                    _, data, host = self.popped.pop(key)
                    self.busy[host] -= 1  # its host has room again, acknowledged or not
                    self.finished.append(data)
        spider = self.spider
        frontier = spider.frontier if isinstance(spider.frontier, RedisFrontier) else None
        if not (self.finished or spider.outbox or spider.answers
                or (frontier is not None and frontier.pending)):
            return
        now = time.monotonic()
        if not force and len(self.finished) < ACK_BATCH and now - self._acked_at < ACK_WAIT:
            return
        self._acked_at = now
        spider.send_answers()  # their levels answered, the next levels queued: then the ack
        pipe = self.server.pipeline(transaction=True)
        marks = frontier.take_seen() if frontier is not None else []  # (not sent with answers)
        if marks:
            pipe.sadd(SEEN, *marks)
        spider.outbox.send(pipe, self.lease)
        spider.send_stats(pipe)
        for data in self.finished:
            pipe.lrem(self.queue.processing, 1, data)
        pipe.execute()
        self.finished = []


def _host(request: Any) -> str:
    return (urlsplit(request.url).hostname or "").lower()
