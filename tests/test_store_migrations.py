"""Migrations: a database made by the previous version keeps its ids and states."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from mentionspider.analysis.page import FoundMention, PageAnalysis
from mentionspider.items import PageItem
from mentionspider.opportunities import opportunity_id, page_opportunity
from mentionspider.store import Store, migrations

HTTP = "http://blog.example/post/"
HTTPS_TRACKED = "https://www.blog.example/post/?utm_source=newsletter"
DEAD = "http://dead.example/x"


def old_database(path: Path, *, stop_before: str) -> None:
    """What the version before ``stop_before`` wrote: twins of one page and of one dead
    link, as a crawl without canonical URLs stored them."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before=stop_before)
    db["campaigns"].insert({"name": "acme", "config": "{}", "created_at": "2026-10-01",
                            "updated_at": "2026-11-01"})
    for url, run in ((HTTP, 1), (HTTPS_TRACKED, 2)):
        db["pages"].insert({"campaign": "acme", "url": url, "site": "blog.example",
                            "status": 200, "title": "Post", "lang": "en", "depth": 1,
                            "linked": 0, "brand_link_rels": "[]", "mention_count": 1,
                            "keywords": "", "first_seen": "2026-10-01", "last_seen": "2026-11-01",
                            "last_run": run})
        db["links"].insert({"campaign": "acme", "page_url": url, "target_url": DEAD,
                            "anchor_text": "x", "rel": "", "placement": "main", "last_run": run})
        db["mentions"].insert({"campaign": "acme", "page_url": url, "seq": 0, "name": "Acme",
                               "matched": "Acme", "placement": "main", "snippet": "Acme.",
                               "in_link": 0, "competitor": 0})

    def opportunity(kind: str, page: str, target: str, state: str, first_seen: str,
                    note: str | None = None, anchor: str = "Acme") -> str:
        id_ = opportunity_id("acme", kind, page, target)
        db["opportunities"].insert({
            "id": id_, "campaign": "acme", "kind": kind, "page_url": page,
            "domain": "blog.example", "page_title": "Post", "target_url": target,
            "anchor_text": anchor, "status": "404" if target else "", "placement": "main",
            "snippet": "", "score": 50, "reasons": "", "first_seen": first_seen,
            "last_seen": "2026-11-01", "first_run": 1, "last_run": 2, "active": 1,
            "state": state, "state_changed_at": "2026-11-02", "note": note})
        return id_

    ids = {
        "contacted": opportunity("unlinked_mention", HTTP, "", "contacted", "2026-10-05",
                                 "emailed Jo"),
        "new": opportunity("unlinked_mention", HTTPS_TRACKED, "", "new", "2026-10-01"),
        "ignored": opportunity("broken_link", HTTP, DEAD, "ignored", "2026-10-01",
                               "not our topic", anchor="x"),
        "won": opportunity("broken_link", "https://blog.example/post", DEAD + "?utm_campaign=y",
                           "won", "2026-10-03", "replaced", anchor="x"),
        "other": opportunity("unlinked_mention", "http://blog.example/other/", "", "replied",
                             "2026-10-01"),
    }
    db["_ids"].insert_all([{"name": k, "id": v} for k, v in ids.items()])
    db.close()


def test_twins_are_merged_keeping_ids_and_the_most_advanced_state(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path, stop_before="m003_outreach_columns")
    ids = {r["name"]: r["id"] for r in sqlite_utils.Database(path)["_ids"].rows}
    store = Store(path)  # applies m003 and m004
    rows = {r["id"]: r for r in store.ranked_opportunities("acme")}
    assert set(rows) == {ids["contacted"], ids["won"], ids["other"]}
    mention = rows[ids["contacted"]]
    assert (mention["state"], mention["note"], mention["first_seen"], mention["matched_text"],
            mention["anchor_text"]) == ("contacted", "emailed Jo", "2026-10-01", "Acme", "")
    broken = rows[ids["won"]]
    assert (broken["state"], broken["note"], broken["anchor_text"], broken["matched_text"]) == (
        "won", "replaced | not our topic", "x", None)
    assert rows[ids["other"]]["state"] == "replied"
    # one page row per page, with its links and mentions; the latest crawl's twin kept
    assert [(r["url"], r["key"]) for r in store.db["pages"].rows] == [
        (HTTPS_TRACKED, "blog.example/post")]
    assert [r["page_url"] for r in store.db["links"].rows] == [HTTPS_TRACKED]
    assert [r["page_url"] for r in store.db["mentions"].rows] == [HTTPS_TRACKED]
    # an id that was merged away still finds its row
    store.set_state(ids["new"], "replied", "Jo answered")
    assert store.db["opportunities"].get(ids["contacted"])["state"] == "replied"
    store.close()


def test_a_rerun_under_another_address_keeps_the_stored_id(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_database(path, stop_before="m006_canonical_identity")  # the version before this one
    ids = {r["name"]: r["id"] for r in sqlite_utils.Database(path)["_ids"].rows}
    store = Store(path)
    page = "https://blog.example/post/"  # as the crawl now names it
    analysis = PageAnalysis(title="Post", lang="en", mentions=[
        FoundMention("Acme", "Acme", "main", "We like Acme.", False, 0)])
    item = PageItem(campaign="acme", url=page, requested_url=page, site="blog.example",
                    status=200, depth=1, fetched_at="2026-12-01T00:00:00+00:00",
                    analysis=analysis)
    item.opportunity = page_opportunity("acme", page, analysis, depth=1,
                                        brand_domains=("acme.com",))
    assert item.opportunity is not None and item.opportunity.id not in ids.values()
    run = store.start_run("acme", {})
    assert store.save_pages(run, [item]) == 0  # not new: the same page, found again
    mentions = [r for r in store.ranked_opportunities("acme", include_inactive=True)
                if r["kind"] == "unlinked_mention" and r["page_key"] == "blog.example/post"]
    assert [(r["id"], r["state"], r["page_url"], r["last_run"], r["active"]) for r in mentions] \
        == [(ids["contacted"], "contacted", page, run, 1)]
    assert [r["url"] for r in store.db["pages"].rows] == [page]  # its twin row replaced
    store.close()
