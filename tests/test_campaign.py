"""Campaign files: the public contract loads; every kind of bad file fails with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentionspider.analysis.model import BrandName
from mentionspider.campaign import CampaignError, load_campaign
from mentionspider.render.policy import SiteRendering

GOOD = """\
name = "acme"
[brand]
names = ["Acme Widgets", "AcmeWidgets"]
domains = ["acmewidgets.com"]
[niche]
keywords = ["widgets", "gadgets"]
[crawl]
seeds = ["https://widgetblog.example/"]
max_depth = 2
max_pages_per_site = 200
delay = 0.5
concurrency_per_site = 2
obey_robots = true
check_links = true
"""


def write(tmp_path: Path, text: str, name: str = "c.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_contract_example_loads(tmp_path: Path) -> None:
    campaign = load_campaign(write(tmp_path, GOOD))
    assert campaign.name == "acme"
    assert campaign.brand_names == (BrandName("Acme Widgets"), BrandName("AcmeWidgets"))
    assert campaign.brand_domains == ("acmewidgets.com",)
    assert campaign.keywords == ("widgets", "gadgets")
    crawl = campaign.crawl
    assert crawl.seeds == ("https://widgetblog.example/",)
    assert (crawl.max_depth, crawl.max_pages_per_site, crawl.delay) == (2, 200, 0.5)
    assert (crawl.concurrency_per_site, crawl.obey_robots, crawl.check_links) == (2, True, True)


def test_render_js_defaults_to_auto_and_sites_override_it(tmp_path: Path) -> None:
    assert load_campaign(write(tmp_path, GOOD)).crawl.render_js == "auto"
    assert load_campaign(write(tmp_path, GOOD)).crawl.sites == ()
    text = GOOD + ('render_js = "never"\n[crawl.sites."SPA.example"]\nrender_js = "always"\n'
                   '[crawl.sites."forum.example"]\nwait_for = "#comments"\n')
    crawl = load_campaign(write(tmp_path, text)).crawl
    assert crawl.render_js == "never"
    assert crawl.sites == (SiteRendering("spa.example", "always", None),
                           SiteRendering("forum.example", None, "#comments"))


def test_seeds_file_and_name_options(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("# niche blogs\nhttps://a.example/\n\nhttp://b.example/x\n")
    text = GOOD.replace('seeds = ["https://widgetblog.example/"]', 'seeds_file = "urls.txt"')
    text = text.replace('names = ["Acme Widgets", "AcmeWidgets"]',
                        'names = ["Acme Widgets", {name = "Acme", match = "with-cue"}]')
    campaign = load_campaign(write(tmp_path, text))
    assert campaign.crawl.seeds == ("https://a.example/", "http://b.example/x")
    assert campaign.brand_names[1] == BrandName("Acme", "with-cue")


@pytest.mark.parametrize("old,new,message", [
    ('name = "acme"\n', "", "c.toml: name: missing required key"),
    ('names = ["Acme Widgets", "AcmeWidgets"]', "names = []",
     "c.toml: brand.names: must list at least one value"),
    ("max_depth = 2", 'max_depth = "two"',
     "c.toml: crawl.max_depth: expected an integer, got 'two'"),
    ("max_depth = 2", "max_depth = -1", "c.toml: crawl.max_depth: must be at least 0, got -1"),
    ("obey_robots = true", "obey_robots = 1",
     "c.toml: crawl.obey_robots: expected a boolean, got 1"),
    ("check_links = true", "check_links = true\nmax_pages = 5",
     "c.toml: crawl.max_pages: unknown key (expected one of: check_links, concurrency_per_site, "
     "contact_url, delay, max_depth, max_pages_per_site, obey_robots, render_js, seeds, "
     "seeds_file, sites)"),
    ("check_links = true", 'check_links = true\nrender_js = "sometimes"',
     "c.toml: crawl.render_js: expected one of never, auto, always, got 'sometimes'"),
    ("check_links = true", 'check_links = true\n[crawl.sites."spa.example"]\nrender_js = "yes"',
     'c.toml: crawl.sites."spa.example".render_js: expected one of never, auto, always, '
     "got 'yes'"),
    ("check_links = true", 'check_links = true\n[crawl.sites."spa.example"]\nrender = "always"',
     'c.toml: crawl.sites."spa.example".render: unknown key (expected one of: render_js, '
     "wait_for)"),
    ("check_links = true", 'check_links = true\n[crawl.sites."https://spa.example/"]\n'
     'render_js = "always"', 'c.toml: crawl.sites."https://spa.example/": expected a bare '
     "domain like acmewidgets.com, got 'https://spa.example/'"),
    ("check_links = true", 'check_links = true\nsites = ["spa.example"]',
     "c.toml: crawl.sites: expected a table, got ['spa.example']"),
    ("check_links = true", 'check_links = true\n[crawl.sites."spa.example"]\nwait_for = " "',
     "c.toml: crawl.sites.\"spa.example\".wait_for: expected a CSS selector, got ''"),
    ('seeds = ["https://widgetblog.example/"]', 'seeds = ["widgetblog.example"]',
     "c.toml: crawl.seeds[0]: expected an http(s) URL, got 'widgetblog.example'"),
    ('seeds = ["https://widgetblog.example/"]', 'seeds_file = "missing.txt"',
     "c.toml: crawl.seeds_file: cannot read missing.txt: No such file or directory"),
    ('domains = ["acmewidgets.com"]', 'domains = ["https://acmewidgets.com/"]',
     "c.toml: brand.domains[0]: expected a bare domain like acmewidgets.com, "
     "got 'https://acmewidgets.com/'"),
    ('[niche]', '[nich]', "c.toml: nich: unknown key (expected one of: brand, competitors, "
     "crawl, linkcheck, name, niche, scoring, search)"),
])
def test_bad_campaign_names_file_key_and_problem(tmp_path: Path, old: str, new: str,
                                                 message: str) -> None:
    assert old in GOOD
    with pytest.raises(CampaignError) as caught:
        load_campaign(write(tmp_path, GOOD.replace(old, new)))
    assert str(caught.value) == message.replace("c.toml", str(tmp_path / "c.toml"))


def test_invalid_toml_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CampaignError) as caught:
        load_campaign(write(tmp_path, "name = \n"))
    assert str(caught.value).startswith(f"{tmp_path / 'c.toml'}: invalid TOML: ")
    with pytest.raises(CampaignError) as caught:
        load_campaign(tmp_path / "nope.toml")
    assert str(caught.value) == f"{tmp_path / 'nope.toml'}: cannot read file: No such file or directory"


def test_bad_line_in_seeds_file(tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text("https://a.example/\nftp://b.example/\n")
    text = GOOD.replace('seeds = ["https://widgetblog.example/"]', 'seeds_file = "urls.txt"')
    with pytest.raises(CampaignError) as caught:
        load_campaign(write(tmp_path, text))
    assert str(caught.value) == (f"{tmp_path / 'c.toml'}: crawl.seeds_file: urls.txt line 2: "
                                 "expected an http(s) URL, got 'ftp://b.example/'")
