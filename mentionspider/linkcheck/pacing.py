"""When each link-check request may go: per-host delay and concurrency, a global cap
on requests in flight. Pure: no Scrapy, no I/O, the clock is passed in.

Requests wait here, per host, not in the downloader: a host that must be asked
slowly (delay), one that answers slowly, or one whose checks wait to retry, holds
no place that another host could use. Only requests actually in flight count
against the global cap. When several hosts may send, a host with nothing in flight
goes first (its first answer tells how slow it is), then the one whose queue will
take longest to drain (queued requests x the larger of its delay and its answers'
latency per place): the host with the most or the slowest work bounds the run, so it
must never wait behind quick ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Pacer"]

T = TypeVar("T")


@dataclass(slots=True)
class _Host(Generic[T]):
    queue: deque[T] = field(default_factory=deque)
    in_flight: int = 0
    next_at: float = 0.0  # the earliest time its next request may start
    latency: float = 0.05  # seconds an answer takes, a moving average


class Pacer(Generic[T]):
    def __init__(self, cap: int, per_host: int, delay: float) -> None:
        self.cap = max(1, cap)
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self.hosts: dict[str, _Host[T]] = {}
        self.in_flight = 0

    def add(self, host: str, item: T, *, front: bool = False) -> None:
        """Queue ``item`` for ``host`` (``front``: before the others, e.g. a probe)."""
        queue = self.hosts.setdefault(host, _Host()).queue
        if front:
            queue.appendleft(item)
        else:
            queue.append(item)

    def release(self, now: float, free: Callable[[T], bool] = lambda item: False
                ) -> tuple[list[T], list[T]]:
        """``(freed, sent)``: ``sent`` are the queued items that may start at ``now``,
        counted in flight from here on; ``freed`` are items that reached the head of
        their host's queue and need no request any more (``free(item)``: answered
        meanwhile), taken out without a place or the host's delay."""
        freed: list[T] = []
        sent: list[T] = []

        def take_free(h: _Host[T]) -> None:
            while h.queue and free(h.queue[0]):
                freed.append(h.queue.popleft())

        for h in self.hosts.values():
            take_free(h)
        while self.in_flight < self.cap:
            ready = [h for h in self.hosts.values()
                     if h.queue and h.in_flight < self.per_host and h.next_at <= now]
            if not ready:
                break
            ready.sort(key=lambda h: (h.in_flight > 0,
                                      -len(h.queue) * max(self.delay, h.latency / self.per_host)))
            for h in ready:
                if self.in_flight >= self.cap:
                    break
                sent.append(h.queue.popleft())
                h.in_flight += 1
                h.next_at = now + self.delay
                self.in_flight += 1
                take_free(h)
        return freed, sent

    def started(self, host: str, now: float) -> None:
        """A request to ``host`` left for the host only at ``now`` (it waited on the way,
        e.g. for the host's robots.txt): the delay counts from here."""
        h = self.hosts.get(host)
        if h is not None:
            h.next_at = max(h.next_at, now + self.delay)

    def done(self, host: str, latency: float | None = None) -> None:
        """A request to ``host`` came back (answer, failure or dropped) after ``latency``
        seconds."""
        h = self.hosts.get(host)
        if h is not None and h.in_flight > 0:
            h.in_flight -= 1
            self.in_flight -= 1
            if latency is not None:
                h.latency = 0.7 * h.latency + 0.3 * latency

    def wake_at(self, now: float) -> float | None:
        """When a queued item held back only by its host's delay may start (None when
        nothing waits for a delay: an answer coming back is what frees a place)."""
        if self.in_flight >= self.cap:
            return None
        times = [h.next_at for h in self.hosts.values()
                 if h.queue and h.in_flight < self.per_host and h.next_at > now]
        return min(times) if times else None

    def waiting(self) -> int:
        """Items queued, not yet in flight."""
        return sum(len(h.queue) for h in self.hosts.values())
