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
from mentionspider.items import LinkCheckItem, PageItem
from mentionspider.opportunities import broken_link_opportunity
from mentionspider.store import Store

__all__ = ["Writer"]


class Writer:
    def __init__(self, server: Any, store: Store, run_id: int, campaign: Campaign,
                 batch: int) -> None:
        self.server = server
        self.store = store
        self.run_id = run_id
        self.campaign = campaign
        self.batch = max(1, batch)
        self.pages_seen: set[str] = set()
        self.checks_seen: set[str] = set()
        self.duplicates = 0
        self.counts = {"pages": 0, "mentions": 0, "links_checked": 0, "new_opportunities": 0,
                       "broken_links": 0}

    def resume(self, progress: dict[str, Any]) -> None:
        """Go on counting from what the run being resumed wrote (:meth:`Store.run_progress`)."""
        self.pages_seen = set(progress["pages"])
        self.checks_seen = set(progress["checks"])
        self.counts.update(pages=len(self.pages_seen), mentions=sum(progress["pages"].values()),
                           links_checked=len(self.checks_seen),
                           new_opportunities=progress["new_opportunities"])

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
        pages: list[PageItem] = []
        checks: list[LinkCheckItem] = []
        for item in items:
            if isinstance(item, PageItem):
                if item.url in self.pages_seen:
                    self.duplicates += 1
                    continue
                self.pages_seen.add(item.url)
                pages.append(item)
                self.counts["pages"] += 1
                self.counts["mentions"] += len(item.analysis.mentions)
            elif isinstance(item, LinkCheckItem):
                if item.url in self.checks_seen:
                    self.duplicates += 1
                    continue
                self.checks_seen.add(item.url)
                checks.append(item)
                self.counts["links_checked"] += 1
        if checks:
            self.store.save_link_checks(checks)
        if pages:
            self.counts["new_opportunities"] += self.store.save_pages(self.run_id, pages)
        self.server.delete(keys.WRITING)

    def settle(self) -> None:
        """The crawl is over: the run's dead links become broken-link opportunities."""
        name = self.campaign.name
        candidates = self.store.broken_link_candidates(name, self.run_id)
        opportunities = [broken_link_opportunity(name, row) for row in candidates]
        self.counts["new_opportunities"] += self.store.settle_broken_links(
            name, self.run_id, opportunities)
        self.counts["broken_links"] = len({o.target_url for o in opportunities})
