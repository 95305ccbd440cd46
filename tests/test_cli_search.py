"""`mentionspider search --dry-run`: the exact queries per provider, nothing sent."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mentionspider.cli import cli

CAMPAIGN = """\
name = "acme"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[niche]
keywords = ["widgets"]
[search]
footprints = ["resources"]
queries = ['"{brand}" review -site:{domain}']
[[search.providers]]
kind = "searxng"
url = "http://127.0.0.1:8888/search"
[[search.providers]]
kind = "brave"
[[search.providers]]
kind = "urls"
file = "links.csv"
"""


def test_dry_run_prints_each_providers_queries(tmp_path: Path) -> None:
    (tmp_path / "links.csv").write_text("Source url,Anchor\nhttps://a.example/,x\n")
    path = tmp_path / "acme.toml"
    path.write_text(CAMPAIGN)
    result = CliRunner(env={"BRAVE_API_KEY": "k"}).invoke(cli, ["search", str(path),
                                                                "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "searxng (searxng, http://127.0.0.1:8888/): 6 queries, up to 50 results each",
        '  "widgets" intitle:resources',
        '  "widgets" inurl:links',
        '  "widgets" "useful links"',
        '  "widgets" intitle:resources site:edu',
        '  "widgets" intitle:resources site:gov',
        '  "Acme Widgets" review -site:acmewidgets.com    [enforced on results: '
        '-site:acmewidgets.com]',
        "brave (brave, https://api.search.brave.com/res/v1/web/search): 6 queries, up to 50 "
        "results each",
        '  "widgets" intitle:resources',
        '  "widgets"    [enforced on results: inurl:links]',
        '  "widgets" "useful links"',
        '  "widgets" intitle:resources site:edu',
        '  "widgets" intitle:resources site:gov',
        '  "Acme Widgets" review -site:acmewidgets.com    [enforced on results: '
        '-site:acmewidgets.com]',
        "urls (links.csv, column 'Source url'): 1 URLs, no queries",
    ]


def test_search_needs_a_search_table_and_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text(CAMPAIGN.split("[search]")[0] + '[crawl]\nseeds = ["https://a.example/"]\n')
    result = CliRunner().invoke(cli, ["search", str(path), "--dry-run"])
    assert (result.exit_code, result.output) == (
        2, f"Error: {path}: search: missing table: the campaign has no [search]\n")
    path.write_text(CAMPAIGN.replace('file = "links.csv"', 'file = "none.csv"'))
    result = CliRunner(env={"BRAVE_API_KEY": "k"}).invoke(cli, ["search", str(path)])
    assert (result.exit_code, result.output) == (
        2, f"Error: {path}: search.providers[2].file: cannot read none.csv: No such file or "
        "directory\n")
