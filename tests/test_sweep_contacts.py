"""Contact pages are fetched within the site's budget even where the depth stops the crawl."""

from __future__ import annotations

import json
from pathlib import Path

from mentionspider.virtualweb.server import VirtualWeb
from tests.conftest import run_cli, write_campaign


def test_contact_page_beyond_the_depth_is_fetched(sample_web: VirtualWeb, tmp_path: Path) -> None:
    campaign = write_campaign(tmp_path / "c.toml", """
name = "depth0"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://widgetblog.example/"]
max_depth = 0
delay = 0
check_links = false
""")
    db = tmp_path / "c.db"
    sample_web.clear_log()
    result = run_cli(["sweep", str(campaign), "--db", str(db)], proxy=sample_web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    fetched = sorted(e.path for e in sample_web.requests
                     if e.host == "widgetblog.example" and e.method == "GET")
    # the seed, and its contact page (depth 1 > max_depth 0); no other page
    assert fetched == ["/", "/contact/", "/robots.txt"]
    assert "pages analysed      2" in result.stdout
    export = run_cli(["export", "--db", str(db), "--format", "json"])
    [row] = json.loads(export.stdout)
    assert (row["page_url"], row["contact_email"], row["contact_page"]) == (
        "http://widgetblog.example/", "jo@widgetblog.example",
        "http://widgetblog.example/contact/")
