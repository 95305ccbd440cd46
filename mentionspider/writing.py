"""Items into the store, in batches: the one code path of every writer.

A single-process sweep's :class:`~pipelines.store.StorePipeline` and a distributed
sweep's writer (:mod:`mentionspider.distributed.writer`) both hand their items to a
:class:`StoreWriter`: each page (by :func:`~mentionspider.analysis.urls.url_key`) and
each link verdict is written once per run, pages gone (404, 410, no host) retire their
rows, search answers are kept for the cache, the run's counts are kept the same way,
and at the end the run's dead links become broken-link opportunities, scored with the
campaign's own weights.
"""

from __future__ import annotations

from typing import Any

from mentionspider.analysis.urls import url_key
from mentionspider.campaign import Campaign
from mentionspider.items import GonePageItem, LinkCheckItem, PageItem, SearchAnswerItem
from mentionspider.opportunities import broken_link_opportunity
from mentionspider.scoring_config import scorer_for
from mentionspider.store import Store

__all__ = ["StoreWriter", "dedupe_key"]


def dedupe_key(item: Any) -> tuple[str, str] | None:
    """``(what, key)`` under which ``item`` is written once per run (``pages``: one page
    under two addresses is one page; ``link_checks``: a URL checked twice), or None."""
    if isinstance(item, PageItem):
        return "pages", url_key(item.url)
    if isinstance(item, LinkCheckItem):
        return "link_checks", item.url
    return None


class StoreWriter:
    """Items into ``store`` for run ``run_id``, ``batch`` at a time. ``dedupe=False``
    when the items come through :class:`~pipelines.dedupe.DedupePipeline`, which already
    dropped what the run has (one set of keys, not two, and no second ``url_key``)."""

    def __init__(self, store: Store, run_id: int, campaign: Campaign, batch: int, *,
                 dedupe: bool = True) -> None:
        self.store = store
        self.dedupe = dedupe
        self.run_id = run_id
        self.campaign = campaign
        self.scorer = scorer_for(campaign.scoring)
        self.batch = max(1, batch)
        self.seen: set[tuple[str, str]] = set()
        self.duplicates = 0
        self.pages: list[PageItem] = []
        self.checks: list[LinkCheckItem] = []
        self.gone: list[GonePageItem] = []
        self.answers: list[SearchAnswerItem] = []
        self.counts = {"pages": 0, "mentions": 0, "links_checked": 0, "new_opportunities": 0,
                       "broken_links": 0, "rendered_pages": 0, "render_fallbacks": 0}

    def resume(self, progress: dict[str, Any]) -> None:
        """Go on from what an interrupted run wrote (:meth:`Store.run_progress`): those
        pages and verdicts are not written again, and count as this run's."""
        self.seen |= {("pages", url_key(url)) for url in progress["pages"]}
        self.seen |= {("link_checks", url) for url in progress["checks"]}
        self.counts.update(pages=len(progress["pages"]), mentions=sum(progress["pages"].values()),
                           links_checked=len(progress["checks"]),
                           new_opportunities=progress["new_opportunities"])

    def add(self, item: Any) -> bool:
        """Take ``item`` for the next batch (written when the batch is full). False: the
        run already wrote it (a duplicate, counted in :attr:`duplicates`)."""
        key = dedupe_key(item) if self.dedupe else None
        if key is not None:
            if key in self.seen:
                self.duplicates += 1
                return False
            self.seen.add(key)
        if isinstance(item, PageItem):
            self.pages.append(item)
            self.counts["pages"] += 1
            self.counts["mentions"] += len(item.analysis.mentions)
            if item.render != "raw":
                self.counts["rendered_pages" if item.render == "rendered" else
                            "render_fallbacks"] += 1
        elif isinstance(item, LinkCheckItem):
            self.checks.append(item)
            self.counts["links_checked"] += 1
        elif isinstance(item, SearchAnswerItem):
            self.answers.append(item)
        elif isinstance(item, GonePageItem):
            self.gone.append(item)
        if len(self.pages) + len(self.checks) + len(self.answers) + len(self.gone) >= self.batch:
            self.flush()
        return True

    def flush(self) -> None:
        """Write what is waiting: verdicts, search answers, pages, then gone pages."""
        if self.checks:
            self.store.save_link_checks(self.checks)
            self.checks = []
        if self.answers:
            self.store.save_search_answers(self.answers)
            self.answers = []
        if self.pages:
            self.counts["new_opportunities"] += self.store.save_pages(self.run_id, self.pages)
            self.pages = []
        if self.gone:
            self.store.retire_gone_pages(self.run_id, self.gone)
            self.gone = []

    def settle(self) -> None:
        """The crawl is over: the run's dead links become broken-link opportunities."""
        self.flush()
        name = self.campaign.name
        candidates = self.store.broken_link_candidates(name, self.run_id)
        opportunities = [broken_link_opportunity(name, row, self.scorer) for row in candidates]
        self.counts["new_opportunities"] += self.store.settle_broken_links(
            name, self.run_id, opportunities)
        self.counts["broken_links"] = len({o.target_url for o in opportunities})
