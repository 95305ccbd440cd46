"""Per-host delay and concurrency across every worker, through Redis.

scrapy-redis has no politeness of its own: N workers would each keep their own
delay and hit a site N times as hard. :class:`HostLeaseMiddleware` makes every
request take a lease on its host (its download slot: ``host`` for pages,
``check:host`` for link checks) from Redis before it goes out:

- at most ``concurrency`` leases of one host are out at once, cluster-wide (a dead
  worker's leases are given back with its requests, and each expires after
  ``DOWNLOAD_TIMEOUT`` plus a margin anyway);
- a lease is granted no sooner than ``delay`` seconds after the previous one was
  granted *and* after the previous request to the host got its answer, by the
  Redis server's clock. So when answers come back faster than the delay, as
  from most sites, requests to one host arrive at least ``delay`` apart however
  many workers there are.

The campaign's ``[crawl] delay``/``concurrency_per_site`` apply to pages and its
``[linkcheck] delay``/``concurrency_per_host`` to link checks. Workers turn
their local Scrapy delay off (see :mod:`.spider`): the lease is the delay.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from mentionspider.distributed import keys
from mentionspider.distributed.connection import RedisError, connect
from mentionspider.linkcheck.middleware import is_check

__all__ = ["HostLeaseMiddleware", "LEASE_META"]

logger = logging.getLogger(__name__)

#: Request meta key: (slot, token) of the lease a request holds.
LEASE_META = "mentionspider_lease"

#: KEYS: next, inflight, leases:<worker>. ARGV: token, delay ms, concurrency, lease ms.
#: Returns how many ms to wait before asking again, or minus the time (ms, Redis clock)
#: the lease was granted at.
ACQUIRE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if nxt > now then return nxt - now end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 20 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SADD', KEYS[3], KEYS[2] .. ' ' .. ARGV[1])
redis.call('SET', KEYS[1], now + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) + 1000)
return -now
"""

#: KEYS: next, inflight, leases:<worker>. ARGV: token, delay ms. The answer is in: the next request to
#: the host waits ``delay`` from now (or longer, if a later lease set it so).
RELEASE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], KEYS[2] .. ' ' .. ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = now + tonumber(ARGV[2])
if want > nxt then redis.call('SET', KEYS[1], want, 'PX', tonumber(ARGV[2]) + 1000) end
return 0
"""


class HostLeaseMiddleware:
    def __init__(self, crawler: Any, server: Any) -> None:
        self.crawler = crawler
        self.server = server
        self.leases = keys.leases(crawler.settings.get("MENTIONSPIDER_WORKER_ID"))
        self.lease_ms = int((crawler.settings.getfloat("DOWNLOAD_TIMEOUT") + 30) * 1000)
        self._acquire = server.register_script(ACQUIRE_SCRIPT)
        self._release = server.register_script(RELEASE_SCRIPT)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "HostLeaseMiddleware":
        url = crawler.settings.get("MENTIONSPIDER_REDIS_URL")
        if not url:
            raise NotConfigured("MENTIONSPIDER_REDIS_URL is empty")
        return cls(crawler, connect(url))

    def _policy(self, request: Request) -> tuple[str, int, int]:
        """(slot, delay ms, concurrency) for ``request``."""
        campaign = self.crawler.spider.campaign
        host = (urlsplit(request.url).hostname or "").lower()
        if is_check(request):
            return (f"check:{host}", int(campaign.linkcheck.delay * 1000),
                    campaign.linkcheck.concurrency_per_host)
        return host, int(campaign.crawl.delay * 1000), campaign.crawl.concurrency_per_site

    async def process_request(self, request: Request) -> None:
        slot, delay_ms, concurrency = self._policy(request)
        token = uuid.uuid4().hex
        waited = 0
        while True:
            try:
                wait_ms = int(self._acquire(keys=[keys.host_next(slot), keys.host_inflight(slot),
                                                  self.leases],
                                            args=[token, delay_ms, concurrency, self.lease_ms]))
            except RedisError as exc:  # no lease without Redis: the worker stops
                from mentionspider.distributed.spider import lost_redis

                lost_redis(self.crawler, exc)
                raise IgnoreRequest("lost Redis") from None
            if wait_ms <= 0:
                break
            waited += wait_ms
            await asyncio.sleep(wait_ms / 1000)
        if waited:
            self.crawler.stats.inc_value("mentionspider/distributed/lease_waits")
        # the moment the request leaves, by the one clock all workers share
        logger.debug("lease on %s granted at %d ms (Redis clock)", slot, -wait_ms)
        request.meta[LEASE_META] = (slot, token, delay_ms)

    def _give_back(self, request: Request) -> None:
        lease = request.meta.pop(LEASE_META, None)
        if lease:
            slot, token, delay_ms = lease
            try:
                self._release(keys=[keys.host_next(slot), keys.host_inflight(slot), self.leases],
                              args=[token, delay_ms])
            except RedisError as exc:
                from mentionspider.distributed.spider import lost_redis

                lost_redis(self.crawler, exc)

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._give_back(request)
