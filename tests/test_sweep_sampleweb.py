"""End to end: `mentionspider sweep` over the bundled sample web, through the proxy.

The expected findings are documented in mentionspider/sampleweb/README.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.testing import sample_web_dir
from tests.conftest import run_cli

CAMPAIGN = str(sample_web_dir() / "campaign.toml")
BLOG = "http://widgetblog.example"
BEST = f"{BLOG}/best-widgets-2026/"

EXPECTED = {
    ("unlinked_mention", f"{BLOG}/", "", "", "footer"),
    ("unlinked_mention", BEST, "", "", "main"),
    ("unlinked_mention", "https://gadgetnews.example/roundup", "", "", "main"),
    ("unlinked_mention", "https://gadgetnews.example/tag/widgets", "", "", "main"),  # noindex
    ("nofollow_mention", f"{BLOG}/forum-thread/", "", "", "comments"),
    ("competitor_mention", "https://gadgetnews.example/reviews/sprocket-2", "", "", "main"),
    ("broken_link", BEST, "http://oldwidgets.example/catalogue/blue-widget", "404", "main"),
    ("broken_link", BEST, "http://widgetshop.example/discontinued", "410", "main"),
    ("broken_link", BEST, "http://widgetshop.example/moved", "404", "main"),
    ("broken_link", BEST, "http://deadwidgets.example/", "dns", "main"),
    # found through the sample web's fake SearXNG (search discovery)
    ("unlinked_mention", "http://widgetreviews.example/acme-widgets-review", "", "", "main"),
    ("competitor_mention", "http://sprocketforum.example/t/globex-sprocket-pro", "", "", "main"),
}
FROM_SEARCH = {
    "http://widgetreviews.example/acme-widgets-review":
        'searxng: "Acme Widgets" -site:acmewidgets.com #1',
    "http://sprocketforum.example/t/globex-sprocket-pro":
        'searxng: "Globex Gadgets" -"Acme Widgets" -"AcmeWidgets" -site:globexgadgets.com '
        '-site:acmewidgets.com #2',
}


@pytest.fixture(scope="module")
def swept(sample_web: VirtualWeb, tmp_path_factory: pytest.TempPathFactory) -> dict:
    sample_web.clear_log()
    db = tmp_path_factory.mktemp("sweep") / "acme.db"
    result = run_cli(["sweep", CAMPAIGN, "--db", str(db)], proxy=sample_web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"db": db, "summary": result.stdout, "log": list(sample_web.requests)}


def export(db: Path, *args: str) -> str:
    result = run_cli(["export", "--db", str(db), *args])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sweep_finds_exactly_the_expected_opportunities(swept: dict) -> None:
    rows = list(csv.DictReader(io.StringIO(export(swept["db"]))))
    found = {(r["kind"], r["page_url"], r["target_url"], r["status"], r["placement"])
             for r in rows}
    assert found == EXPECTED
    assert {r["page_url"]: r["source"] for r in rows if r["source"] != "seed"} == FROM_SEARCH
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    scores = [int(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_csv_header_is_the_public_contract(swept: dict) -> None:
    header = export(swept["db"]).splitlines()[0]
    assert header.startswith("rank,score,kind,domain,page_url,page_title,target_url,anchor_text,"
                             "status,placement,snippet,reasons,first_seen,last_seen,state")


def test_main_content_mention_ranks_above_footer_mention(swept: dict) -> None:
    rows = json.loads(export(swept["db"], "--format", "json", "--kind", "unlinked_mention"))
    by_page = {r["page_url"]: r for r in rows}
    assert by_page[BEST]["rank"] < by_page[f"{BLOG}/"]["rank"]
    assert "Acme Widgets" in by_page[BEST]["snippet"]
    assert by_page[BEST]["reasons"].startswith("names Acme Widgets in the main content")
    assert by_page[f"{BLOG}/"]["snippet"] == ("Proudly comparing widgets since 2019. "
                                              "Thanks to Acme Widgets for the review samples.")


def test_competitor_and_nofollow_mentions_are_their_own_kinds(swept: dict) -> None:
    rows = json.loads(export(swept["db"], "--format", "json", "--kind", "competitor_mention",
                             "--kind", "nofollow_mention"))
    by_kind = {r["kind"]: r for r in rows}
    assert by_kind["competitor_mention"]["reasons"].startswith(
        "mentions or links competitor Globex Gadgets, globexgadgets.com in the main content")
    # the competitor's name is the text of its link; the brand's name in the comment is not
    assert (by_kind["competitor_mention"]["matched_text"],
            by_kind["competitor_mention"]["anchor_text"]) == ("Globex Gadgets", "Globex Gadgets")
    assert "links to the brand only with nofollow" in by_kind["nofollow_mention"]["reasons"]
    assert (by_kind["nofollow_mention"]["matched_text"],
            by_kind["nofollow_mention"]["anchor_text"]) == ("AcmeWidgets", "")


def test_broken_link_rows_carry_anchor_and_evidence(swept: dict) -> None:
    rows = json.loads(export(swept["db"], "--format", "json", "--kind", "broken_link"))
    assert all(r["anchor_text"] and r["domain"] == "widgetblog.example" for r in rows)
    dns = next(r for r in rows if r["status"] == "dns")
    assert "the whole domain is gone" in dns["reasons"]
    by_target = {r["target_url"]: r for r in rows}
    moved = by_target["http://widgetshop.example/moved"]
    assert moved["evidence"] == ("HTTP 404 after redirects: http://widgetshop.example/moved -> "
                                 "http://widgetshop.example/gone-for-good")
    # the snippet is the sentence around the link (and its neighbour, up to ~200 characters)
    assert moved["snippet"] == ("We bought our test units from Widget Shop's clearance page, "
                                "Partner Widgets and Busy Widgets. Dead Widgets, sadly, has "
                                "closed its online store.")
    assert by_target["http://oldwidgets.example/catalogue/blue-widget"]["snippet"].startswith(
        "The blue widget from Old Widgets Co. was our budget pick for years (see the catalogue "
        "page)")
    assert (by_target["http://widgetshop.example/discontinued"]["evidence"],
            by_target["http://widgetshop.example/discontinued"]["matched_text"]) == (
        "HTTP 410", None)


def test_one_page_is_one_row_whatever_its_address(swept: dict) -> None:
    """The blog's home page links to its own pages under other addresses: https, www.,
    tracking parameters and a fragment, an index file, and a printable copy whose
    rel=canonical names the guide. Each page is fetched once, under the seed's address."""
    blog = [(e.scheme, e.host, e.path) for e in swept["log"]
            if e.host.endswith("widgetblog.example") and e.method == "GET"]
    assert {(scheme, host) for scheme, host, _ in blog} == {("http", "widgetblog.example")}
    paths = [path for _, _, path in blog]
    assert paths.count("/best-widgets-2026/") == 1
    assert paths.count("/acme-review/") == 1
    assert "/forum-thread/index.html" not in paths
    assert not any("utm_" in path for path in paths)
    assert "/best-widgets-2026/print/" in paths  # fetched, and folded into the guide
    rows = list(csv.DictReader(io.StringIO(export(swept["db"]), newline="")))
    assert not any("/print/" in r["page_url"] or "www." in r["page_url"] for r in rows)
    broken = [r for r in rows if r["kind"] == "broken_link"]
    assert {(r["linking_pages"], r["linking_sites"]) for r in broken} == {("1", "1")}


