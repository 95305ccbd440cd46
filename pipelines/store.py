"""Write pages, link verdicts and opportunities to the SQLite store, in batches.

At the end of the crawl it turns the run's dead outbound links into broken-link
opportunities and records the run's counts. A crawl that stops early (Ctrl-C,
closespider) still flushes what it has and marks the run with its close reason.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from mentionspider.campaign import Campaign, campaign_of
from mentionspider.linkcheck.checker import LinkChecker
from mentionspider.store import Store
from mentionspider.writing import StoreWriter

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Any, db_path: str, batch: int, campaign: Campaign) -> None:
        self.crawler = crawler
        self.campaign = campaign
        self.db_path = db_path
        self.batch = batch
        self.store: Store | None = None
        self.writer: StoreWriter | None = None
        self.run_id = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StorePipeline":
        db_path = crawler.settings.get("MENTIONSPIDER_DB")
        if not db_path:
            raise NotConfigured("MENTIONSPIDER_DB is empty")
        pipeline = cls(crawler, db_path, crawler.settings.getint("MENTIONSPIDER_STORE_BATCH", 100),
                       campaign_of(crawler.settings))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        campaign = self.campaign
        self.store = Store(self.db_path)
        note = self.store.acquire_run_lock(campaign.name)  # one run at a time
        if note:
            logger.warning("%s", note)
        self.run_id = self.store.start_run(campaign.name, campaign.to_dict())
        # DedupePipeline (earlier in ITEM_PIPELINES) drops what the run already has
        self.writer = StoreWriter(self.store, self.run_id, campaign, self.batch, dedupe=False)
        self.crawler.stats.set_value("mentionspider/run_id", self.run_id)
        LinkChecker.of(self.crawler).reuse(
            self.store.fresh_link_checks(campaign.linkcheck.ttl_hours))
        search = campaign.search
        spider = self.crawler.spider  # the search source's answer cache is the spider's
        if search is not None and hasattr(spider, "reuse_search_answers"):
            spider.reuse_search_answers(self.store.fresh_search_answers(search.cache_ttl_hours))

    def process_item(self, item: Any) -> Any:
        assert self.writer is not None
        self.writer.add(item)
        return item

    def flush(self) -> None:
        assert self.writer is not None
        self.writer.flush()

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.settle()

    def spider_closed(self, reason: str) -> None:
        """Record the run's counts and how it ended (after every item is through)."""
        if self.store is None:
            return
        all_stats = dict(self.crawler.stats.get_stats())
        if "start_time" in all_stats and "elapsed_time_seconds" not in all_stats:
            all_stats["elapsed_time_seconds"] = round(
                (datetime.now(timezone.utc) - all_stats["start_time"]).total_seconds(), 3)
        errors = sum(v for k, v in all_stats.items()
                     if k.startswith("mentionspider/pages/errors/") and isinstance(v, int))
        errors += all_stats.get("spider_exceptions/count", 0)
        self.store.finish_run(
            self.run_id, status="finished" if reason == "finished" else f"stopped: {reason}",
            counts={**self.writer.counts, "errors": errors} if self.writer else {"errors": errors},
            stats=all_stats)
        self.store.release_run_lock(self.campaign.name)
        self.store.close()
        self.store = None
