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

A lease is given back with the worker's next round trip that carries leases (its next
lease taken, or its next acknowledgement of finished pages: :mod:`.outbox`), not with
one of its own: the host is held a little past its answer, never less.

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

__all__ = ["HostLeaseMiddleware", "Lease", "LEASE_META"]

logger = logging.getLogger(__name__)

#: Request meta key: (slot, token) of the lease a request holds.
LEASE_META = "mentionspider_lease"

#: KEYS: leases:<worker>, then (next, inflight) of each lease given back, then (next,
#: inflight) of the host to take a lease on, if any. ARGV: how many are given back, their
#: (token, delay ms), then the new lease's token, delay ms, concurrency, lease ms.
#: Gives the leases back (the answer is in: the next request to that host waits
#: ``delay`` from now, or longer if a later lease set it so), then asks for the new
#: one: returns how many ms to wait before asking again, or minus the time (ms, Redis
#: clock) the lease was granted at; 0 when there was none to ask for.
LEASE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local given = tonumber(ARGV[1])
for i = 1, given do
  local nxt_key, inflight, token = KEYS[2 * i], KEYS[2 * i + 1], ARGV[2 * i]
  local delay = tonumber(ARGV[2 * i + 1])
  redis.call('ZREM', inflight, token)
  redis.call('SREM', KEYS[1], inflight .. ' ' .. token)
  local want = now + delay
  if want > tonumber(redis.call('GET', nxt_key) or '0') then
    redis.call('SET', nxt_key, want, 'PX', delay + 1000) end
end
local at = 2 * given + 2
if #KEYS < at then return 0 end
local token, delay = ARGV[at], tonumber(ARGV[at + 1])
local concurrency, lease = tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3])
redis.call('ZREMRANGEBYSCORE', KEYS[at + 1], '-inf', now)
local nxt = tonumber(redis.call('GET', KEYS[at]) or '0')
if nxt > now then return nxt - now end
if redis.call('ZCARD', KEYS[at + 1]) >= concurrency then return 20 end
redis.call('ZADD', KEYS[at + 1], now + lease, token)
redis.call('SADD', KEYS[1], KEYS[at + 1] .. ' ' .. token)
redis.call('SET', KEYS[at], now + delay, 'PX', delay + 1000)
return -now
"""


class Lease:
    """The lease script, for one worker: ``call(given_back, wanted)``, one round trip."""

    def __init__(self, server: Any, worker: str) -> None:
        self.leases = keys.leases(worker)
        self.script = server.register_script(LEASE_SCRIPT)

    def call(self, given_back: list[tuple[str, str, int]],
             wanted: tuple[str, str, int, int, int] | None, client: Any = None) -> int:
        """Give back ``given_back`` leases ``(slot, token, delay ms)``, then ask for
        ``wanted`` ``(slot, token, delay ms, concurrency, lease ms)``: ms to wait, or minus
        the time granted; 0 without ``wanted``."""
        names: list[str] = [self.leases]
        args: list[Any] = [len(given_back)]
        for slot, token, delay_ms in given_back:
            names += [keys.host_next(slot), keys.host_inflight(slot)]
            args += [token, delay_ms]
        if wanted is not None:
            slot, token, delay_ms, concurrency, lease_ms = wanted
            names += [keys.host_next(slot), keys.host_inflight(slot)]
            args += [token, delay_ms, concurrency, lease_ms]
        return self.script(keys=names, args=args, client=client)  # type: ignore[no-any-return]


class HostLeaseMiddleware:
    def __init__(self, crawler: Any, server: Any) -> None:
        self.crawler = crawler
        self.server = server
        self.lease = Lease(server, crawler.settings.get("MENTIONSPIDER_WORKER_ID"))
        self.lease_ms = int((crawler.settings.getfloat("DOWNLOAD_TIMEOUT") + 30) * 1000)

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
        outbox = self.crawler.spider.outbox
        waited = 0
        while True:
            try:  # leases given back since the last call go in the same round trip
                wait_ms = int(self.lease.call(outbox.take_releases(),
                                              (slot, token, delay_ms, concurrency,
                                               self.lease_ms)))
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
        """The answer is in: the lease goes back with this worker's next round trip that
        carries leases (see :mod:`.outbox`)."""
        lease = request.meta.pop(LEASE_META, None)
        if lease:
            self.crawler.spider.outbox.release(*lease)

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._give_back(request)
