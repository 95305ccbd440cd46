"""A worker's last item pipeline: items go to Redis, for the one writer process.

Items are pickled (plain dataclasses) into the worker's :class:`~.outbox.Outbox` and
reach Redis in the transaction that acknowledges their page (see :mod:`.outbox`). A
link verdict also settles the worker's claim on its target in that transaction, so a
dead worker hands back only the checks it had not finished.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from mentionspider.items import LinkCheckItem

__all__ = ["PushItemPipeline"]


class PushItemPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PushItemPipeline":
        if not crawler.settings.get("MENTIONSPIDER_REDIS_URL"):
            raise NotConfigured("MENTIONSPIDER_REDIS_URL is empty")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        claim = item.url if isinstance(item, LinkCheckItem) else None
        self.crawler.spider.outbox.item(item, claim)
        self.crawler.stats.inc_value("mentionspider/distributed/items_pushed")
        return item
