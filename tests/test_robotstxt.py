"""robots.txt as RFC 9309 says, through the virtual web (#8).

2xx: the first 500 KiB are parsed, however big the file (not "absent"); 4xx: all
allowed; 5xx and a server that cannot be reached: all disallowed for the run, counted
and named in the summary; a host that does not exist has no rules (its links are still
found dead)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mentionspider.robotstxt import MAX_ROBOTS_BYTES, cut_robots, robots_rule
from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import run_cli

PAGE = "<html><body><main><p>Acme Widgets {links}</p></main></body></html>"
# A robots.txt far over DOWNLOAD_MAXSIZE (set to 100 kB below): the rule at its top
# counts, the one past 500 KiB does not.
BIG_ROBOTS = ("User-agent: *\nDisallow: /private/\n" + "# padding line\n" * 40_000
              + "Disallow: /late/\n")


def robots_web() -> Web:
    web = Web()
    links = lambda *paths: " ".join(f'<a href="{p}">{p}</a>' for p in paths)  # noqa: E731
    web.add_page("big.example", "/robots.txt", BIG_ROBOTS, content_type="text/plain")
    web.add_page("big.example", "/", PAGE.format(links=links("/private/x", "/late/y", "/ok")))
    for path in ("/private/x", "/late/y", "/ok"):
        web.add_page("big.example", path, PAGE.format(links=""))
    web.add_route("down.example", "/robots.txt", Route(status=503))
    web.add_page("down.example", "/", PAGE.format(links=links("/a")))
    web.add_page("down.example", "/a", PAGE.format(links=""))
    web.add_route("hang.example", "/robots.txt", Route(hang=True))
    web.add_page("hang.example", "/", PAGE.format(links=""))
    web.add_route("forbidden.example", "/robots.txt", Route(
        status=403, body="User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"}))
    web.add_page("forbidden.example", "/", PAGE.format(links=links("/b")))
    web.add_page("forbidden.example", "/b", PAGE.format(links=""))
    web.add_page("missing.example", "/", PAGE.format(links=links(
        "/c", "http://nohost.example/gone", "http://down.example/linked")))
    web.add_page("missing.example", "/c", PAGE.format(links=""))
    return web


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("robots")
    campaign = tmp / "robots.toml"
    seeds = [f"http://{host}/" for host in
             ("big.example", "down.example", "hang.example", "forbidden.example",
              "missing.example")]
    campaign.write_text('name = "robots"\n[brand]\nnames = ["Acme Widgets"]\n'
                        f'domains = ["acmewidgets.com"]\n[crawl]\nseeds = {json.dumps(seeds)}\n'
                        "delay = 0\nconcurrency_per_site = 2\n[linkcheck]\ndelay = 0\n")
    db = tmp / "robots.db"
    with VirtualWeb(robots_web()) as web:
        result = run_cli(["sweep", str(campaign), "--db", str(db), "-s", "DOWNLOAD_MAXSIZE=100000",
                          "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1",
                          "-s", "MENTIONSPIDER_LINKCHECK_SOFT404=false"], proxy=web.url)
        log = list(web.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
        pages = {row[0] for row in conn.execute("SELECT url FROM pages")}
        checks = {url: (outcome, status) for url, outcome, status in
                  conn.execute("SELECT url, outcome, status FROM link_checks")}
    yield {"stats": stats, "pages": pages, "checks": checks, "summary": result.stdout,
           "log": {(e.host, e.path) for e in log if e.method != "CONNECT"}}


def test_an_oversized_robots_txt_is_parsed_up_to_500_kib(swept: dict[str, Any]) -> None:
    assert ("big.example", "/private/x") not in swept["log"]
    assert {"http://big.example/", "http://big.example/late/y",
            "http://big.example/ok"} <= swept["pages"]
    assert swept["stats"]["mentionspider/robots/cut"] == 1


def test_5xx_and_unreachable_disallow_the_host_for_the_run(swept: dict[str, Any]) -> None:
    assert not any(url.startswith(("http://down.example", "http://hang.example"))
                   for url in swept["pages"])
    assert ("down.example", "/") not in swept["log"]
    assert ("down.example", "/linked") not in swept["log"]
    assert swept["checks"]["http://down.example/linked"][0] == "blocked_by_robots"
    stats = swept["stats"]
    assert stats["mentionspider/robots/disallow_all"] == 2
    assert stats["mentionspider/robots/disallowed_hosts"] == [
        "down.example (503)", "hang.example (timeout)"]
    assert ("  robots.txt errors   2 host(s) disallowed for this run: down.example (503), "
            "hang.example (timeout)\n") in swept["summary"]


def test_4xx_allows_everything_and_a_dead_host_is_still_dead(swept: dict[str, Any]) -> None:
    assert {"http://forbidden.example/", "http://forbidden.example/b",
            "http://missing.example/", "http://missing.example/c"} <= swept["pages"]
    assert swept["checks"]["http://nohost.example/gone"] == ("broken", "dns")


def test_the_rules_pure() -> None:
    assert robots_rule(200) == ("parse", "200")
    assert robots_rule(404) == ("allow", "404")
    assert robots_rule(401) == ("allow", "401")
    assert robots_rule(500) == ("disallow", "500")
    assert robots_rule(599) == ("disallow", "599")
    assert robots_rule(404, failure="timeout") == ("disallow", "timeout")
    assert robots_rule(404, failure="tls") == ("disallow", "tls")
    assert robots_rule(503, failure="dns") == ("allow", "dns")
    assert robots_rule(503, failure="refused") == ("allow", "refused")
    body = b"User-agent: *\nDisallow: /a\n" + b"x" * MAX_ROBOTS_BYTES
    assert cut_robots(body) == b"User-agent: *\nDisallow: /a\n"
    assert cut_robots(b"short") == b"short"



def test_every_request_waiting_for_a_robots_txt_gets_its_rules(tmp_path: Path) -> None:
    """Three seeds on one host wait for its (slow) robots.txt together; each is checked
    against it (Scrapy 2.19's own middleware lets every waiter but the first through)."""
    web = Web()
    web.add_route("slow.example", "/robots.txt", Route(
        body="User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"},
        delay=0.5))
    for path in ("/ok", "/private/a", "/private/b"):
        web.add_page("slow.example", path, PAGE.format(links=""))
    seeds = ["http://slow.example/ok", "http://slow.example/private/a",
             "http://slow.example/private/b"]
    campaign = tmp_path / "robots.toml"
    campaign.write_text('name = "robots"\n[brand]\nnames = ["Acme Widgets"]\n'
                        f'domains = ["acmewidgets.com"]\n[crawl]\nseeds = {json.dumps(seeds)}\n'
                        "max_depth = 0\ndelay = 0\nconcurrency_per_site = 4\n",
                        encoding="utf-8")
    with VirtualWeb(web) as served:
        result = run_cli(["sweep", str(campaign), "--db", str(tmp_path / "r.db"), "-q"],
                         proxy=served.url)
        paths = sorted(e.path for e in served.requests if e.method != "CONNECT")
    assert result.returncode == 0, result.stderr[-3000:]
    assert paths == ["/ok", "/robots.txt"]
