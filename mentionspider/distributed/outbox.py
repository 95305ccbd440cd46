"""What a worker owes Redis for the pages it finished, sent with their acknowledgement.

A worker used to make a round trip for each of a page's items and for giving back each
host lease. Both wait here instead, and go in the one transaction that acknowledges
the finished pages (:meth:`DistributedScheduler.ack_finished`): items before the
acknowledgement, so a worker killed before the transaction leaves its pages in its
processing list, fetched again with their items (nothing lost), and one killed after
it has sent everything. A lease given back waits at most until the next lease this
worker takes (:class:`~.politeness.HostLeaseMiddleware` sends it in the same script
call) or the next acknowledgement, whichever is first: a host is held a little longer,
never less, so politeness holds.
"""

from __future__ import annotations

import pickle
from typing import Any

from mentionspider.distributed import keys

__all__ = ["Outbox"]


class Outbox:
    def __init__(self, worker: str) -> None:
        self.claims = keys.claims(worker)
        #: pickled items, each with the link-check claim it settles (or None)
        self.items: list[tuple[bytes, str | None]] = []
        #: host leases given back: (slot, token, delay ms)
        self.releases: list[tuple[str, str, int]] = []

    def __bool__(self) -> bool:
        return bool(self.items or self.releases)

    def item(self, item: Any, claim: str | None = None) -> None:
        self.items.append((pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL), claim))

    def release(self, slot: str, token: str, delay_ms: int) -> None:
        self.releases.append((slot, token, delay_ms))

    def take_releases(self) -> list[tuple[str, str, int]]:
        releases, self.releases = self.releases, []
        return releases

    def send(self, pipe: Any, lease: Any) -> int:
        """Put everything waiting on ``pipe`` (``lease``: the lease script, see
        :mod:`.politeness`); returns how many items."""
        sent = len(self.items)
        if self.items:
            pipe.lpush(keys.ITEMS, *(data for data, _ in self.items))
            claims = [claim for _, claim in self.items if claim is not None]
            if claims:
                pipe.srem(self.claims, *claims)
            self.items = []
        if self.releases:
            lease.call(self.take_releases(), None, client=pipe)
        return sent
