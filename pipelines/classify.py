"""Decide whether a page is an opportunity (and of which kind), and score it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mentionspider.campaign import Campaign, campaign_of
from mentionspider.items import PageItem
from mentionspider.scoring import PageFacts
from mentionspider.scoring_config import scorer_for
from mentionspider.opportunities import page_opportunity


class ClassifyPipeline:
    def __init__(self, crawler: Any, campaign: Campaign) -> None:
        self.crawler = crawler
        self.campaign = campaign
        self.scorer = scorer_for(campaign.scoring)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ClassifyPipeline":
        return cls(crawler, campaign_of(crawler.settings))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            campaign = self.campaign
            signals = item.signals
            facts = PageFacts(lang=item.analysis.lang, outlinks=len(item.analysis.outlinks))
            if signals is not None:
                facts = replace(facts, robots=signals.robots, canonical=signals.canonical,
                                published=signals.published, modified=signals.modified,
                                types=tuple(signals.types))
            item.opportunity = page_opportunity(campaign.name, item.url, item.analysis,
                                                depth=item.depth,
                                                brand_domains=campaign.brand_domains,
                                                source=item.source, scorer=self.scorer,
                                                page=facts)
            if item.opportunity is not None:
                self.crawler.stats.inc_value(f"mentionspider/opportunities/{item.opportunity.kind}")
        return item
