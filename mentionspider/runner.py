"""Run a sweep in this process with Scrapy's CrawlerProcess (used by the CLI)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from mentionspider.campaign import Campaign
from mentionspider.spiders.sweep import SweepSpider

__all__ = ["project_settings", "run_sweep"]


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """mentionspider's settings module, plus command-line overrides."""
    settings = Settings()
    settings.setmodule("mentionspider.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_sweep(campaign: Campaign, db: str | Path, overrides: Mapping[str, Any] | None = None
              ) -> tuple[int, dict[str, Any]]:
    """Crawl ``campaign`` into the database ``db``; returns (run id, Scrapy stats).

    Blocks until the crawl ends. One call per process (Twisted's reactor cannot restart).
    """
    settings = project_settings({**(overrides or {}), "MENTIONSPIDER_DB": str(db)})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SweepSpider)
    process.crawl(crawler, campaign=campaign)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return int(stats.get("mentionspider/run_id", 0)), stats
