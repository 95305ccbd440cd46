"""Contact pages are fetched within the site's budget even where the depth stops the crawl;
a campaign's [scoring] table (language, authority list) reaches the score."""

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
[scoring]
language = "en"
authority_file = "top.csv"
placement.footer = 2
""")
    (tmp_path / "top.csv").write_text("rank,domain\n1,widgetblog.example\n", encoding="utf-8")
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
    assert (row["page_url"], row["contact_email"], row["contact_page"], row["authority"]) == (
        "http://widgetblog.example/", "jo@widgetblog.example",
        "http://widgetblog.example/contact/", 1)
    assert row["reasons"] == ("names Acme Widgets only in the footer (+2); no link to "
                              "acmewidgets.com (+40); in English (+5); authority rank 1 (+15); "
                              "a seed page (+5)")
    assert row["score"] == 67
