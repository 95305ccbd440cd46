"""Drop items already seen in this run (two URLs redirecting to one page, a URL checked twice)."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from mentionspider.writing import dedupe_key


class DedupePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DedupePipeline":
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        key = dedupe_key(item)  # the writer's own key (mentionspider.writing)
        if key is None:
            return item
        if key in self.seen:
            what = key[0]
            self.crawler.stats.inc_value(f"mentionspider/dedupe/{what}_dropped")
            raise DropItem(f"duplicate {what[:-1]}: {key[1]}")
        self.seen.add(key)
        return item
