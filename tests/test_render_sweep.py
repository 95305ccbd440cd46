"""Pages built by script, end to end: real `mentionspider sweep` processes, real Chromium,
through the virtual web (https by CONNECT to its self-signed certificate).

spa.example's home page is an application shell: its script fetches the content (a brand
mention and a link to a dead host) and writes it into ``#root``. Its /about page beside it
is static. slowspa.example's shell loads a script that never arrives: the render times out
and the page falls back to its raw HTML. Three sweeps in all (never, auto, always), a few
real renders.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mentionspider.render.browser import find_chromium, BrowserSetupError
from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import run_cli, write_campaign

try:
    find_chromium()
except BrowserSetupError:  # pragma: no cover - CI installs it (.ci/run)
    pytest.skip("needs Debian's chromium (.ci/run installs it)", allow_module_level=True)

DEAD = "http://gone.example/old-guide"
SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget picks</title>
<script defer src="/static/app.js"></script></head><body>
<noscript>You need to enable JavaScript to run this app.</noscript>
<nav><a href="/about">About us</a></nav><div id="root"></div></body></html>"""
APP_JS = """
fetch('/api/picks.json').then(r => r.json()).then(data => {
  const root = document.getElementById('root');
  root.innerHTML = '<main><h1>' + data.title + '</h1><p>' + data.text + '</p>' +
    '<p>Read <a href="' + data.link + '">the old guide</a>.</p>' +
    '<img src="/static/hero.png" alt="">' + '</main>';
});
"""
PICKS = ('{"title": "Our widget picks", "text": "After a month of testing, Acme Widgets '
         'makes the sturdiest springs of the lot.", "link": "%s"}' % DEAD)
ABOUT_TEXT = " ".join(["We review widgets, gears and springs for the home workshop."] * 30)
ABOUT = (f"<!doctype html><html><head><title>About</title><script src='/static/stats.js'>"
         f"</script></head><body><main><h1>About us</h1><p>{ABOUT_TEXT}</p></main></body></html>")
SLOW_SHELL = """<!doctype html><html><head><title>Slow app</title>
<script src="/never.js"></script></head><body><div id="app"></div></body></html>"""


def build_web() -> Web:
    web = Web()
    web.add_page("spa.example", "/", SHELL)
    web.add_page("spa.example", "/static/app.js", APP_JS)
    web.add_page("spa.example", "/api/picks.json", PICKS)
    web.add_page("spa.example", "/static/stats.js", "window.stats = 1;")
    web.add_page("spa.example", "/static/hero.png", b"\x89PNG\r\n\x1a\n")
    web.add_page("spa.example", "/about", ABOUT)
    web.add_page("slowspa.example", "/", SLOW_SHELL)
    web.add_route("slowspa.example", "/never.js", Route(hang=True))
    return web


CAMPAIGN = """
name = "spa"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = {seeds}
max_depth = 1
delay = 0
render_js = "{mode}"
[linkcheck]
delay = 0
"""
FAST = ["-s", "MENTIONSPIDER_LINKCHECK_BACKOFF=0.1", "-s", "MENTIONSPIDER_RENDER_TIMEOUT=3"]