def test_each_site_has_a_way_to_reach_it(swept: dict) -> None:
    rows = json.loads(export(swept["db"], "--format", "json"))
    reach = {(r["domain"], r["contact_email"], r["contact_page"]) for r in rows}
    assert reach == {
        # "jo [at] widgetblog [dot] example" on the blog's contact page
        ("widgetblog.example", "jo@widgetblog.example", "http://widgetblog.example/contact/"),
        # a mailto: link on the news site's about page
        ("gadgetnews.example", "tips@gadgetnews.example", "https://gadgetnews.example/about"),
        # found through search, never crawled beyond the result page: nothing known
        ("widgetreviews.example", None, None), ("sprocketforum.example", None, None)}
    authors = {r["page_url"]: r["author"] for r in rows if r["author"]}
    assert authors == {BEST: "Jo Baker",  # JSON-LD
                       "https://gadgetnews.example/roundup": "Sam Lee"}  # <meta name=author>


def test_every_reason_has_its_points_and_a_noindex_page_drops_far_down(swept: dict) -> None:
    rows = json.loads(export(swept["db"], "--format", "json"))
    for row in rows:
        assert all(re.search(r" \([+-]\d+\)$", reason) for reason in row["reasons"].split("; ")), \
            row["reasons"]
        assert sum(int(p) for p in re.findall(r"\(([+-]\d+)\)", row["reasons"])) == row["score"]
    tag = rows[-1]
    assert (tag["page_url"], tag["score"], tag["reasons"]) == (
        "https://gadgetnews.example/tag/widgets", 30,
        "names Acme Widgets in the main content (+30); no link to acmewidgets.com (+40); niche "
        "page (widgets) (+5); not indexed: robots noindex (-50); near the site's front page (+5)")
    best = next(r for r in rows if r["page_url"] == BEST and r["kind"] == "unlinked_mention")
    assert "updated 2026-11-20" in best["reasons"]  # the JSON-LD dateModified


