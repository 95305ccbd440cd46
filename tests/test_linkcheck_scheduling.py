"""How link checks wait, end to end through the virtual web: a retry waits without
holding a place, a check dropped by another component still ends with a verdict and
frees its place, and private addresses are opened only when a campaign allows them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import write_campaign
from tests.test_linkcheck_sweep import CLOSED_PORT, sweep

CAMPAIGN = """
name = "waits"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://blog.example/"]
max_depth = 1
delay = 0
[linkcheck]
delay = {delay}
concurrency_per_host = 1
allow_private = {allow_private}
"""

PAGE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>Words.</p></body></html>"


def links(*urls: str) -> str:
    return "<html><body><main>" + "".join(
        f'<p><a href="{u}">link {i}</a></p>' for i, u in enumerate(urls)) + "</main></body></html>"


def run(tmp_path: Path, web: Web, *args: str, delay: float = 0,
        allow_private: bool = False) -> dict[str, Any]:
    campaign = write_campaign(tmp_path / "waits.toml", CAMPAIGN.format(
        delay=delay, allow_private=str(allow_private).lower()))
    db = tmp_path / "waits.db"
    with VirtualWeb(web) as served:
        result = sweep([str(campaign), "--db", str(db), "-s", "DOWNLOAD_TIMEOUT=2", *args],
                       served.url, no_proxy="127.0.0.1")
        assert result.returncode == 0, result.stderr[-3000:]
        log = list(served.requests)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    checks = {r["url"]: dict(r) for r in conn.execute("SELECT * FROM link_checks")}
    stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
    conn.close()
    return {"checks": checks, "log": log, "stats": stats}


def test_a_retry_after_wait_holds_no_place_other_hosts_go_on(tmp_path: Path) -> None:
    web = Web()
    others = [f"http://others.example/p{i}" for i in range(5)]
    web.add_page("blog.example", "/", links("http://slowdown.example/x", *others))
    web.add_route("slowdown.example", "/x", Route(sequence=[
        Route(status=429, headers={"Retry-After": "2"}), Route(body=PAGE.format("Fine"))]))
    for url in others:
        web.add_page("others.example", url.removeprefix("http://others.example"),
                     PAGE.format("Other"))
    # one check in flight at once, and one download at once: a retry that waited inside
    # the downloader (as it used to) would stop everything for its 2 s
    found = run(tmp_path, web, "-s", "MENTIONSPIDER_LINKCHECK_CONCURRENCY=1",
                "-s", "CONCURRENT_REQUESTS=1", "-s", "MENTIONSPIDER_LINKCHECK_SOFT404=False",
                delay=0.5)
    slow = [(e.time, e.status) for e in found["log"] if e.host == "slowdown.example"
            and e.path == "/x"]
    assert [s for _, s in slow] == [429, 200]
    (first, _), (retry, _) = slow
    assert retry - first >= 2.0  # Retry-After honoured
    during = [e.path for e in found["log"]
              if e.host == "others.example" and first < e.time < retry]
    assert len(during) >= 3, during  # others.example went on, 0.5 s apart, meanwhile
    assert {found["checks"][u]["outcome"] for u in ["http://slowdown.example/x", *others]} == {
        "ok"}
    assert found["checks"]["http://slowdown.example/x"]["attempts"] == 2


def test_a_check_dropped_by_another_component_ends_skipped_and_frees_its_place(
        tmp_path: Path) -> None:
    web = Web()
    web.add_page("blog.example", "/", links("http://a.example/ok", "/deeper"))
    # checks from this page are two links deep: Scrapy's DepthMiddleware (DEPTH_LIMIT=1)
    # drops the request silently, with no callback, errback or signal
    web.add_page("blog.example", "/deeper", links("http://b.example/x", "http://c.example/y",
                                                  "http://d.example/z"))
    for host in "abcd":
        for path in ("/ok", "/x", "/y", "/z"):
            web.add_page(f"{host}.example", path, PAGE.format("Fine"))
    found = run(tmp_path, web, "-s", "MENTIONSPIDER_LINKCHECK_CONCURRENCY=1",
                "-s", "DEPTH_LIMIT=1", "-s", "MENTIONSPIDER_LINKCHECK_SOFT404=False")
    checks = found["checks"]
    dropped = checks["http://b.example/x"]
    assert (dropped["outcome"], dropped["status"]) == ("skipped", "dropped")
    assert dropped["evidence"] == "the request never came back"
    assert not [e for e in found["log"] if e.host == "b.example" and e.path == "/x"]
    # the only place under the cap was freed: the checks behind it were made
    for url in ("http://a.example/ok", "http://c.example/y", "http://d.example/z"):
        assert (checks[url]["outcome"], checks[url]["status"]) == ("ok", "200"), url
    assert found["stats"]["mentionspider/linkcheck/lost"] == 1


def test_allow_private_checks_private_targets_but_pages_never_go_there(tmp_path: Path
                                                                      ) -> None:
    web = Web()
    local = f"http://127.0.0.1:{CLOSED_PORT}/x"
    web.add_page("blog.example", "/", links(local, "/to-local"))
    web.add_route("blog.example", "/to-local", Route(status=301,
                                                     location="http://localhost/admin"))
    found = run(tmp_path, web, allow_private=True)
    row = found["checks"][local]
    assert (row["outcome"], row["status"]) == ("broken", "refused")
    assert row["evidence"].startswith("the host refuses connections: ")
    # the crawl itself does not follow a redirect to a private address
    assert not [e for e in found["log"] if e.host == "localhost"]
    assert found["stats"]["mentionspider/private_address_refused"] == 1
