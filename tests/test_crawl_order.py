"""The crawl is deterministic where it can be (#8): breadth-first level by level, so a
page's depth is its shortest distance from a seed and identical runs on an unchanged web
store identical page sets, whatever the timing; per-host concurrency holds at delay 0."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import run_cli

SITE = "order.example"


def graph(seed: int) -> Web:
    """The same link graph every time; the answer delays depend on ``seed``."""
    rng = random.Random(seed)
    links = {"/": ["/a-slow", "/b-fast"], "/a-slow": ["/d"], "/b-fast": ["/c", "/z-wide"],
             "/c": ["/d"], "/d": ["/e"], "/e": [], "/z-wide": []}
    for i in range(20):  # a wide third level: more pages than the site's budget
        links["/z-wide"].append(f"/x{i}")
        links[f"/x{i}"] = []
    web = Web()
    web.add_page(SITE, "/robots.txt", "User-agent: *\nAllow: /\n")
    for path, targets in links.items():
        body = ("<main><p>Acme Widgets. " + " ".join(f'<a href="{t}">{t}</a>' for t in targets)
                + "</p></main>")
        delay = 0.6 if path == "/a-slow" else rng.choice([0, 0, 0.05, 0.15])
        web.add_route(SITE, path, Route(body=body, delay=delay))
    return web


def sweep(tmp_path: Path, name: str, web: Web, crawl: str) -> dict[str, int]:
    campaign = tmp_path / f"{name}.toml"
    campaign.write_text('name = "order"\n[brand]\nnames = ["Acme Widgets"]\n'
                        'domains = ["acmewidgets.com"]\n[crawl]\n'
                        f'seeds = ["http://{SITE}/"]\ncheck_links = false\n{crawl}')
    db = tmp_path / f"{name}.db"
    with VirtualWeb(web) as served:
        result = run_cli(["sweep", str(campaign), "--db", str(db)], proxy=served.url)
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        return {url.removeprefix(f"http://{SITE}"): depth
                for url, depth in conn.execute("SELECT url, depth FROM pages")}


def test_depth_is_the_shortest_distance_and_runs_store_the_same_pages(tmp_path: Path) -> None:
    crawl = "max_depth = 3\nmax_pages_per_site = 12\ndelay = 0\nconcurrency_per_site = 4\n"
    first = sweep(tmp_path, "one", graph(1), crawl)
    # /d is two links from the seed (through the slow page), three through /b-fast and
    # /c: found first the long way, it must still count as depth 2, so /e is crawled;
    # and the budget of 12 pages takes the same five of the twenty /x pages every time.
    assert first == {"/": 0, "/a-slow": 1, "/b-fast": 1, "/c": 2, "/d": 2, "/z-wide": 2,
                     "/e": 3, **{f"/x{i}": 3 for i in range(5)}}
    second = sweep(tmp_path, "two", graph(2), crawl)
    assert second == first


def test_per_host_concurrency_holds_at_delay_0(tmp_path: Path) -> None:
    web = Web()
    pages = " ".join(f'<a href="/p{i}">p{i}</a>' for i in range(12))
    outlinks = " ".join(f'<a href="http://ext.example/t{i}">t{i}</a>' for i in range(12))
    web.add_page("site.example", "/", f"<main><p>Acme Widgets {pages} {outlinks}</p></main>")
    for i in range(12):
        web.add_route("site.example", f"/p{i}", Route(body="<main><p>page</p></main>",
                                                      delay=0.1))
        web.add_route("ext.example", f"/t{i}", Route(body="<p>target</p>", delay=0.1))
    campaign = tmp_path / "c.toml"
    campaign.write_text('name = "conc"\n[brand]\nnames = ["Acme Widgets"]\n'
                        'domains = ["acmewidgets.com"]\n[crawl]\n'
                        'seeds = ["http://site.example/"]\ndelay = 0\nconcurrency_per_site = 1\n'
                        "[linkcheck]\ndelay = 0\nconcurrency_per_host = 1\n")
    with VirtualWeb(web) as served:
        result = run_cli(["sweep", str(campaign), "--db", str(tmp_path / "c.db"), "-s",
                          "MENTIONSPIDER_LINKCHECK_SOFT404=false"], proxy=served.url)
        peaks = served.max_in_flight
    assert result.returncode == 0, result.stderr[-2000:]
    assert peaks == {"site.example": 1, "ext.example": 1}
