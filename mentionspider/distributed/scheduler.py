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
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from mentionspider.distributed import keys
from mentionspider.distributed.connection import RedisError, connect
from mentionspider.distributed.queue import ReliableQueue

__all__ = ["DistributedScheduler"]

logger = logging.getLogger(__name__)


class DistributedScheduler(Scheduler):
    def __init__(self, server: Any, worker: str, crawler: Any) -> None:
        super().__init__(server, persist=True, queue_key=keys.REQUESTS,
                         dupefilter=RFPDupeFilter(server, keys.DUPEFILTER))
        self.worker = worker
        self.crawler = crawler
        self.local: deque[Any] = deque()
        self.popped: dict[int, tuple[Any, bytes]] = {}  # id(request) -> (request, data)

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

    def close(self, reason: str) -> None:
        try:
            self.ack_finished()
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
        self.ack_finished()
        if self.local:
            return self.local.popleft()
        data = self.queue.pop_raw()
        if data is None:
            return None
        request = self.queue.decode(data)
        self.popped[id(request)] = (request, data)
        self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or self._queued() > 0

    def __len__(self) -> int:
        return len(self.local) + self._queued()

    def _queued(self) -> int:
        try:
            return len(self.queue)
        except RedisError as exc:
            self._lost(exc)
            return 0

    def in_flight(self) -> int:
        """Shared requests popped and not yet acknowledged."""
        return len(self.popped)

    def ack_finished(self) -> None:
        """Acknowledge the popped requests Scrapy has finished with (callback done)."""
        if not self.popped:
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        if inprogress is None:
            return
        done = [key for key, (request, _) in self.popped.items() if request not in inprogress]
        if not done:
            return
        pipe = self.server.pipeline(transaction=False)
        for key in done:
            _, data = self.popped.pop(key)
            pipe.lrem(self.queue.processing, 1, data)
        pipe.execute()
