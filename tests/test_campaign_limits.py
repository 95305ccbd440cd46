"""Every campaign value is checked before the run: numbers, URLs, files, lengths (#8).

Each bad value is one line ``Error: FILE: KEY: problem``, exit 2, no request and no
database."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentionspider.campaign import CampaignError, load_campaign
from mentionspider.cli import cli
from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.web import Web
from tests.conftest import run_cli

BASE = """\
name = "acme"
[brand]
names = ["Acme"]
domains = ["acme.com"]
[crawl]
seeds = ["https://blog.example/"]
"""


def campaign(tmp_path: Path, crawl: str = "", extra: str = "", seeds: str | None = None) -> Path:
    text = BASE if seeds is None else BASE.replace('seeds = ["https://blog.example/"]', seeds)
    path = tmp_path / "c.toml"
    path.write_text(text + crawl + extra, encoding="utf-8")
    return path


LONG = "http://x.example/" + "a" * 3000
SHOWN = repr(LONG)[:79] + "…"


@pytest.mark.parametrize("crawl,extra,problem", [
    ("delay = inf\n", "", "crawl.delay: must be a finite number, got inf"),
    ("delay = nan\n", "", "crawl.delay: must be a finite number, got nan"),
    ("delay = 1e9\n", "", "crawl.delay: must be at most 600, got 1000000000.0"),
    ("delay = -0.5\n", "", "crawl.delay: must be at least 0, got -0.5"),
    ("max_depth = 1000\n", "", "crawl.max_depth: must be at most 100, got 1000"),
    ("max_depth = 99999999999999999999999\n", "",
     "crawl.max_depth: must be at most 100, got 99999999999999999999999"),
    ("max_pages_per_site = 0\n", "", "crawl.max_pages_per_site: must be at least 1, got 0"),
    ("concurrency_per_site = 1000\n", "",
     "crawl.concurrency_per_site: must be at most 100, got 1000"),
    ("", "[linkcheck]\nttl_hours = nan\n", "linkcheck.ttl_hours: must be a finite number, got nan"),
    ("", "[linkcheck]\nttl_hours = 1e9\n",
     "linkcheck.ttl_hours: must be at most 8784, got 1000000000.0"),
    ("", "[linkcheck]\nttl_hours = -inf\n",
     "linkcheck.ttl_hours: must be a finite number, got -inf"),
    ("", "[linkcheck]\ndelay = inf\n", "linkcheck.delay: must be a finite number, got inf"),
    ("", "[linkcheck]\nconcurrency_per_host = 0\n",
     "linkcheck.concurrency_per_host: must be at least 1, got 0"),
    ('contact_url = "https://acme.example/bot\\r\\nX-Evil: 1"\n', "",
     "crawl.contact_url: control or bidirectional-text characters in URL: "
     "'https://acme.example/bot\\r\\nX-Evil: 1'"),
])
def test_numbers_are_finite_and_in_range(tmp_path: Path, crawl: str, extra: str,
                                         problem: str) -> None:
    path = campaign(tmp_path, crawl, extra)
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    assert str(caught.value) == f"{path}: {problem}"


@pytest.mark.parametrize("seed,problem", [
    ("http://[::1/", "bad IPv6 address in URL: 'http://[::1/'"),
    ("http://[v1.x]/", "bad IPv6 address in URL: 'http://[v1.x]/'"),
    ("http://host.example:99999/", "bad port in URL: 'http://host.example:99999/'"),
    ("http://host.example:0/", "bad port in URL: 'http://host.example:0/'"),
    ("http://host.example:8o/", "bad port in URL: 'http://host.example:8o/'"),
    ("http://exa mple.com/", "bad host name in URL: 'http://exa mple.com/'"),
    ("http://a..example/", "bad host name in URL: 'http://a..example/'"),
    ("http://999.1.2.3/", "bad host name in URL: 'http://999.1.2.3/'"),
    ("http://127.0.0.1:8080/", "a loopback, private or reserved address in URL: "
                               "'http://127.0.0.1:8080/'"),
    ("http://[::1]/", "a loopback, private or reserved address in URL: 'http://[::1]/'"),
    ("http://localhost/", "a loopback, private or reserved address in URL: 'http://localhost/'"),
    ("http://blog\u202e.example/", "control or bidirectional-text characters in URL: "
                                   "'http://blog\\u202e.example/'"),
    ("ftp://blog.example/", "expected an http(s) URL, got 'ftp://blog.example/'"),
    (LONG, f"URL longer than 2083 characters: {SHOWN}"),
])
def test_seed_urls_are_parsed_as_the_crawler_parses_them(tmp_path: Path, seed: str,
                                                         problem: str) -> None:
    path = campaign(tmp_path, seeds=f"seeds = [{json.dumps(seed)}]")
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    assert str(caught.value) == f"{path}: crawl.seeds[0]: {problem}"


def test_unicode_and_plain_seeds_pass(tmp_path: Path) -> None:
    seeds = ["https://blog.example/", "http://bücher.example/a b?q=1#x",
             "https://user@shop.example:8443/", "http://8.8.8.8/", "http://[2a00:1450::1]/"]
    path = campaign(tmp_path, seeds=f"seeds = {json.dumps(seeds)}")
    assert load_campaign(path).crawl.seeds == tuple(seeds)


def test_special_files_are_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for name in ("/dev/zero", str(fifo), str(tmp_path)):
        with pytest.raises(CampaignError) as caught:
            load_campaign(name)
        assert str(caught.value) == f"{name}: cannot read file: not a regular file"
        path = campaign(tmp_path, seeds=f"seeds_file = {json.dumps(name)}")
        with pytest.raises(CampaignError) as caught:
            load_campaign(path)
        assert str(caught.value) == (f"{path}: crawl.seeds_file: cannot read {name}: "
                                     "not a regular file")


def test_oversized_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(CampaignError) as caught:
        load_campaign(big)
    assert str(caught.value) == f"{big}: cannot read file: larger than 1,048,576 bytes"


def test_a_huge_seed_line_is_quoted_short(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("https://ok.example/\n" + LONG * 2000 + "\n")
    path = campaign(tmp_path, seeds='seeds_file = "urls.txt"')
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: crawl.seeds_file: urls.txt line 2: URL longer than "
                              "2083 characters: 'http://x.example/aaa")
    assert message.endswith("…") and len(message) < len(str(path)) + 200


def test_a_long_value_is_cut_in_the_message(tmp_path: Path) -> None:
    path = campaign(tmp_path, 'max_depth = "' + "x" * 10_000 + '"\n')
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    assert str(caught.value) == (f"{path}: crawl.max_depth: expected an integer, got "
                                 + repr("x" * 10_000)[:79] + "…")
    path = campaign(tmp_path).with_name("n.toml")
    path.write_text(BASE.replace('names = ["Acme"]', f'names = ["{"A" * 300}"]'))
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    assert str(caught.value).startswith(
        f"{path}: brand.names[0]: longer than 200 characters: 'AAAA")


def test_a_large_seed_list_is_stored_as_count_and_digest(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("".join(f"https://s{i}.example/\n" for i in range(5000)))
    loaded = load_campaign(campaign(tmp_path, seeds='seeds_file = "urls.txt"'))
    summary = loaded.to_dict()
    assert summary["seed_count"] == 5000
    assert len(summary["seeds"]) == 100 and summary["seeds"][0] == "https://s0.example/"
    assert len(summary["seeds_sha256"]) == 64
    assert len(json.dumps(summary)) < 10_000


@pytest.mark.parametrize("crawl,key", [("delay = inf\n", "crawl.delay"),
                                       ('seeds_file = "/dev/zero"\n', "crawl.seeds_file")])
def test_sweep_fails_with_one_line_exit_2_and_no_database(tmp_path: Path, crawl: str,
                                                          key: str) -> None:
    path = campaign(tmp_path, crawl)
    db = tmp_path / "out.db"
    result = CliRunner().invoke(cli, ["sweep", str(path), "--db", str(db)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: {key}: ")
    assert result.output.count("\n") == 1
    assert not db.exists()


def test_seeds_beyond_the_site_budget_are_counted(tmp_path: Path) -> None:
    web = Web()
    for i in range(4):
        web.add_page("budget.example", f"/p{i}", "<main><p>Acme is fine.</p></main>")
    web.add_page("budget.example", "/robots.txt", "User-agent: *\nAllow: /\n")
    seeds = [f"http://budget.example/p{i}" for i in range(4)]
    path = campaign(tmp_path, "max_pages_per_site = 1\ndelay = 0\ncheck_links = false\n",
                    seeds=f"seeds = {json.dumps(seeds)}")
    db = tmp_path / "b.db"
    with VirtualWeb(web) as served:
        result = run_cli(["sweep", str(path), "--db", str(db)], proxy=served.url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "  over site budget    3\n" in result.stdout
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM runs").fetchone()[0])
        assert conn.execute("SELECT count(*) FROM pages").fetchone() == (1,)
    assert stats["mentionspider/frontier/site_budget"] == 3
    assert stats["mentionspider/frontier/seeds_skipped"] == 3
