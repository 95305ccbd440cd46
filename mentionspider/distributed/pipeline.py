"""A worker's last item pipeline: items go to Redis, for the one writer process.

Items are pickled (plain dataclasses). A link verdict also settles the worker's
claim on its target in the same transaction, so a dead worker hands back only the
checks it had not finished.
"""

from __future__ import annotations

import pickle
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured

from mentionspider.distributed import keys
from mentionspider.distributed.connection import RedisError, connect
from mentionspider.items import LinkCheckItem

__all__ = ["PushItemPipeline"]


class PushItemPipeline:
    def __init__(self, crawler: Any, server: Any, worker: str) -> None:
        self.crawler = crawler
        self.server = server
        self.claims = keys.claims(worker)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PushItemPipeline":
        url = crawler.settings.get("MENTIONSPIDER_REDIS_URL")
        if not url:
            raise NotConfigured("MENTIONSPIDER_REDIS_URL is empty")
        return cls(crawler, connect(url), crawler.settings.get("MENTIONSPIDER_WORKER_ID"))

    def process_item(self, item: Any) -> Any:
        pipe = self.server.pipeline()
        pipe.lpush(keys.ITEMS, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        if isinstance(item, LinkCheckItem):
            pipe.srem(self.claims, item.url)
        try:
            pipe.execute()
        except RedisError as exc:  # it never reached Redis: fetched again on --resume
            from mentionspider.distributed.spider import lost_redis

            lost_redis(self.crawler, exc)
            raise DropItem("lost Redis") from None
        self.crawler.stats.inc_value("mentionspider/distributed/items_pushed")
        return item
