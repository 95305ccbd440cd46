"""Decide whether a page is an opportunity (and of which kind), and score it."""

from __future__ import annotations

from typing import Any

from mentionspider.items import PageItem
from mentionspider.opportunities import page_opportunity


class ClassifyPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ClassifyPipeline":
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            campaign = self.crawler.spider.campaign
            item.opportunity = page_opportunity(campaign.name, item.url, item.analysis,
                                                depth=item.depth,
                                                brand_domains=campaign.brand_domains,
                                                source=item.source)
            if item.opportunity is not None:
                self.crawler.stats.inc_value(f"mentionspider/opportunities/{item.opportunity.kind}")
        return item