def test_robots_disallowed_page_is_never_requested(swept: dict) -> None:
    paths = {(entry.host, entry.path) for entry in swept["log"]}
    assert ("widgetblog.example", "/robots.txt") in paths
    assert ("widgetblog.example", "/best-widgets-2026/") in paths
    assert not any(path.startswith("/private/") for host, path in paths
                   if host == "widgetblog.example")


def test_each_outbound_url_is_checked_once_with_one_request(swept: dict) -> None:
    checks = [(e.method, e.host, e.path) for e in swept["log"]
              if e.host == "oldwidgets.example" and e.path == "/catalogue/blue-widget"]
    assert checks == [("GET", "oldwidgets.example", "/catalogue/blue-widget")]
    agents = {e.user_agent for e in swept["log"] if e.method != "CONNECT"}
    assert len(agents) == 1 and agents.pop().startswith("mentionspider/")


def test_summary_and_run_row(swept: dict) -> None:
    summary = swept["summary"]
    # 6 widgetblog pages (not /private/; /print/ is folded into the guide) + 6 gadgetnews
    # pages + 2 found through search
    assert "pages analysed      14" in summary
    assert "links checked       11 " in summary  # unique outbound URLs, brand links excluded
    assert "broken targets      4" in summary
    assert "opportunities       12 (12 new)" in summary
    assert "robots.txt skipped  1" in summary
    assert ("  search searxng      21 queries sent, 0 from cache, 10 results, 2 new pages, "
            "0 errors\n    unresponsive engine: google (Suspended: too many requests)\n") in summary


def test_search_never_requests_brand_excluded_or_social_hosts(swept: dict) -> None:
    hosts = {entry.host for entry in swept["log"]}
    assert "searx.example" in hosts
    assert not hosts & {"acmewidgets.com", "www.acmewidgets.com", "www.reddit.com",
                        "makerdirectory.example", "twitter.com"}


def test_rerun_upserts_and_keeps_outreach_state(swept: dict, sample_web: VirtualWeb) -> None:
    db = swept["db"]
    first = json.loads(export(db, "--format", "json"))
    target = first[0]["id"]
    result = run_cli(["state", target, "contacted", "--db", str(db), "--note", "mailed"])
    assert result.returncode == 0, result.stderr
    sample_web.clear_log()
    result = run_cli(["sweep", CAMPAIGN, "--db", str(db)], proxy=sample_web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "opportunities       12 (0 new)" in result.stdout
    # within the campaign's cache_ttl_hours: not one search request
    assert not [e for e in sample_web.requests if e.host == "searx.example"]
    assert "  search searxng      0 queries sent, 21 from cache, 10 results, " in result.stdout
    second = json.loads(export(db, "--format", "json"))
    assert len(second) == len(first)
    row = next(r for r in second if r["id"] == target)
    assert (row["state"], row["first_seen"]) == ("contacted", first[0]["first_seen"])
