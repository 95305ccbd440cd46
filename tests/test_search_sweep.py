"""End to end: sweeps with no seeds, from search alone, over the virtual web.

A fake SearXNG (``searx.example``) and a fake Brave Search API (``brave.example``)
are served by the virtual web and search its pages (see
mentionspider/virtualweb/searchapis.py); the sweep is a real ``mentionspider sweep``
process writing a real SQLite file.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentionspider.virtualweb.searchapis import FakeBrave, FakeSearXNG, PageIndex
from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import run_cli

ACME = "Acme Widgets"


def article(title: str, body: str, links: str = "") -> str:
    return (f"<!doctype html><html lang=en><head><title>{title}</title></head><body>"
            f"<header><a href=/>Home</a></header><main><article><h1>{title}</h1>"
            f"<p>{body}</p>{links}</article></main><footer>(c) 2026</footer></body></html>")


def build_web() -> tuple[Web, FakeSearXNG, FakeBrave]:
    web = Web()
    pages = {
        # found by search, each an opportunity
        ("reviews.example", "/acme-widgets"): article(
            "Acme Widgets review", f"We tested {ACME} for a month. The {ACME} sprocket "
            "lasted longest.", '<a href="http://gone.example/old">an old test</a> '
            '<a href="https://twitter.com/reviews">follow us</a> '
            '<a href="http://archive.reviews.example/acme-2019">our 2019 test</a>'),
        # one link away from a result page, on the same site: crawl_depth = 1 only
        ("archive.reviews.example", "/acme-2019"): article(
            "2019 test", f"Back in 2019, {ACME} made the sturdiest hinge."),
        ("roundup.example", "/best-widgets"): article(
            "Best widgets", f"Our favourite widget maker is {ACME}, then Globex Gadgets."),
        ("listicle.example", "/top/widgets"): article(
            "Top widgets", f"Number one: {ACME}.",
            '<a href="http://old.listicle.example/acme">last year</a>'),
        ("old.listicle.example", "/acme"): article("Last year", f"Also {ACME}, in 2025."),
        # linked: a mention but not a prospect
        ("fan.example", "/love"): article(
            "Why we love them", f'<a href="https://acmewidgets.com/">{ACME}</a> rules.'),
        # never to be requested
        ("acmewidgets.com", "/"): article(ACME, f"{ACME}: precision widgets."),
        ("www.reddit.com", "/r/widgets/acme"): article("r/widgets", f"{ACME} anyone?"),
        ("directory.example", "/acme"): article("Directory", f"{ACME} listing."),
        ("forum.example", "/t/acme"): article("Forum", f"{ACME} thread."),
        ("twitter.com", "/reviews"): article("tweets", "nothing"),
        ("private.example", "/secret/acme"): article("Secret", f"{ACME} insider notes."),
        # only reachable through the URL list
        ("csvonly.example", "/mention"): article("From a CSV", f"{ACME} named here."),
    }
    for n in range(1, 16):  # many results: paging
        pages[("many.example", f"/p/{n:02d}")] = article(
            f"Widget page {n}", f"Widgets page {n} compares {ACME} and others.")
    for (host, path), html in pages.items():
        web.add_page(host, path, html)
    web.add_page("private.example", "/robots.txt", "User-agent: *\nDisallow: /secret/\n")
    web.add_route("gone.example", "/old", Route(status=404))
    # a listed URL that redirects to a social host: the redirect is never followed
    web.add_route("go.example", "/acme", Route(status=301,
                                               location="https://www.reddit.com/r/widgets/acme"))
    index = PageIndex(web, skip=("csvonly.example", "archive.reviews.example",
                                   "old.listicle.example"))
    searxng = FakeSearXNG(index, page_size=10, ignore=("-site",),
                          unresponsive_engines=[["google", "Suspended: too many requests"]])
    brave = FakeBrave(index, key="good-key", per_second=50)
    web.add_handler("searx.example", searxng)
    web.add_handler("brave.example", brave)
    return web, searxng, brave


CAMPAIGN = """\
name = "acme"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[competitors]
names = ["Globex Gadgets"]
domains = ["globexgadgets.com"]
[niche]
keywords = ["widgets"]
[crawl]
delay = 0
concurrency_per_site = 4
[linkcheck]
delay = 0
concurrency_per_host = 4
[search]
footprints = []
queries = ['"{brand}" -site:{domain} -site:forum.example', '"{brand}" inurl:widgets',
           '"nothing matches this" "{brand}"']
max_results_per_query = 30
exclude_domains = ["directory.example"]

[[search.providers]]
kind = "searxng"
url = "http://searx.example/"
requests_per_second = 50

