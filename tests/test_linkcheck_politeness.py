"""Politeness of link checks end to end: per-host slots and delay, the global cap,
the User-Agent, and reruns that reuse fresh verdicts instead of rechecking."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Web
from tests.conftest import run_cli, write_campaign

TARGETS = [f"http://polite.example/p{i}" for i in range(5)]

CAMPAIGN = """
name = "polite"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://blog.example/"]
max_depth = 0
delay = 0
contact_url = "https://acme.example/crawler"
[linkcheck]
ttl_hours = 24
concurrency_per_host = 1
delay = 0.4
"""


def build_web() -> Web:
    web = Web()
    links = "".join(f'<p><a href="{url}">page {i}</a></p>' for i, url in enumerate(TARGETS))
    links += '<p><a href="http://other.example/x">other</a></p>'
    web.add_page("blog.example", "/", f"<html><body><main>{links}</main></body></html>")
    for url in TARGETS:
        web.add_page("polite.example", url.removeprefix("http://polite.example"),
                     "<html><head><title>A page</title></head><body><p>Words.</p></body></html>")
    web.add_page("other.example", "/x", "<html><body><p>Other.</p></body></html>")
    return web


def test_checks_are_polite_capped_and_reused_on_rerun(tmp_path: Path) -> None:
    campaign = write_campaign(tmp_path / "polite.toml", CAMPAIGN)
    db = tmp_path / "polite.db"
    with VirtualWeb(build_web()) as web:
        result = run_cli(["sweep", str(campaign), "--db", str(db),
                          "-s", "MENTIONSPIDER_LINKCHECK_CONCURRENCY=2",
                          "-s", "DOWNLOAD_DELAY_JITTER=0"], proxy=web.url)
        assert result.returncode == 0, result.stderr[-3000:]
        checks = [e for e in web.requests
                  if e.host == "polite.example" and e.path != "/robots.txt"]
        # each URL one GET (it reads the head for soft 404s), plus one probe
        assert not [e for e in checks if e.method == "HEAD"]
        gets = sorted(e.url for e in checks if e.method == "GET")
        assert [u for u in gets if "/mentionspider-probe-" not in u] == TARGETS
        assert sum("/mentionspider-probe-" in u for u in gets) == 1
        # one at a time on this host, 0.4 s apart (the campaign's [linkcheck] delay). The
        # times are when the virtual web read each request, so one gap may shrink by what a
        # loaded machine adds to the one before it in transit; the spacing as a whole may not.
        times = sorted(e.time for e in checks)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert min(gaps) >= 0.25, gaps
        assert times[-1] - times[0] >= 0.4 * len(gaps) - 0.15, gaps
        agents = {e.user_agent for e in checks}
        assert len(agents) == 1 and agents.pop().endswith("(+https://acme.example/crawler)")

        conn = sqlite3.connect(db)
        stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
        assert stats["mentionspider/linkcheck/requests/ok"] == 6  # one per target
        assert stats["mentionspider/linkcheck/requests/probe"] == 2  # polite and other
        checked_at = dict(conn.execute("SELECT url, checked_at FROM link_checks"))
        assert set(checked_at) == {*TARGETS, "http://other.example/x"}
        conn.close()

        web.clear_log()
        result = run_cli(["sweep", str(campaign), "--db", str(db)], proxy=web.url)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "links checked       0 (reused 6 fresh verdicts)" in result.stdout
        assert {e.host for e in web.requests if e.method != "CONNECT"} == {"blog.example"}
        conn = sqlite3.connect(db)
        assert dict(conn.execute("SELECT url, checked_at FROM link_checks")) == checked_at
        conn.close()
