"""The baseline: a bare Scrapy spider that only follows the same links a sweep follows.

Run by benchmarks/sweep_throughput.py with ``scrapy runspider``; writes its
Scrapy stats as JSON to ``-a stats_out=FILE``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, seeds_file: str, max_depth: str = "3", stats_out: str = "",
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        with open(seeds_file, encoding="utf-8") as fh:
            self.seeds = [line.strip() for line in fh if line.strip()]
        self.max_depth = int(max_depth)
        self.stats_out = stats_out

    async def start(self):  # type: ignore[override]
        for url in self.seeds:
            yield scrapy.Request(url)

    def parse(self, response):  # type: ignore[override]
        self.crawler.stats.inc_value("bare/pages")
        if response.meta.get("depth", 0) >= self.max_depth:
            return
        host = urlsplit(response.url).hostname
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).hostname == host:
                yield scrapy.Request(url)

    def closed(self, reason: str) -> None:
        if self.stats_out:
            stats = dict(self.crawler.stats.get_stats())
            stats["elapsed_time_seconds"] = (datetime.now(timezone.utc)
                                             - stats["start_time"]).total_seconds()
            with open(self.stats_out, "w", encoding="utf-8") as fh:
                json.dump(stats, fh, default=str)
