"""History and verification on every recrawl (#12), end to end: three real sweeps of a
virtual site that changes between them, into one SQLite file."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentionspider.store import Store
from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import run_cli, write_campaign

BLOG = "http://blog.example"
LINK = '<a href="https://acmewidgets.com/{path}" rel="{rel}">the Acme catalogue</a>'


def page(text: str) -> str:
    return f"<html><head><title>{text[:20]}</title></head><body><main><p>{text}</p></main></body></html>"


def first_web() -> Web:
    web = Web()
    web.add_page("blog.example", "/", page(" ".join(
        f'<a href="/{p}">{p}</a>' for p in "abcdf") + " An index of widget posts."))
    web.add_page("blog.example", "/a", page("We reviewed Acme Widgets at length."))
    web.add_page("blog.example", "/b", page("Acme Widgets sells a blue widget."))
    web.add_page("blog.example", "/c", page("Acme Widgets was at the fair."))
    web.add_page("blog.example", "/d", page('A widget shop: <a href="http://dead.example/x">'
                                            'their catalogue</a>.'))
    web.add_page("blog.example", "/f", page('A gadget shop: <a href="http://later.example/">'
                                            'their shop</a>.'))
    return web


def sweep(db: Path, campaign: Path, web: VirtualWeb) -> str:
    result = run_cli(["sweep", str(campaign), "--db", str(db), "--quiet"], proxy=web.url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def rows(db: Path, *args: str) -> dict[str, dict[str, str]]:
    result = run_cli(["export", "--db", str(db), *args])
    assert result.returncode == 0, result.stderr
    return {(r["page_url"].removeprefix(BLOG), r["kind"]): r
            for r in csv.DictReader(io.StringIO(result.stdout))}


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("recrawl")
    campaign = write_campaign(tmp / "acme.toml", (
        'name = "acme"\n[brand]\nnames = ["Acme Widgets"]\ndomains = ["acmewidgets.com"]\n'
        '[crawl]\nseeds = ["http://blog.example/"]\ndelay = 0\nconcurrency_per_site = 4\n'
        "[linkcheck]\nttl_hours = 0\ndelay = 0\n"))
    db = tmp / "acme.db"
    web = first_web()
    seen: dict = {}
    with VirtualWeb(web) as served:
        sweep(db, campaign, served)
        seen["run1"] = rows(db)
        store = Store(db)
        ids = {key: row["id"] for key, row in seen["run1"].items()}
        store.set_state(ids[("/b", "unlinked_mention")], "contacted", "emailed Jo")
        store.set_state(ids[("/d", "broken_link")], "ignored")
        store.close()

        # run 2: /a links the brand, /c is gone, /d's dead link removed, /f's target lives
        web.add_page("blog.example", "/a", page("We reviewed Acme Widgets at length, see "
                                                + LINK.format(path="widgets", rel="") + "."))
        web.add_route("blog.example", "/c", Route(status=404, body="gone"))
        web.add_page("blog.example", "/d", page("A widget shop, now closed."))
        web.add_page("later.example", "/", page("A shop that is open again."))
        seen["summary2"] = sweep(db, campaign, served)
        seen["run2"] = rows(db, "--all")

        # run 3: /a's link is gone again, /b (contacted) now links the brand
        web.add_page("blog.example", "/a", page("We reviewed Acme Widgets at length."))
        web.add_page("blog.example", "/b", page("Acme Widgets sells a blue widget: "
                                                + LINK.format(path="ad", rel="nofollow") + " "
                                                + LINK.format(path="widgets", rel="")))
        sweep(db, campaign, served)
        seen["run3"] = rows(db, "--all")
        seen["default"] = rows(db)
    seen["db"], seen["ids"] = db, ids
    yield seen


def test_the_first_run_finds_the_prospects(recrawled: dict) -> None:
    assert sorted(recrawled["run1"]) == [("/a", "unlinked_mention"), ("/b", "unlinked_mention"),
                                         ("/c", "unlinked_mention"), ("/d", "broken_link"),
                                         ("/f", "broken_link")]


def test_a_page_that_now_links_the_brand_is_won_with_the_link(recrawled: dict) -> None:
    a = recrawled["run2"][("/a", "unlinked_mention")]
    assert (a["state"], a["active"], a["won_url"], a["won_anchor"], a["won_rel"],
            a["retired_reason"]) == ("won", "0", "https://acmewidgets.com/widgets",
                                     "the Acme catalogue", "", "the page now links to the brand")


def test_a_won_link_that_disappears_is_lost_and_shown(recrawled: dict) -> None:
    a = recrawled["default"][("/a", "unlinked_mention")]
    assert (a["state"], a["active"], a["retired_reason"]) == ("lost", "1", "")


def test_a_dead_page_retires_its_rows_with_the_reason(recrawled: dict) -> None:
    c = recrawled["run2"][("/c", "unlinked_mention")]
    assert (c["state"], c["active"], c["retired_reason"]) == ("new", "0", "the page answers 404")
    assert ("/c", "unlinked_mention") not in recrawled["default"]


def test_removed_and_fixed_dead_links_are_resolved_unless_a_person_set_the_state(
        recrawled: dict) -> None:
    d = recrawled["run2"][("/d", "broken_link")]
    assert (d["state"], d["active"], d["retired_reason"]) == (
        "ignored", "0", "the dead link was removed")  # a person's state stays
    f = recrawled["run2"][("/f", "broken_link")]
    assert (f["state"], f["active"], f["retired_reason"]) == ("resolved", "0",
                                                              "the link works now")


def test_a_persons_state_is_kept_until_the_page_links_the_brand(recrawled: dict) -> None:
    b2 = recrawled["run2"][("/b", "unlinked_mention")]
    assert (b2["state"], b2["active"], b2["note"]) == ("contacted", "1", "emailed Jo")
    b3 = recrawled["run3"][("/b", "unlinked_mention")]
    assert (b3["state"], b3["won_rel"], b3["note"]) == ("won", "", "emailed Jo")  # followed link


def test_every_state_change_is_kept_with_time_and_source(recrawled: dict) -> None:
    store = Store(recrawled["db"])
    try:
        history = [(h["old_state"], h["new_state"], h["source"], h["run_id"])
                   for h in store.state_history(recrawled["ids"][("/a", "unlinked_mention")])]
        b = [(h["new_state"], h["source"], h["detail"])
             for h in store.state_history(recrawled["ids"][("/b", "unlinked_mention")])]
    finally:
        store.close()
    assert history == [(None, "new", "recrawl", 1), ("new", "won", "recrawl", 2),
                       ("won", "lost", "recrawl", 3)]
    assert b == [("new", "recrawl", "first seen"), ("contacted", "person", "emailed Jo"),
                 ("won", "recrawl", "links to https://acmewidgets.com/widgets: "
                                    "'the Acme catalogue'")]
    with sqlite3.connect(recrawled["db"]) as conn:
        times = [t for (t,) in conn.execute("SELECT changed_at FROM state_changes")]
    assert all(t[:2] == "20" and t[10] == "T" for t in times)


def test_export_new_since_and_state_filters(recrawled: dict) -> None:
    db = recrawled["db"]
    assert sorted(rows(db, "--new-since", "1")) == []  # nothing new after run 1
    assert sorted(rows(db, "--new-since", "last")) == []
    assert sorted(rows(db, "--new-since", "2000-01-01", "--all")) == sorted(recrawled["run1"])
    assert sorted(rows(db, "--new-since", "2000-01-01")) == [("/a", "unlinked_mention")]
    assert sorted(rows(db, "--state", "won")) == [("/b", "unlinked_mention")]
    assert sorted(rows(db, "--state", "resolved", "--state", "lost")) == [
        ("/a", "unlinked_mention"), ("/f", "broken_link")]
    bad = run_cli(["export", "--db", str(db), "--new-since", "yesterday"])
    assert (bad.returncode, bad.stderr) == (2, "Error: --new-since: expected last, a run id or "
                                               "a date (2026-12-01), got 'yesterday'\n")
    bad = run_cli(["export", "--db", str(db), "--new-since", "99"])
    assert (bad.returncode, bad.stderr) == (2, f"Error: --new-since: no run 99 in {db}\n")


def test_the_summary_compares_with_the_previous_run(recrawled: dict) -> None:
    summary = recrawled["summary2"]
    start = summary.index("  changes since run 1:")
    assert summary[start:].splitlines()[:4] == [
        "  changes since run 1:",
        "                              new  retired      won     lost resolved",
        "    broken_link                 0        2        0        0        1",
        "    unlinked_mention            0        2        1        0        0"]
    assert "  pages analysed      5 (5 raw, 0 rendered; run 1: 6)\n" in summary


def test_runs_shows_what_each_run_changed(recrawled: dict) -> None:
    result = run_cli(["runs", "--db", str(recrawled["db"])])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "campaign", "status", "started", "pages", "broken", "new",
                                "retired", "won", "lost", "resolved", "blocked", "transient",
                                "failed", "seeds", "errors"]
    counts = [line.split()[:3] + line.split()[4:] for line in lines[1:]]
    assert counts == [["1", "acme", "finished", "6", "2", "5", "0", "0", "0", "0", "0", "0", "0", "0"],
                      ["2", "acme", "finished", "5", "0", "0", "4", "1", "0", "1", "0", "0", "0", "1"],
                      ["3", "acme", "finished", "5", "0", "0", "1", "1", "1", "0", "0", "0", "0", "1"]]
