"""The one process that writes SQLite: items from Redis into the store, in batches.

Items are moved, atomically, from the shared item list to the writer's own list
(``LMOVE items -> items:writing``), written in one transaction, and only then
deleted from Redis: a writer killed at any point loses nothing that reached
Redis; the batch it was writing is written again when it starts next (the
store's upserts make that harmless).
"""

from __future__ import annotations

import pickle
from typing import Any

from mentionspider.campaign import Campaign
from mentionspider.distributed import keys
from mentionspider.store import Store
from mentionspider.writing import StoreWriter

__all__ = ["Writer"]


class Writer:
    """Redis's side of the one writer. What is written and how it is counted is the
    single-process sweep's own code (:class:`~mentionspider.writing.StoreWriter`): pages
    deduplicated by their identity, gone pages retired, search answers kept, broken
    links scored with the campaign's weights."""

    def __init__(self, server: Any, store: Store, run_id: int, campaign: Campaign,
                 batch: int) -> None:
        self.server = server
        self.items = StoreWriter(store, run_id, campaign, batch)
        self.batch = self.items.batch

    @property
    def counts(self) -> dict[str, int]:
        return self.items.counts

    @property
    def duplicates(self) -> int:
        return self.items.duplicates

    def resume(self, progress: dict[str, Any]) -> None:
        """Go on counting from what the run being resumed wrote (:meth:`Store.run_progress`)."""
        self.items.resume(progress)

    def recover(self) -> int:
        """Write the batch a killed writer left half done. Returns its size."""
        data = self.server.lrange(keys.WRITING, 0, -1)
        if data:
            self._write([pickle.loads(d) for d in reversed(data)])
        return len(data)

    def drain(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for items; write one batch. Returns its size."""
        first = self.server.blmove(keys.ITEMS, keys.WRITING, timeout, "RIGHT", "LEFT")
        if first is None:
            return 0
        data = [first]
        pipe = self.server.pipeline(transaction=False)
        for _ in range(self.batch - 1):
            pipe.lmove(keys.ITEMS, keys.WRITING, "RIGHT", "LEFT")
        data += [d for d in pipe.execute() if d is not None]
        self._write([pickle.loads(d) for d in data])
        return len(data)

    def _write(self, items: list[Any]) -> None:
        for item in items:
            self.items.add(item)
        self.items.flush()  # the whole batch is in the store before it leaves Redis
        self.server.delete(keys.WRITING)

    def settle(self) -> None:
        """The crawl is over: the run's dead links become broken-link opportunities."""
        self.items.settle()
