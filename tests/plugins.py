"""Components plugged into test sweeps with -s, to make the crawl fail from inside."""

from __future__ import annotations

from typing import Any

from mentionspider.items import PageItem

#: -s ITEM_PIPELINES=... with the project's pipelines and one of these.
def pipelines_with(name: str) -> str:
    import json
    return json.dumps({"pipelines.dedupe.DedupePipeline": 100,
                       "pipelines.classify.ClassifyPipeline": 200,
                       f"tests.plugins.{name}": 250, "pipelines.store.StorePipeline": 300})


class FailOnPagePipeline:
    """A bug in a pipeline: every page item raises."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            raise KeyError("title")
        return item


class FailOnOpenPipeline:
    """A bug at start: opening the pipeline raises."""

    def open_spider(self) -> None:
        raise OverflowError("date value out of range")

    def process_item(self, item: Any) -> Any:
        return item