[[search.providers]]
kind = "brave"
api_key_env = "TEST_BRAVE_KEY"
requests_per_second = 50

[[search.providers]]
kind = "urls"
file = "export.csv"
"""

BRAVE_URL = "MENTIONSPIDER_SEARCH_BRAVE_URL=http://brave.example/res/v1/web/search"


@pytest.fixture(scope="module")
def web() -> Iterator[tuple[VirtualWeb, FakeSearXNG, FakeBrave]]:
    built, searxng, brave = build_web()
    with VirtualWeb(built) as served:
        yield served, searxng, brave


def sweep(tmp: Path, served: VirtualWeb, campaign: str = CAMPAIGN,
          keys: dict[str, str] | None = None, db: Path | None = None) -> tuple[str, Path]:
    (tmp / "export.csv").write_text("Referring page URL,DR\nhttp://csvonly.example/mention,3\n"
                                    "http://reviews.example/acme-widgets,40\n"
                                    "http://go.example/acme,1\n", encoding="utf-8")
    path = tmp / "acme.toml"
    path.write_text(campaign, encoding="utf-8")
    db = db or tmp / "acme.db"
    keys = keys or {"TEST_BRAVE_KEY": "good-key"}
    os.environ.update(keys)
    try:
        result = run_cli(["sweep", str(path), "--db", str(db), "-s", BRAVE_URL,
                          "-s", "MENTIONSPIDER_SEARCH_BACKOFF=0"], proxy=served.url)
    finally:
        for name in keys:
            del os.environ[name]
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, db


def rows(db: Path) -> list[dict[str, str]]:
    result = run_cli(["export", "--db", str(db)])
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


SOURCE = (r'^(searxng|brave): "Acme Widgets" (-site:acmewidgets\.com -site:forum\.example'
          r'|inurl:widgets) #\d+$')
EXPECTED_PAGES = {
    "http://reviews.example/acme-widgets", "http://csvonly.example/mention",
    "http://roundup.example/best-widgets", "http://listicle.example/top/widgets",
    *(f"http://many.example/p/{n:02d}" for n in range(1, 16)),
}
NEVER = {"acmewidgets.com", "www.reddit.com", "directory.example", "forum.example",
         "twitter.com"}


def test_a_sweep_from_search_alone_finds_exactly_the_expected_pages(web, tmp_path: Path) -> None:
    import re

    served, _, _ = web
    served.reset()
    summary, db = sweep(tmp_path, served)
    found = rows(db)
    assert {(r["kind"], r["page_url"]) for r in found} == {
        *(("unlinked_mention", url) for url in EXPECTED_PAGES),
        ("broken_link", "http://reviews.example/acme-widgets")}
    by_url = {r["page_url"]: r["source"] for r in found}
    assert by_url["http://csvonly.example/mention"] == "urls: export.csv #1"
    assert by_url["http://reviews.example/acme-widgets"] == "urls: export.csv #2"
    for url in EXPECTED_PAGES - {"http://csvonly.example/mention",
                                 "http://reviews.example/acme-widgets"}:
        assert re.match(SOURCE, by_url[url]), by_url[url]
    log = served.requests
    assert not {r.host for r in log} & NEVER
    assert not [r for r in log if r.path.startswith("/secret/")]  # robots.txt obeyed
    assert not {"archive.reviews.example", "old.listicle.example"} & {
        r.host for r in log}  # crawl_depth = 0
    assert [r.path for r in log if r.host == "private.example"] == ["/robots.txt"]
    searx = [r for r in log if r.host == "searx.example"]
    assert all(r.path.startswith("/search?") and "format=json" in r.path for r in searx)
    assert not [r for r in searx + [r for r in log if r.host == "brave.example"]
                if r.path.endswith("robots.txt")]
    # Brave has no inurl: it got the query without it, and the results were filtered
    brave = sorted(r.path for r in log if r.host == "brave.example")
    assert "/res/v1/web/search?q=%22Acme+Widgets%22&count=20&offset=0" in brave
    assert "inurl" not in " ".join(brave)
    assert "  search searxng      7 queries sent, 0 from cache, 29 results, " in summary
    assert "    unresponsive engine: google (Suspended: too many requests)" in summary
    assert ("  search urls         3 URLs from export.csv (column 'Referring page URL'), "
            "3 new pages") in summary
    assert [r.url for r in log if r.host == "go.example"] == [
        "http://go.example/robots.txt", "http://go.example/acme"]  # then not to reddit
    assert "  errors              0\n" in summary  # a redirect to an excluded host is none

    # A rerun within cache_ttl_hours asks no provider anything, and finds the same.
    served.clear_log()
    summary, _ = sweep(tmp_path, served, db=db)
    assert not [r for r in served.requests if r.host in ("searx.example", "brave.example")]
    assert "  search searxng      0 queries sent, 7 from cache, 29 results, " in summary
    assert {(r["kind"], r["page_url"]) for r in rows(db)} == {
        (r["kind"], r["page_url"]) for r in found}


FAILING = CAMPAIGN.split("[search]")[0] + """\
[search]
crawl_depth = 1
footprints = []
queries = ['"{brand}" inurl:widgets']

