"""Every path that writes an opportunity keeps the columns it does not mean to change (#8):
mention rows (found, refreshed, retired when the page links, back again), broken-link
settling (found, refreshed, retired when the link goes, back again), a kind that changes,
and a batch that mixes all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mentionspider.analysis.page import FoundMention, OutLink, PageAnalysis
from mentionspider.items import PageItem
from mentionspider.opportunities import broken_link_opportunity, page_opportunity
from mentionspider.store import Store

KEPT = ("state", "note", "first_seen", "first_run", "state_changed_at")


def item(url: str, *, mention: bool = True, rels: tuple[str, ...] = (),
         outlinks: tuple[str, ...] = (), at: str = "2026-11-21T00:00:00+00:00") -> PageItem:
    analysis = PageAnalysis(
        title="A post", lang="en",
        mentions=[FoundMention("Acme", "Acme", "main", "We like Acme.", False, 0)] if mention
        else [], brand_link_rels=list(rels),
        outlinks=[OutLink(target, "a link", "", "main") for target in outlinks])
    page = PageItem(campaign="acme", url=url, requested_url=url, site="blog.example",
                    status=200, depth=1, fetched_at=at, analysis=analysis)
    page.opportunity = page_opportunity("acme", url, analysis, depth=1,
                                        brand_domains=("acme.com",))
    return page


def sweep(store: Store, pages: list[PageItem], dead: set[str]) -> int:
    """One run as the store pipeline does it: pages, then the broken links settled."""
    run = store.start_run("acme", {})
    store.save_pages(run, pages)
    store.save_link_checks([])
    rows = [r for r in store.broken_link_candidates("acme", run) if r["target_url"] in dead]
    store.settle_broken_links("acme", run, [broken_link_opportunity("acme", r) for r in rows])
    return run


def rows(store: Store) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r["kind"], r["page_url"], r["target_url"] or ""): r
            for r in store.ranked_opportunities("acme", include_inactive=True)}


def mark(store: Store, key: tuple[str, str, str], state: str) -> dict[str, Any]:
    store.set_state(rows(store)[key]["id"], state, f"{state} note")
    return {c: rows(store)[key][c] for c in KEPT}


def kept(store: Store, key: tuple[str, str, str], before: dict[str, Any]) -> dict[str, Any]:
    row = rows(store)[key]
    assert {c: row[c] for c in KEPT} == before, key
    return row


def dead_checks(store: Store, targets: set[str]) -> None:
    from mentionspider.items import LinkCheckItem
    store.save_link_checks([LinkCheckItem(url=t, outcome="broken", status="404", final_url=t,
                                          redirects=[], method="GET", evidence="HTTP 404",
                                          elapsed_ms=1, checked_at="2026-11-21T00:00:00+00:00",
                                          error="", attempts=1) for t in targets])


A, B = "http://blog.example/a", "http://blog.example/b"
D1, D2 = "http://dead.example/1", "http://dead.example/2"


def test_mention_rows_keep_their_history_through_retire_and_return(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    sweep(store, [item(A), item(B)], set())
    key = ("unlinked_mention", A, "")
    before = mark(store, key, "contacted")
    run2 = sweep(store, [item(A, rels=("",))], set())  # the page now links: retired
    assert kept(store, key, before)["active"] == 0
    sweep(store, [item(B)], set())  # A not crawled: untouched
    assert kept(store, key, before)["active"] == 0
    run4 = sweep(store, [item(A)], set())  # the link is gone again: the same row is back
    row = kept(store, key, before)
    assert (row["active"], row["last_run"], row["state"]) == (1, run4, "contacted")
    assert run2 < run4


def test_a_kind_change_retires_one_row_and_keeps_both_histories(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    sweep(store, [item(A)], set())
    unlinked = ("unlinked_mention", A, "")
    before = mark(store, unlinked, "replied")
    sweep(store, [item(A, rels=("nofollow",))], set())
    nofollow = ("nofollow_mention", A, "")
    assert kept(store, unlinked, before)["active"] == 0
    assert (rows(store)[nofollow]["active"], rows(store)[nofollow]["state"]) == (1, "new")
    before_nofollow = mark(store, nofollow, "won")
    sweep(store, [item(A)], set())
    assert kept(store, unlinked, before)["active"] == 1
    assert kept(store, nofollow, before_nofollow)["active"] == 0


def test_broken_link_rows_keep_their_history_through_settling(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    dead_checks(store, {D1, D2})
    sweep(store, [item(A, outlinks=(D1,))], {D1, D2})
    key1 = ("broken_link", A, D1)
    before = mark(store, key1, "contacted")
    # a second dead link on the page, a mention row and the first link in one batch
    sweep(store, [item(A, outlinks=(D1, D2)), item(B, outlinks=(D2,))], {D1, D2})
    assert kept(store, key1, before)["active"] == 1
    before2 = mark(store, ("broken_link", A, D2), "ignored")
    sweep(store, [item(A, outlinks=(D2,))], {D1, D2})  # D1 fixed: retired, state kept
    assert kept(store, key1, before)["active"] == 0
    assert kept(store, ("broken_link", A, D2), before2)["active"] == 1
    assert rows(store)[("broken_link", B, D2)]["active"] == 1  # B not crawled: untouched
    sweep(store, [item(A, outlinks=(D1, D2))], {D1, D2})  # D1 broken again: the same row
    assert kept(store, key1, before)["active"] == 1
    assert len(rows(store)) == 5  # 2 mention rows (A, B) + 3 (page, dead target) pairs


def test_a_page_crawled_twice_in_one_batch_keeps_its_state(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    sweep(store, [item(A)], set())
    key = ("unlinked_mention", A, "")
    before = mark(store, key, "lost")
    sweep(store, [item(A, at="2026-11-22T00:00:00+00:00"), item(B), item(A)], set())
    row = kept(store, key, before)
    assert row["active"] == 1
