"""The CLI: config errors, help texts, documentation, export formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentionspider import settings
from mentionspider.cli import cli
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_with_an_example_and_is_documented() -> None:
    for name, command in cli.commands.items():
        assert command.help, name
        assert "Example: mentionspider " + name in command.help, name
        assert f"mentionspider {name}" in README, f"{name} is not in the README"


def test_every_setting_is_documented() -> None:
    names = [n for n in vars(settings) if n.startswith("MENTIONSPIDER_")]
    assert names
    for name in names:
        assert f"`{name}`" in README, f"{name} is not in the README's settings table"


def test_bad_campaign_fails_with_one_line_exit_2_and_no_database(tmp_path: Path) -> None:
    campaign = tmp_path / "bad.toml"
    campaign.write_text('name = "acme"\n[brand]\nnames = ["Acme"]\ndomains = ["acme.com"]\n'
                        '[crawl]\nseeds = ["https://blog.example/"]\nmax_depth = "two"\n')
    db = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["sweep", str(campaign), "--db", str(db)])
    assert result.exit_code == 2
    assert result.output == (f"Error: {campaign}: crawl.max_depth: expected an integer, "
                             "got 'two'\n")
    assert not db.exists()


def test_missing_campaign_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sweep", str(tmp_path / "nope.toml"), "--db",
                                      str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert result.output == (f"Error: {tmp_path / 'nope.toml'}: cannot read file: "
                             "No such file or directory\n")


def test_check_campaign_accepts_the_sample() -> None:
    result = CliRunner().invoke(cli, ["check-campaign",
                                      str(ROOT / "mentionspider/sampleweb/campaign.toml")])
    assert result.exit_code == 0, result.output
    assert re.search(r": ok \(campaign 'acme', 2 seeds, 2 brand names, 1 search provider\)", result.output)


def test_export_needs_an_existing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output == f"Error: no database at {tmp_path / 'none.db'}\n"


def test_export_unknown_campaign_and_xlsx_needs_output(tmp_path: Path) -> None:
    from mentionspider.store import Store
    Store(tmp_path / "e.db").close()
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--db", str(tmp_path / "e.db"), "--campaign", "x"])
    assert (result.exit_code, result.output) == (1, f"Error: no campaign 'x' in {tmp_path / 'e.db'}\n")
    result = runner.invoke(cli, ["export", "--db", str(tmp_path / "e.db"), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--format xlsx needs -o FILE" in result.output


@pytest.mark.parametrize("setting", ["-s", "--set"])
def test_bad_setting_override(tmp_path: Path, setting: str) -> None:
    result = CliRunner().invoke(cli, ["sweep", str(ROOT / "mentionspider/sampleweb/campaign.toml"),
                                      "--db", str(tmp_path / "x.db"), setting, "NOVALUE"])
    assert result.exit_code == 2
    assert "expected NAME=VALUE, got 'NOVALUE'" in result.output
    assert not (tmp_path / "x.db").exists()


def test_scrapy_crawl_works_from_the_project_root(sample_web, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from mentionspider.virtualweb.server import proxy_env
    env = {**os.environ, **proxy_env(sample_web.url)}
    db = tmp_path / "scrapy.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "sweep", "-a",
         "campaign=mentionspider/sampleweb/campaign.toml", "-s", f"MENTIONSPIDER_DB={db}",
         "-s", "LOG_LEVEL=WARNING"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    export = run_cli(["export", "--db", str(db), "--kind", "broken_link"])
    assert export.stdout.count("\n") == 5  # header + 4 broken links


def test_explain_placement_prints_each_block_with_its_placement_and_rule(tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<body><nav><a href='/'>Home</a></nav><main><p>Acme Widgets makes the "
                    "sturdiest garden tools we have tested this year.</p></main></body>",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain-placement", str(page)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "nav       Home\n          <- markup: <nav>\n"
        "main      Acme Widgets makes the sturdiest garden tools we have tested this year.\n"
        "          <- inside the main region: <main>\n")


def test_explain_placement_of_a_missing_file_is_one_line_and_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["explain-placement", str(tmp_path / "nope.html")])
    assert (result.exit_code, result.output) == (2, f"Error: {tmp_path / 'nope.html'}: no such file\n")


def test_explain_placement_fetches_a_url_through_the_proxy(sample_web) -> None:
    result = run_cli(["explain-placement", "http://widgetblog.example/acme-review/",
                      "--width", "40"], proxy=sample_web.url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["header    The Widget Blog",
                         "          <- markup: <header class=\"site-header\">"]
    assert "main      Sprocket Pro 3 review: a year on the be…" in lines
    assert lines[-2:] == ["footer    Home · Best of 2026",
                          "          <- markup: <footer class=\"site-footer\">"]
