"""Bad input on the web side is handled and counted: broken HTML, huge pages, redirect
loops, crawler traps, non-HTML files, dead seed hosts, pages answering errors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest

from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import run_cli

HOME = """<html><head><title>Rough</title></head><body><main>
<p>Links: <a href="/bad-html">bad</a> <a href="/huge">huge</a> <a href="/hop/0">hops</a>
<a href="/cal/2026/cal/2026/cal/2026/">calendar</a> <a href="/report.pdf">pdf</a>
<a href="/image">image</a> <a href="/gone">gone</a> <a href="/boom">boom</a></p>
</main></body></html>"""
BAD_HTML = (b"<html><body><p>We tested Acme Widgets<div><p><<<>>> <a href='http://[bad'>x</a>"
            b"</table></b>\x00\xff\xfe <p>still going <!-- unclosed comment")


def rough_web() -> Web:
    web = Web()
    web.add_page("rough.example", "/", HOME)
    web.add_page("rough.example", "/robots.txt", "User-agent: *\nAllow: /\n")
    web.add_page("rough.example", "/bad-html", BAD_HTML, content_type="text/html")
    web.add_page("rough.example", "/huge", "<p>" + "widget " * 40_000 + "</p>")
    for hop in range(8):  # a redirect chain longer than REDIRECT_MAX_TIMES
        web.add_route("rough.example", f"/hop/{hop}", Route(status=302, location=f"/hop/{hop + 1}"))
    web.add_page("rough.example", "/image", b"\x89PNG\r\n", content_type="image/png")
    web.add_route("rough.example", "/boom", Route(status=500))
    return web


@pytest.fixture(scope="module")
def rough(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("rough")
    campaign = tmp / "rough.toml"
    campaign.write_text('name = "rough"\n[brand]\nnames = ["Acme Widgets"]\n'
                        'domains = ["acmewidgets.com"]\n[crawl]\n'
                        'seeds = ["http://rough.example/", "http://nowhere.example/"]\n'
                        "delay = 0\nconcurrency_per_site = 4\ncheck_links = false\n")
    db = tmp / "rough.db"
    with VirtualWeb(rough_web()) as web:
        result = run_cli(["sweep", str(campaign), "--db", str(db), "-s", "DOWNLOAD_MAXSIZE=100000",
                          "-s", "RETRY_TIMES=0", "-s", "REDIRECT_MAX_TIMES=5"], proxy=web.url)
        log = list(web.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
        pages = {row[0] for row in conn.execute("SELECT url FROM pages")}
        kinds = {row for row in conn.execute("SELECT kind, page_url FROM opportunities")}
    yield {"stats": stats, "pages": pages, "kinds": kinds, "summary": result.stdout, "log": log}


def test_broken_html_is_still_analysed(rough: dict) -> None:
    assert ("unlinked_mention", "http://rough.example/bad-html") in rough["kinds"]
    assert "spider_exceptions/count" not in rough["stats"]


def test_failures_are_counted_by_kind(rough: dict) -> None:
    stats = rough["stats"]
    counted = {k.removeprefix("mentionspider/"): v for k, v in stats.items()
               if k.startswith("mentionspider/pages/") or k.startswith("mentionspider/frontier/")}
    assert counted == {
        "pages/analysed": 2,
        "pages/errors/too_big": 1,
        "pages/errors/too_many_redirects": 1,
        "pages/errors/dns": 1,
        "pages/errors/http_404": 1,
        "pages/errors/http_500": 1,
        "pages/not_html": 1,
        "frontier/repeated_path_segment": 1,
        "frontier/not_html": 1,
    }
    assert "errors              5" in rough["summary"]


def test_only_real_pages_are_stored_and_traps_never_fetched(rough: dict) -> None:
    assert rough["pages"] == {"http://rough.example/", "http://rough.example/bad-html"}
    paths = {entry.path for entry in rough["log"]}
    assert "/report.pdf" not in paths
    assert not any(path.startswith("/cal/") for path in paths)
