"""The [search] campaign contract: it loads as written; every bad value is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentionspider.campaign import CampaignError, load_campaign

BASE = """\
name = "acme"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[competitors]
names = ["Globex Gadgets"]
domains = ["globexgadgets.com"]
[niche]
keywords = ["widgets"]
"""

CONTRACT = BASE + """\
[search]
footprints = ["mentions"]
queries = ['"{brand}" review -site:{domain}']
max_results_per_query = 50
crawl_depth = 0
cache_ttl_hours = 168
exclude_domains = ["example-directory.com"]

[[search.providers]]
kind = "searxng"
url = "http://127.0.0.1:8888/"

[[search.providers]]
kind = "brave"
api_key_env = "BRAVE_API_KEY"

[[search.providers]]
kind = "urls"
file = "ahrefs-export.csv"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BRAVE_API_KEY", "test-key")
    csv = tmp_path / "ahrefs-export.csv"
    csv.write_text("Domain rating,Referring page URL,Referring page title\n"
                   "40,https://blog.example/acme,Acme post\n"
                   "12,https://forum.example/t/1,Thread\n", encoding="utf-8")
    return csv


def test_the_contract_loads_without_seeds(tmp_path: Path, export: Path) -> None:
    campaign = load_campaign(write(tmp_path, CONTRACT))
    search = campaign.search
    assert search is not None
    assert campaign.crawl.seeds == ()
    assert search.footprints == ("mentions",)
    assert search.queries == ('"{brand}" review -site:{domain}',)
    assert (search.max_results_per_query, search.crawl_depth, search.cache_ttl_hours) == (
        50, 0, 168.0)
    assert search.exclude_domains == ("example-directory.com",)
    searxng, brave, urls = search.providers
    assert (searxng.kind, searxng.name, searxng.url) == ("searxng", "searxng",
                                                         "http://127.0.0.1:8888/")
    assert (brave.kind, brave.api_key, brave.api_key_env) == ("brave", "test-key", "BRAVE_API_KEY")
    assert "test-key" not in repr(brave) and "test-key" not in str(campaign.to_dict())
    assert urls.urls == ("https://blog.example/acme", "https://forum.example/t/1")
    assert urls.column == "Referring page URL"


def test_without_search_seeds_are_still_required(tmp_path: Path) -> None:
    with pytest.raises(CampaignError) as error:
        load_campaign(write(tmp_path, BASE))
    assert str(error.value) == f"{tmp_path / 'c.toml'}: crawl: missing required table"


def test_footprints_default_to_mentions(tmp_path: Path) -> None:
    text = BASE + '[search]\n[[search.providers]]\nkind = "searxng"\nurl = "http://s.example"\n'
    search = load_campaign(write(tmp_path, text)).search
    assert search is not None
    assert search.footprints == ("mentions",)
    assert search.providers[0].url == "http://s.example/"


SEARX = '[[search.providers]]\nkind = "searxng"\nurl = "http://s.example/"\n'


@pytest.mark.parametrize("search,message", [
    ('[search]\n[[search.providers]]\nkind = "google"\n',
     "search.providers[0].kind: unknown provider kind 'google' (expected one of: searxng, "
     "brave, urls)"),
    ('[search]\nfootprints = ["mentionz"]\n' + SEARX,
     "search.footprints[0]: unknown footprint set 'mentionz' (expected one of: mentions, "
     "competitor_gaps, resources, broken_link_prospects)"),
    ("[search]\nqueries = ['\"{brnd}\" review']\n" + SEARX,
     "search.queries[0]: unknown placeholder {brnd} in '\"{brnd}\" review' (expected one of: "
     "{brand}, {domain}, {keyword}, {competitor}, {competitor_domain})"),
    ('[search]\n[[search.providers]]\nkind = "brave"\napi_key_env = "NO_SUCH_KEY_VAR"\n',
     "search.providers[0].api_key_env: the environment variable NO_SUCH_KEY_VAR is not set: "
     "put your Brave Search API key in it"),
    ('[search]\n[[search.providers]]\nkind = "urls"\nfile = "missing.csv"\n',
     "search.providers[0].file: cannot read missing.csv: No such file or directory"),
    ('[search]\n', "search.providers: no providers: add at least one [[search.providers]]"),
    ('[search]\n[[search.providers]]\nkind = "searxng"\nurl = "s.example"\n',
     "search.providers[0].url: expected an http(s) URL, got 's.example'"),
    ('[search]\n[[search.providers]]\nkind = "searxng"\nurl = "http://s.example/"\n'
     'time_range = "week-ish"\n',
     "search.providers[0].time_range: expected one of day, week, month, year, got 'week-ish'"),
    ('[search]\nmax_results_per_query = 0\n' + SEARX,
     "search.max_results_per_query: must be at least 1, got 0"),
    ('[search]\nexclude_domains = ["https://x.example/"]\n' + SEARX,
     "search.exclude_domains[0]: expected a bare domain like acmewidgets.com, got "
     "'https://x.example/'"),
    ('[search]\nfrobnicate = 1\n' + SEARX,
     "search.frobnicate: unknown key (expected one of: cache_ttl_hours, crawl_depth, "
     "exclude_domains, footprints, max_results_per_query, providers, queries)"),
])
def test_bad_search_values_are_one_line(tmp_path: Path, search: str, message: str) -> None:
    with pytest.raises(CampaignError) as error:
        load_campaign(write(tmp_path, BASE + search))
    assert str(error.value) == f"{tmp_path / 'c.toml'}: {message}"


def test_a_placeholder_without_values(tmp_path: Path) -> None:
    text = BASE.replace('keywords = ["widgets"]', "keywords = []")
    text += "[search]\nqueries = ['\"{keyword}\" intitle:resources']\n" + SEARX
    with pytest.raises(CampaignError) as error:
        load_campaign(write(tmp_path, text))
    assert str(error.value).endswith(
        "search.queries[0]: uses {keyword} but niche.keywords is empty")


def test_a_csv_without_a_url_column(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("Keyword,Volume\nwidgets,100\n", encoding="utf-8")
    text = BASE + '[search]\n[[search.providers]]\nkind = "urls"\nfile = "x.csv"\n'
    with pytest.raises(CampaignError) as error:
        load_campaign(write(tmp_path, text))
    assert str(error.value).endswith(
        "search.providers[0].file: x.csv: no URL column (looked for a header like 'URL', "
        "'Referring page URL', 'Source url' or 'Page')")
