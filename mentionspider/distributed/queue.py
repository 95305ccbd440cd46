"""The shared request queue: a Redis list with one processing list per worker.

A worker pops with ``LMOVE requests -> processing:<worker>`` (atomic, and marks the
worker busy in the same script), and removes the entry only when the request's
callback has run and its items and follow-up requests are in Redis (:meth:`ack`).
A worker that dies leaves its processing list behind; :func:`requeue_dead` puts it
back at the head of the queue, so no URL is lost (some may be fetched twice; the
writer's upserts make that harmless).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy import Request
from scrapy_redis.queue import Base

from mentionspider.distributed import keys

__all__ = ["ReliableQueue", "requeue_dead", "POP_SCRIPT"]

#: KEYS: requests, processing:<worker>, state:<worker>. ARGV: how many. Pops up to that
#: many of the oldest requests, oldest first.
POP_SCRIPT = """
local popped = {}
for i = 1, tonumber(ARGV[1]) do
  local data = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not data then break end
  popped[i] = data
end
if #popped > 0 then redis.call('SET', KEYS[3], 'busy') end
return popped
"""

#: KEYS: processing:<dead>, requests, workers, alive:<dead>, state:<dead>, claims:<dead>,
#: checks, orphans, leases:<dead>, searcher; ARGV: the dead worker's id. Gives everything
#: back, atomically: its requests, its unfinished checks, its host leases, the search
#: role (another worker takes it up and runs search again).
REQUEUE_SCRIPT = """
local moved = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'RIGHT') do moved = moved + 1 end
for _, url in ipairs(redis.call('SMEMBERS', KEYS[6])) do
  redis.call('SREM', KEYS[7], url)
  redis.call('LPUSH', KEYS[8], url)
end
for _, lease in ipairs(redis.call('SMEMBERS', KEYS[9])) do
  local at = string.find(lease, ' ', 1, true)
  redis.call('ZREM', string.sub(lease, 1, at - 1), string.sub(lease, at + 1))
end
redis.call('DEL', KEYS[6], KEYS[4], KEYS[5], KEYS[9])
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[10]) == ARGV[1] then redis.call('DEL', KEYS[10]) end
return moved
"""


class ReliableQueue(Base):
    """scrapy-redis queue interface (push, pop, len, clear) plus :meth:`ack`.

    Requests are pickled (scrapy-redis's default serializer): callbacks must be
    spider methods and meta plain data.
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None,
                 worker: str = "") -> None:
        super().__init__(server, spider, key, serializer)
        self.worker = worker or "worker"
        self.processing = keys.processing(self.worker)
        self._pop = server.register_script(POP_SCRIPT)
        self._names: dict[Any, str] = {}

    def _name(self, method: Callable[..., Any] | None) -> str | None:
        """The spider method's name, as Scrapy's ``Request.to_dict`` finds it, remembered:
        Scrapy looks it up among all the spider's members (``inspect.getmembers``) for
        every request, a third of a millisecond a page."""
        if method is None or not callable(method):
            return method
        func = getattr(method, "__func__", None)
        name = self._names.get(func)
        if name is None:
            name = Request(url="http://x/", callback=method).to_dict(spider=self.spider)[
                "callback"]
            self._names[func] = name
        return name

    def _encode_request(self, request: Any) -> Any:
        """As scrapy-redis encodes it (``Request.to_dict`` pickled), spider methods named
        once per method rather than once per request."""
        data = {"url": request.url, "callback": self._name(request.callback),
                "errback": self._name(request.errback), "headers": dict(request.headers)}
        for attr in request.attributes:
            data.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            data["_class"] = request.__module__ + "." + request.__class__.__name__
        return self.serializer.dumps(data)

    def __len__(self) -> int:
        return int(self.server.llen(self.key))

    def push(self, request: Any) -> None:
        self.server.lpush(self.key, self._encode_request(request))

    def encode(self, request: Any) -> bytes:
        """``request`` as the queue holds it (for a push done by a script)."""
        return bytes(self._encode_request(request))

    def pop_raw(self) -> bytes | None:
        popped = self.pop_many(1)
        return popped[0] if popped else None

    def pop_many(self, count: int) -> list[bytes]:
        """Up to ``count`` requests, oldest first, in one round trip."""
        return list(self._pop(keys=[self.key, self.processing, keys.state(self.worker)],
                              args=[count]))

    def decode(self, data: bytes) -> Any:
        return self._decode_request(data)

    def pop(self, timeout: int = 0) -> Any:
        data = self.pop_raw()
        return self._decode_request(data) if data else None

    def ack(self, data: bytes) -> None:
        self.server.lrem(self.processing, 1, data)

    def clear(self) -> None:
        self.server.delete(self.key)


def requeue_dead(server: Any, worker: str) -> int:
    """Give a dead worker's popped requests back to the queue (oldest served first), its
    unfinished link checks to the others and its search role up. Returns how many
    requests went back."""
    script = server.register_script(REQUEUE_SCRIPT)
    return int(script(keys=[keys.processing(worker), keys.REQUESTS, keys.WORKERS,
                            keys.alive(worker), keys.state(worker), keys.claims(worker),
                            keys.CHECKED, keys.ORPHANS, keys.leases(worker), keys.SEARCHER],
                            args=[worker]))
