"""The store keeps search answers per (provider, query, page) and each page's source."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from mentionspider.items import SearchAnswerItem, utcnow
from mentionspider.store import Store
from tests.test_store import page_item


def test_answers_are_reused_only_within_the_ttl(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    old = (datetime.now(timezone.utc) - timedelta(hours=10)).isoformat(timespec="seconds")
    store.save_search_answers([
        SearchAnswerItem("searxng http://s/", '"Acme"', 1,
                         [{"url": "https://a.example/", "title": "A", "snippet": "s"}], None,
                         utcnow()),
        SearchAnswerItem("searxng http://s/", '"Acme"', 2, [], False, old),
    ])
    fresh = store.fresh_search_answers(1)
    assert fresh == [{"provider": "searxng http://s/", "query": '"Acme"', "page": 1,
                      "hits": [{"url": "https://a.example/", "title": "A", "snippet": "s"}],
                      "more": None, "fetched_at": fresh[0]["fetched_at"]}]
    assert [a["page"] for a in store.fresh_search_answers(24)] == [1, 2]
    assert store.fresh_search_answers(24)[1]["more"] is False
    assert store.fresh_search_answers(0) == []
    # a newer answer replaces the old one
    store.save_search_answers([SearchAnswerItem("searxng http://s/", '"Acme"', 2, [], True,
                                                utcnow())])
    assert [a["more"] for a in store.fresh_search_answers(1)] == [None, True]


def test_a_page_and_its_opportunity_keep_their_source(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    run = store.start_run("acme", {})
    item = page_item()
    item.source = 'searxng: "Acme" -site:acme.com #3'
    item.opportunity = item.opportunity.__class__(**{**item.opportunity.as_row(),
                                                    "source": item.source})
    store.save_pages(run, [item])
    (row,) = store.ranked_opportunities("acme")
    assert row["source"] == 'searxng: "Acme" -site:acme.com #3'
    assert list(store.db.query("SELECT source FROM pages")) == [{"source": row["source"]}]