def _sweep(web: VirtualWeb, tmp: Path, mode: str, seeds: list[str],
           *args: str) -> dict[str, Any]:
    web.reset()
    campaign = write_campaign(tmp / f"{mode}.toml",
                              CAMPAIGN.format(mode=mode, seeds=repr(seeds).replace("'", '"')))
    db = tmp / f"{mode}.db"
    result = run_cli(["sweep", str(campaign), "--db", str(db), *FAST, *args], proxy=web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    pages = {row["url"]: dict(row) for row in conn.execute(
        "SELECT url, depth, render, render_reason, render_error, mention_count FROM pages")}
    opportunities = sorted((r["kind"], r["page_url"], r["target_url"] or "") for r in
                           conn.execute("SELECT * FROM opportunities WHERE active = 1"))
    stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
    conn.close()
    return {"stats": stats, "pages": pages, "opportunities": opportunities,
            "log": list(web.requests), "stdout": result.stdout,
            "crawl_log": log.read_text() if (log := db.with_suffix(".log")).exists() else ""}


@pytest.fixture(scope="module")
def web() -> Iterator[VirtualWeb]:
    with VirtualWeb(build_web()) as served:
        yield served


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("render")


FOUND = [("broken_link", "https://spa.example/", DEAD),
         ("unlinked_mention", "https://spa.example/", "")]


def test_never_reads_the_raw_shell_only(web: VirtualWeb, tmp: Path) -> None:
    run = _sweep(web, tmp, "never", ["https://spa.example/"])
    assert run["opportunities"] == []
    assert {url: p["render"] for url, p in run["pages"].items()} == {
        "https://spa.example/": "raw", "https://spa.example/about": "raw"}
    assert not any(e.path.startswith(("/static/", "/api/")) for e in run["log"])
    assert not any(e.host == "gone.example" for e in run["log"])
    assert "pages analysed      2 (2 raw, 0 rendered)" in run["stdout"]
    assert not any(k.startswith("playwright/") for k in run["stats"])  # no browser at all


def test_auto_renders_the_shell_not_the_static_page_and_falls_back_on_timeout(
        web: VirtualWeb, tmp: Path) -> None:
    run = _sweep(web, tmp, "auto", ["https://spa.example/", "https://slowspa.example/"])
    assert run["opportunities"] == FOUND
    assert run["pages"] == {
        "https://spa.example/": {
            "url": "https://spa.example/", "depth": 0, "render": "rendered",
            "render_reason": "empty mount node #root", "render_error": "", "mention_count": 1},
        "https://spa.example/about": {
            "url": "https://spa.example/about", "depth": 1, "render": "raw", "render_reason": "",
            "render_error": "", "mention_count": 0},
        "https://slowspa.example/": {
            "url": "https://slowspa.example/", "depth": 0, "render": "fallback",
            "render_reason": "empty mount node #app", "render_error": "timeout",
            "mention_count": 0},
    }
    log = run["log"]
    paths = [(e.method, e.host, e.path) for e in log if e.method != "CONNECT"]
    # the shell twice (raw, then the browser), the static page and the script's fetch once
    assert paths.count(("GET", "spa.example", "/")) == 2
    assert paths.count(("GET", "spa.example", "/about")) == 1
    assert paths.count(("GET", "spa.example", "/api/picks.json")) == 1
    assert ("GET", "spa.example", "/static/stats.js") not in paths  # /about was not rendered
    assert ("GET", "spa.example", "/static/hero.png") not in paths  # images are blocked
    # the dead link was checked by Scrapy, not visited by the browser
    dead = [e for e in log if e.host == "gone.example" and e.path == "/old-guide"]
    assert dead and not any("sec-fetch-mode" in {k.lower() for k in e.headers} for e in dead)
    assert any("sec-fetch-mode" in {k.lower() for k in e.headers} for e in log
               if e.path == "/api/picks.json")  # what a browser request looks like
    # the browser says who it is, CONNECTs included, and never calls Chromium's own services
    assert {e.user_agent.split(" ")[0] for e in log if e.user_agent} == {"mentionspider/0.1.0"}
    assert {e.host for e in log} == {"spa.example", "slowspa.example", "gone.example"}
    assert "pages analysed      3 (2 raw, 1 rendered; 1 fell back to raw HTML)" in run["stdout"]
    crawl_log = run["crawl_log"]
    assert "WARNING: rendering https://slowspa.example/ failed (timeout)" in crawl_log
    assert "Traceback" not in crawl_log, crawl_log[-3000:]
    assert crawl_log.count("] WARNING: ") == 1, crawl_log[-3000:]


def test_always_renders_every_page_without_a_raw_fetch(web: VirtualWeb, tmp: Path) -> None:
    run = _sweep(web, tmp, "always", ["https://spa.example/"],
                 "-s", "MENTIONSPIDER_RENDER_CONTEXT_PAGES=1")
    assert run["opportunities"] == FOUND
    assert {url: (p["render"], p["render_reason"]) for url, p in run["pages"].items()} == {
        "https://spa.example/": ("rendered", "render_js = always"),
        "https://spa.example/about": ("rendered", "render_js = always")}
    paths = [(e.method, e.host, e.path) for e in run["log"] if e.method != "CONNECT"]
    assert paths.count(("GET", "spa.example", "/")) == 1
    assert ("GET", "spa.example", "/static/stats.js") in paths
    # one page per context: the first context was closed once its page was done
    stats = run["stats"]
    assert (stats["mentionspider/render/rendered"], stats["playwright/context_count"],
            stats["mentionspider/render/contexts_recycled"]) == (2, 2, 1)
    assert stats["playwright/page_count/max_concurrent"] == 1


def test_distributed_workers_render_as_one_process_does(web: VirtualWeb, tmp: Path) -> None:
    """`sweep --redis --workers 2`: an application shell found raw by one worker goes back
    to the shared queue as a render request (pickled, its meta plain data) and is rendered
    by whichever worker pops it; pages, how each was read and the findings are one
    process's."""
    from tests.test_distributed import SERVER, redis_server

    if not Path(SERVER).exists():
        pytest.skip("redis-server not installed")
    one, folder = tmp / "one-process", tmp / "distributed"
    one.mkdir()
    folder.mkdir()
    alone = _sweep(web, one, "auto", ["https://spa.example/"])
    with redis_server(folder) as (url, _):
        spread = _sweep(web, folder, "auto", ["https://spa.example/"], "--redis", url,
                        "--workers", "2")
    assert spread["pages"] == alone["pages"]
    assert spread["opportunities"] == alone["opportunities"] == FOUND
    paths = [(e.method, e.host, e.path) for e in spread["log"] if e.method != "CONNECT"]
    assert paths.count(("GET", "spa.example", "/")) == 2  # raw, then the browser: once each
    assert spread["stats"]["mentionspider/render/rendered"] == 1
