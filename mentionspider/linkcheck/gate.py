"""The global cap on link checks in flight. Pure: no Scrapy, no I/O.

A check holds one place from its first request (HEAD) to its verdict, through
the GET fallback, retries and a wait for its host's soft-404 probe. Checks
beyond the cap wait in arrival order and are let through as places free up.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

__all__ = ["CheckGate"]

T = TypeVar("T")


class CheckGate(Generic[T]):
    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.active = 0
        self.waiting: deque[T] = deque()

    def admit(self, item: T) -> list[T]:
        """``[item]`` when it may start now; ``[]`` when it has to wait."""
        if self.active < self.limit:
            self.active += 1
            return [item]
        self.waiting.append(item)
        return []

    def release(self) -> list[T]:
        """A check is done: the waiting checks that may start now."""
        self.active = max(0, self.active - 1)
        return self._let_through()

    def unstick(self) -> list[T]:
        """Nothing is in flight any more (the crawl went idle): start waiting checks."""
        self.active = 0
        return self._let_through()

    def _let_through(self) -> list[T]:
        ready = []
        while self.waiting and self.active < self.limit:
            self.active += 1
            ready.append(self.waiting.popleft())
        return ready
