"""The ``[search]`` table of a campaign file, validated into a :class:`SearchConfig`.

::

    [search]
    footprints = ["mentions"]                 # built-in sets (default: ["mentions"])
    queries = ['"{brand}" review -site:{domain}']   # your own templates, optional
    max_results_per_query = 50
    crawl_depth = 0                           # 0: only the result pages; 1: their links too
    cache_ttl_hours = 168                     # reuse a (provider, query, page) answer this long
    exclude_domains = ["example-directory.com"]   # added to the built-in social/UGC list

    [[search.providers]]
    kind = "searxng"                          # a self-hosted SearXNG
    url = "http://127.0.0.1:8888/"
    # language, time_range (day|week|month|year), categories, engines: passed on
    # requests_per_second = 1.0

    [[search.providers]]
    kind = "brave"                            # Brave Search API
    api_key_env = "BRAVE_API_KEY"             # the key is read from this variable
    # country, search_lang, freshness: passed on; requests_per_second = 1.0

    [[search.providers]]
    kind = "urls"                             # a list you already have
    file = "ahrefs-export.csv"                # one URL a line, or a CSV with a URL column

Each provider may also have a ``name`` (default: its kind; a second one of a kind
is ``kind-2``), used in the run summary and the export's ``source`` column.
Problems are :class:`~mentionspider.campaign.CampaignError` lines (file, key, problem).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentionspider.campaign import (MAX_SEEDS_BYTES, CampaignError, _domain_problem, _Section,
                                    read_regular_file, url_problem)
from mentionspider.search.footprints import FOOTPRINTS, expand, placeholders_in, template_problem
from mentionspider.search.searxng import TIME_RANGES
from mentionspider.search.urllist import UrlListError, read_url_list

__all__ = ["KINDS", "ProviderConfig", "SearchConfig", "parse_search"]

KINDS = ("searxng", "brave", "urls")
_COMMON = {"kind", "name", "requests_per_second"}
_KEYS = {
    "searxng": _COMMON | {"url", "language", "time_range", "categories", "engines"},
    "brave": _COMMON | {"api_key_env", "country", "search_lang", "freshness"},
    "urls": {"kind", "name", "file"},
}
#: (smallest, largest) value of each number of the [search] table.
LIMITS: dict[str, tuple[float, float]] = {
    "max_results_per_query": (1, 1000),
    "crawl_depth": (0, 10),
    "cache_ttl_hours": (0, 24 * 366),
    "requests_per_second": (0.001, 100),
}
_EMPTY_HINT = {"brand": "brand.names", "domain": "brand.domains", "keyword": "niche.keywords",
               "competitor": "competitors.names", "competitor_domain": "competitors.domains"}


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    kind: str
    name: str
    url: str = ""  # searxng: the instance's base URL, ending in "/"
    options: tuple[tuple[str, str], ...] = ()  # passed on to the API (language, country, ...)
    requests_per_second: float | None = None  # None: MENTIONSPIDER_SEARCH_REQUESTS_PER_SECOND
    api_key_env: str = ""
    api_key: str = field(default="", repr=False)
    file: str = ""  # urls: the file as written in the campaign
    urls: tuple[str, ...] = ()  # urls: the URLs read from it
    column: str = ""  # urls: the CSV column they came from

    def option(self, key: str) -> str:
        return dict(self.options).get(key, "")


@dataclass(frozen=True, slots=True)
class SearchConfig:
    providers: tuple[ProviderConfig, ...]
    footprints: tuple[str, ...] = ("mentions",)
    queries: tuple[str, ...] = ()
    max_results_per_query: int = 50
    crawl_depth: int = 0
    cache_ttl_hours: float = 168.0
    exclude_domains: tuple[str, ...] = ()

    def templates(self) -> list[tuple[str, str]]:
        """(origin, template) of every query template: footprint sets, then your own."""
        out = [(name, t) for name in self.footprints for t in FOOTPRINTS[name].templates]
        return out + [("queries", t) for t in self.queries]

    def to_dict(self) -> dict[str, Any]:
        return {"footprints": list(self.footprints), "queries": list(self.queries),
                "providers": [{"kind": p.kind, "name": p.name, "url": p.url, "file": p.file}
                              for p in self.providers],
                "max_results_per_query": self.max_results_per_query,
                "crawl_depth": self.crawl_depth, "exclude_domains": list(self.exclude_domains)}


def _api_url_problem(value: str) -> str | None:
    """Like a seed URL, but a self-hosted API may be on a private or loopback address."""
    return url_problem(value, private_ok=True)


def _choice(section: _Section, key: str, choices: tuple[str, ...]) -> str:
    value = section.get(key, str, "")
    if value and value not in choices:
        raise section.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _provider(path: Path, where: str, table: Any, names: set[str]) -> ProviderConfig:
    if not isinstance(table, dict):
        raise CampaignError(path, where, f"expected a table, got {table!r}")
    kind = table.get("kind")
    if kind is None:
        raise CampaignError(path, f"{where}.kind", "missing required key")
    if kind not in KINDS:
        raise CampaignError(path, f"{where}.kind",
                            f"unknown provider kind {kind!r} (expected one of: {', '.join(KINDS)})")
    section = _Section(path, f"{where}.", table, _KEYS[kind])
    name = section.get("name", str, "")
    if name and name in names:
        raise section.fail("name", f"another provider is already named {name!r}")
    if not name:
        name, n = kind, 2
        while name in names:
            name, n = f"{kind}-{n}", n + 1
    names.add(name)
    rate = None
    if "requests_per_second" in table:
        rate = section.number("requests_per_second", float, None,
                              limits=LIMITS["requests_per_second"])
    if kind == "searxng":
        url = section.get("url", str, required=True)
        if problem := _api_url_problem(url):
            raise section.fail("url", problem)
        options = [(k, section.get(k, str, "")) for k in ("language", "categories", "engines")]
        options.append(("time_range", _choice(section, "time_range", TIME_RANGES)))
        for key in ("categories", "engines"):
            if isinstance(table.get(key), list):
                raise section.fail(key, "expected a comma-separated string, e.g. \"google,bing\"")
        base = url.split("?")[0].rstrip("/")
        base = base[: -len("/search")] if base.endswith("/search") else base
        return ProviderConfig(kind, name, base + "/",
                              tuple((k, v) for k, v in options if v), rate)
    if kind == "brave":
        env = section.get("api_key_env", str, "BRAVE_API_KEY")
        key = os.environ.get(env, "").strip()
        if not key:
            raise section.fail("api_key_env", f"the environment variable {env} is not set: "
                               "put your Brave Search API key in it")
        options = [(k, section.get(k, str, "")) for k in ("country", "search_lang", "freshness")]
        return ProviderConfig(kind, name, options=tuple((k, v) for k, v in options if v),
                              requests_per_second=rate, api_key_env=env, api_key=key)
    file = section.get("file", str, required=True)
    try:
        raw = read_regular_file(path.parent / file, MAX_SEEDS_BYTES)
    except OSError as exc:
        raise section.fail("file", f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        found = read_url_list(raw, file)
    except UrlListError as exc:
        raise section.fail("file", str(exc)) from None
    return ProviderConfig(kind, name, file=file, urls=found.urls, column=found.column)


def parse_search(table: Any, path: Path, values: Mapping[str, tuple[str, ...]]) -> SearchConfig:
    """Validate the ``[search]`` table; ``values`` are the placeholders' values
    (brand names, domains, keywords, competitors) for checking the templates."""
    section = _Section(path, "search.", table, {
        "footprints", "queries", "max_results_per_query", "crawl_depth", "cache_ttl_hours",
        "exclude_domains", "providers"})
    footprints = section.strings("footprints")
    for i, name in enumerate(footprints):
        if name not in FOOTPRINTS:
            raise section.fail(f"footprints[{i}]", f"unknown footprint set {name!r} (expected "
                               f"one of: {', '.join(FOOTPRINTS)})")
    queries = section.strings("queries", check=template_problem)
    for i, template in enumerate(queries):
        for placeholder in placeholders_in(template):
            if not values.get(placeholder):
                raise section.fail(f"queries[{i}]", f"uses {{{placeholder}}} but "
                                   f"{_EMPTY_HINT[placeholder]} is empty")
        if not expand(template, values):  # pragma: no cover - guarded above
            raise section.fail(f"queries[{i}]", "expands to no query")
    providers_table = table.get("providers") if isinstance(table, dict) else None
    if not providers_table:
        raise section.fail("providers", "no providers: add at least one [[search.providers]]")
    if not isinstance(providers_table, list):
        raise section.fail("providers", "expected an array of tables ([[search.providers]])")
    names: set[str] = set()
    providers = tuple(_provider(path, f"search.providers[{i}]", t, names)
                      for i, t in enumerate(providers_table))
    if "footprints" not in table and not queries:
        footprints = ("mentions",)
    return SearchConfig(
        providers=providers, footprints=tuple(dict.fromkeys(footprints)), queries=queries,
        max_results_per_query=section.number(
            "max_results_per_query", int, 50, limits=LIMITS["max_results_per_query"]),
        crawl_depth=section.number(
            "crawl_depth", int, 0, limits=LIMITS["crawl_depth"]),
        cache_ttl_hours=section.number(
            "cache_ttl_hours", float, 168.0, limits=LIMITS["cache_ttl_hours"]),
        exclude_domains=tuple(v.lower().rstrip(".") for v in section.strings(
            "exclude_domains", check=_domain_problem)))
