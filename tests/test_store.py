"""The store: reruns upsert, history and outreach state survive, broken links join up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mentionspider.analysis.page import FoundMention, OutLink, PageAnalysis
from mentionspider.items import LinkCheckItem, PageItem
from mentionspider.opportunities import broken_link_opportunity, page_opportunity
from mentionspider.store import Store, StoreError

PAGE = "http://blog.example/post"


def page_item(*, linked: bool = False, outlinks: tuple[str, ...] = ()) -> PageItem:
    analysis = PageAnalysis(
        title="A post", lang="en",
        mentions=[FoundMention("Acme", "Acme", "main", "We like Acme.", False, 0)],
        brand_link_rels=[""] if linked else [],
        outlinks=[OutLink(url, "a link", "", "main") for url in outlinks])
    item = PageItem(campaign="acme", url=PAGE, requested_url=PAGE, site="blog.example",
                    status=200, depth=1, fetched_at="2026-11-21T00:00:00+00:00",
                    analysis=analysis)
    item.opportunity = page_opportunity("acme", PAGE, analysis, depth=1,
                                        brand_domains=("acme.com",))
    return item


def test_rerun_updates_in_place_and_keeps_outreach_state(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    run1 = store.start_run("acme", {})
    assert store.save_pages(run1, [page_item()]) == 1
    [opportunity] = store.ranked_opportunities("acme")
    store.set_state(opportunity["id"], "contacted", "emailed the editor")
    store.close()

    store = Store(tmp_path / "s.db")  # migrations already applied: opening again is fine
    run2 = store.start_run("acme", {})
    assert store.save_pages(run2, [page_item()]) == 0
    rows = store.ranked_opportunities("acme")
    assert [(r["id"], r["state"], r["note"], r["first_run"], r["last_run"]) for r in rows] == [
        (opportunity["id"], "contacted", "emailed the editor", run1, run2)]
    assert store.db["mentions"].count == 1
    assert store.db["pages"].count == 1


def test_page_that_now_links_retires_its_opportunity(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.save_pages(store.start_run("acme", {}), [page_item()])
    store.save_pages(store.start_run("acme", {}), [page_item(linked=True)])
    assert store.ranked_opportunities("acme") == []
    assert len(store.ranked_opportunities("acme", include_inactive=True)) == 1


def test_broken_link_candidates_join_links_and_verdicts(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    run = store.start_run("acme", {})
    store.save_pages(run, [page_item(outlinks=("http://dead.example/", "http://ok.example/"))])
    store.save_link_checks([
        LinkCheckItem("http://dead.example/", "broken", "dns", "", checked_at="2026-11-21"),
        LinkCheckItem("http://ok.example/", "ok", "200", "http://ok.example/",
                      checked_at="2026-11-21")])
    [row] = store.broken_link_candidates("acme", run)
    assert (row["page_url"], row["target_url"], row["status"], row["linking_pages"],
            row["linking_sites"]) == (PAGE, "http://dead.example/", "dns", 1, 1)
    assert store.settle_broken_links("acme", run, [broken_link_opportunity("acme", row)]) == 1
    kinds = sorted(r["kind"] for r in store.ranked_opportunities("acme"))
    assert kinds == ["broken_link", "unlinked_mention"]


def test_unknown_state_and_missing_opportunity(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    with pytest.raises(StoreError, match="unknown state 'maybe'"):
        store.set_state("x", "maybe")
    with pytest.raises(StoreError, match="no opportunity x"):
        store.set_state("x", "won")
    with pytest.raises(StoreError, match="no database at"):
        Store(tmp_path / "missing.db", create=False)


def test_a_run_left_running_is_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    first = store.start_run("acme", {})
    second = store.start_run("acme", {})
    assert [(r["id"], r["status"]) for r in store.runs("acme")] == [
        (first, "interrupted"), (second, "running")]


def test_a_batch_mixing_new_and_known_rows_keeps_every_known_state(tmp_path: Path) -> None:
    """One dead link marked contacted, a second dead link added, swept again: the
    first row keeps its state, note and first sighting (#8)."""
    def dead(target: str) -> Any:
        return broken_link_opportunity("acme", {
            "page_url": PAGE, "target_url": target, "anchor_text": "a link", "rel": "",
            "placement": "main", "page_title": "A post", "keywords": "", "status": "404",
            "evidence": "404", "linking_pages": 1, "linking_sites": 1})

    store = Store(tmp_path / "s.db")
    first = dead("http://dead.example/a")
    run1 = store.start_run("acme", {})
    store.save_pages(run1, [page_item(outlinks=("http://dead.example/a",))])
    assert store.settle_broken_links("acme", run1, [first]) == 1
    store.set_state(first.id, "contacted", "emailed")
    before = store.db["opportunities"].get(first.id)

    second = dead("http://dead.example/b")
    run2 = store.start_run("acme", {})
    store.save_pages(run2, [page_item(outlinks=("http://dead.example/a", "http://dead.example/b"))])
    assert store.settle_broken_links("acme", run2, [second, first, first]) == 1
    after = store.db["opportunities"].get(first.id)
    for column in ("state", "note", "first_seen", "first_run", "state_changed_at"):
        assert after[column] == before[column], column
    assert (after["state"], after["note"], after["first_run"], after["last_run"]) == (
        "contacted", "emailed", run1, run2)
    new = store.db["opportunities"].get(second.id)
    assert (new["state"], new["first_run"], new["active"]) == ("new", run2, 1)


def test_a_resolved_row_that_holds_again_is_new_again(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    row = {"page_url": PAGE, "target_url": "http://dead.example/", "anchor_text": "a link",
           "rel": "", "placement": "main", "page_title": "A post", "keywords": "",
           "status": "404", "evidence": "404", "linking_pages": 1, "linking_sites": 1}
    dead = broken_link_opportunity("acme", row)
    run1 = store.start_run("acme", {})
    store.save_pages(run1, [page_item(outlinks=("http://dead.example/",))])
    store.settle_broken_links("acme", run1, [dead])
    store.save_pages(store.start_run("acme", {}), [page_item()])  # the dead link removed
    assert store.db["opportunities"].get(dead.id)["state"] == "resolved"
    run3 = store.start_run("acme", {})
    store.save_pages(run3, [page_item(outlinks=("http://dead.example/",))])
    store.settle_broken_links("acme", run3, [dead])
    assert [(h["new_state"], h["detail"]) for h in store.state_history(dead.id)] == [
        ("new", "first seen"), ("resolved", "the dead link was removed"),
        ("new", "holds again")]


def test_a_lock_of_a_reused_pid_is_taken_over(tmp_path: Path) -> None:
    """A lock naming this very process, but taken before it started: the pid was reused."""
    import os

    store = Store(tmp_path / "s.db")
    assert store.acquire_run_lock("acme", pid=os.getpid()) is None
    store.db.execute("UPDATE run_locks SET started_at = '2000-01-01T00:00:00+00:00'")
    note = store.acquire_run_lock("acme", pid=1)
    assert note == (f"took over the run lock of campaign 'acme' left by pid {os.getpid()}, "
                    "started 2000-01-01T00:00:00+00:00, which is no longer running")
    with pytest.raises(StoreError, match=r"campaign 'acme' is already being swept into .* by "
                                         r"pid 1, started "):
        store.acquire_run_lock("acme", pid=os.getpid())
    store.release_run_lock("acme", pid=1)
    assert store.acquire_run_lock("acme") is None
def test_a_batch_writes_what_page_by_page_writes(tmp_path: Path) -> None:
    one, many = Store(tmp_path / "one.db"), Store(tmp_path / "many.db")
    items = []
    for n in range(5):
        item = page_item(outlinks=(f"http://t{n}.example/", "http://shared.example/"))
        item.url = item.requested_url = f"{PAGE}/{n}"
        item.opportunity = page_opportunity("acme", item.url, item.analysis, depth=1,
                                            brand_domains=("acme.com",))
        items.append(item)
    run_one, run_many = one.start_run("acme", {}), many.start_run("acme", {})
    assert sum(one.save_pages(run_one, [item]) for item in items + items[:2]) == 5
    assert many.save_pages(run_many, items + items[:2]) == 5  # a URL twice: as if in turn
    for table in ("pages", "mentions", "links", "opportunities"):
        rows = lambda store: sorted(json.dumps(r, sort_keys=True)  # noqa: E731
                                    for r in store.db[table].rows)
        assert rows(one) == rows(many), table


def test_opportunities_are_retired_by_page_through_an_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    plan = " ".join(str(row) for row in store.db.execute(
        "EXPLAIN QUERY PLAN UPDATE opportunities SET active = 0 WHERE campaign = ? "
        "AND page_key = ? AND kind != 'broken_link' AND identity != ?", ["a", "b", "c"]))
    assert "idx_opportunities_campaign_page_key" in plan
