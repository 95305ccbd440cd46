"""mentionspider's item pipelines, one per module, in ITEM_PIPELINES order:
dedupe (100) -> classify (200) -> store (300)."""