[[search.providers]]
kind = "searxng"
name = "searx-off"
url = "http://127.0.0.1:LOCALPORT/"
requests_per_second = 50

[[search.providers]]
kind = "searxng"
name = "searx-busy"
url = "http://searx-busy.example/"
requests_per_second = 50

[[search.providers]]
kind = "brave"
api_key_env = "TEST_BRAVE_KEY"
requests_per_second = 50

[[search.providers]]
kind = "brave"
name = "brave-bad-key"
api_key_env = "TEST_BRAVE_BAD"
requests_per_second = 50

[[search.providers]]
kind = "urls"
file = "export.csv"
"""


def test_each_failing_provider_says_why_and_the_others_go_on(tmp_path: Path) -> None:
    built, _, _ = build_web()
    index = PageIndex(built, skip=("csvonly.example", "archive.reviews.example",
                                   "old.listicle.example"))
    local = Web()  # a SearXNG on this machine, reached directly, not through the proxy
    local.add_handler("127.0.0.1", FakeSearXNG(index, json=False))
    built.add_handler("searx-busy.example", FakeSearXNG(index, script=[429]))
    built.add_handler("brave.example", FakeBrave(index, key="good-key", error_shape="error",
                                                 script=["RATE_LIMITED", "QUOTA_LIMITED"]))
    with VirtualWeb(built) as served, VirtualWeb(local) as searx_off:
        port = searx_off.port
        campaign = FAILING.replace("LOCALPORT", str(port))
        summary, db = sweep(tmp_path, served, campaign,
                            {"TEST_BRAVE_KEY": "good-key", "TEST_BRAVE_BAD": "bad-key"})
        log = served.requests
        assert [(r.host, r.status) for r in searx_off.requests] == [("127.0.0.1", 403)]
    lines = summary.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("  search ")))
    assert lines[start:start + 9] == [
        "  search searx-off    1 queries sent, 0 from cache, 0 results, 0 new pages, 1 errors",
        f"    stopped: searx-off: the instance at http://127.0.0.1:{port}/ answered 403 "
        "Forbidden to format=json: its JSON output is off. Enable it in its settings.yml "
        "(search: formats: [html, json]) and restart it",
        "  search searx-busy   2 queries sent, 0 from cache, 5 results, 2 new pages, 1 errors",
        "  search brave        1 queries sent, 0 from cache, 0 results, 0 new pages, 2 errors",
        "    stopped: brave: the plan's quota is used up (429 QUOTA_LIMITED: Request quota "
        "limit exceeded for plan.); no more Brave queries this run; it resets in 16.4 days",
        "  search brave-bad-key 1 queries sent, 0 from cache, 0 results, 0 new pages, 1 errors",
        "    stopped: brave-bad-key: the API key in $TEST_BRAVE_BAD was refused (422 "
        "SUBSCRIPTION_TOKEN_INVALID: The provided subscription token is invalid.); check the "
        "key of your Search plan",
        "  search urls         3 URLs from export.csv (column 'Referring page URL'), "
        "3 new pages",
        "  robots.txt skipped  0",
    ]
    per_host = {host: len([r for r in log if r.host == host]) for host in (
        "127.0.0.1", "searx-busy.example", "brave.example")}
    assert per_host == {"127.0.0.1": 0, "searx-busy.example": 3, "brave.example": 3}
    found = {r["page_url"]: r["source"] for r in rows(db) if r["kind"] == "unlinked_mention"}
    assert set(found) == {
        "http://reviews.example/acme-widgets", "http://csvonly.example/mention",
        "http://roundup.example/best-widgets", "http://listicle.example/top/widgets",
        "http://archive.reviews.example/acme-2019",  # crawl_depth = 1: one link further
        "http://old.listicle.example/acme"}
    assert found["http://archive.reviews.example/acme-2019"] == "urls: export.csv #2"
    assert found["http://old.listicle.example/acme"] == found[
        "http://listicle.example/top/widgets"]
    assert found["http://old.listicle.example/acme"].startswith("searx-busy: ")
