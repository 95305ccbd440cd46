"""Drop items already seen in this run (two URLs redirecting to one page, a URL checked twice)."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from mentionspider.analysis.urls import url_key
from mentionspider.items import LinkCheckItem, PageItem


class DedupePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.pages: set[str] = set()
        self.checks: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DedupePipeline":
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):  # one page under two addresses is one page
            seen, key, what = self.pages, url_key(item.url), "pages"
        elif isinstance(item, LinkCheckItem):
            seen, key, what = self.checks, item.url, "link_checks"
        else:
            return item
        if key in seen:
            self.crawler.stats.inc_value(f"mentionspider/dedupe/{what}_dropped")
            raise DropItem(f"duplicate {what[:-1]}: {key}")
        seen.add(key)
        return item
