"""Load and validate a campaign file (TOML) into a typed :class:`Campaign`.

Every problem is reported as one :class:`CampaignError` naming the file, the
key and what is wrong, before anything is crawled or written::

    acme.toml: crawl.max_depth: expected an integer, got "two"

The file format (keys marked * are required)::

    name = "acme"                      # * campaign id: letters, digits, - _ .
    [brand]
    names = ["Acme Widgets", {name = "Acme", match = "sensitive"}]   # * one or more;
                                       #   match: insensitive (default) | sensitive | with-cue
    domains = ["acmewidgets.com"]      # * any subdomain counts
    exclude = ["acme road runner"]     # phrases that are not the brand
    spacing_variants = false           # also match AcmeWidgets / Acme-Widgets
    fold_diacritics = false            # Café == Cafe
    [competitors]
    names = ["Globex"]
    domains = ["globex.com"]
    [niche]
    keywords = ["widgets"]
    [crawl]
    seeds = ["https://widgetblog.example/"]   # and/or seeds_file = "urls.txt"
    max_depth = 2                      # 0 = only the seed pages
    max_pages_per_site = 200
    delay = 0.5                        # seconds between requests to one site
    concurrency_per_site = 2
    obey_robots = true
    check_links = true                 # false: a mention-only sweep
    contact_url = "https://example.com/bot"   # shown in the User-Agent
    [linkcheck]
    ttl_hours = 24                     # reuse a stored verdict younger than this
    concurrency_per_host = 2
    delay = 0.5                        # seconds between checks to one host
    obey_robots = true                 # a robots-disallowed target is blocked_by_robots
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mentionspider.analysis.model import BrandName

__all__ = ["Campaign", "CampaignError", "CrawlConfig", "LinkCheckConfig", "load_campaign",
           "parse_campaign"]

MATCH_MODES = ("insensitive", "sensitive", "with-cue")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class CampaignError(ValueError):
    """A campaign file is missing, unreadable or invalid."""

    def __init__(self, path: str | Path, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}" if key else f"{path}: {problem}")


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    seeds: tuple[str, ...]
    max_depth: int = 2
    max_pages_per_site: int = 200
    delay: float = 0.5
    concurrency_per_site: int = 2
    obey_robots: bool = True
    check_links: bool = True
    contact_url: str | None = None


@dataclass(frozen=True, slots=True)
class LinkCheckConfig:
    ttl_hours: float = 24.0
    concurrency_per_host: int = 2
    delay: float = 0.5
    obey_robots: bool = True


@dataclass(frozen=True, slots=True)
class Campaign:
    name: str
    brand_names: tuple[BrandName, ...]
    brand_domains: tuple[str, ...]
    crawl: CrawlConfig
    exclude: tuple[str, ...] = ()
    spacing_variants: bool = False
    fold_diacritics: bool = False
    competitor_names: tuple[BrandName, ...] = ()
    competitor_domains: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    linkcheck: LinkCheckConfig = field(default_factory=LinkCheckConfig)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary, stored with each run."""
        return {
            "name": self.name,
            "brand": {"names": [n.text for n in self.brand_names],
                      "domains": list(self.brand_domains)},
            "competitors": {"names": [n.text for n in self.competitor_names],
                            "domains": list(self.competitor_domains)},
            "keywords": list(self.keywords),
            "seeds": list(self.crawl.seeds),
            "source": self.source,
        }


# --- validation helpers ----------------------------------------------------------------

def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


class _Section:
    """Reads typed keys out of one TOML table and rejects unknown ones."""

    def __init__(self, path: Path, prefix: str, table: Any, allowed: set[str]) -> None:
        self.path, self.prefix = path, prefix
        if not isinstance(table, dict):
            raise CampaignError(path, prefix.rstrip("."), f"expected a table, got {_type_name(table)}")
        self.table = table
        for key in table:
            if key not in allowed:
                raise CampaignError(path, prefix + key,
                                    f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    def fail(self, key: str, problem: str) -> CampaignError:
        return CampaignError(self.path, self.prefix + key, problem)

    def get(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        if key not in self.table:
            if required:
                raise self.fail(key, "missing required key")
            return default
        value = self.table[key]
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok, value = True, float(value)
        if not ok:
            raise self.fail(key, f"expected {_type_name(kind())}, got {value!r}")
        return value

    def number(self, key: str, kind: type, default: Any, minimum: float) -> Any:
        value = self.get(key, kind, default)
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum:g}, got {value!r}")
        return value

    def strings(self, key: str, *, required: bool = False,
                check: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        values = self.get(key, list, [], required=required)
        out = []
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{key}[{i}]", f"expected a non-empty string, got {value!r}")
            value = value.strip()
            problem = check(value) if check else None
            if problem:
                raise self.fail(f"{key}[{i}]", problem)
            out.append(value)
        if required and not out:
            raise self.fail(key, "must list at least one value")
        return tuple(out)


def _domain_problem(value: str) -> str | None:
    host = value.lower().rstrip(".")
    if host.startswith(("http://", "https://")) or "/" in host:
        return f"expected a bare domain like acmewidgets.com, got {value!r}"
    return None if _DOMAIN_RE.match(host) else f"not a valid domain name: {value!r}"


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a crawlable absolute http(s) URL, or None."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return f"expected an http(s) URL, got {value!r}"
    if not parts.hostname or " " in value:
        return f"not a valid URL: {value!r}"
    try:
        parts.port
    except ValueError:
        return f"bad port in URL: {value!r}"
    return None


def _brand_names(section: _Section, key: str, *, required: bool) -> tuple[BrandName, ...]:
    values = section.get(key, list, [], required=required)
    names = []
    for i, value in enumerate(values):
        where = f"{key}[{i}]"
        if isinstance(value, str):
            if not value.strip():
                raise section.fail(where, "expected a non-empty string")
            names.append(BrandName(value.strip()))
        elif isinstance(value, dict):
            entry = _Section(section.path, f"{section.prefix}{where}.", value, {"name", "match"})
            text = entry.get("name", str, required=True).strip()
            if not text:
                raise entry.fail("name", "expected a non-empty string")
            mode = entry.get("match", str, "insensitive")
            if mode not in MATCH_MODES:
                raise entry.fail("match", f"expected one of {', '.join(MATCH_MODES)}, got {mode!r}")
            names.append(BrandName(text, mode))
        else:
            raise section.fail(where, f"expected a string or a table, got {value!r}")
    if required and not names:
        raise section.fail(key, "must list at least one value")
    return tuple(names)


def _seeds(path: Path, crawl: _Section) -> tuple[str, ...]:
    seeds = list(crawl.strings("seeds", check=url_problem))
    seeds_file = crawl.get("seeds_file", str)
    if seeds_file is not None:
        file = (path.parent / seeds_file)
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise crawl.fail("seeds_file", f"cannot read {seeds_file}: {reason}") from None
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            problem = url_problem(line)
            if problem:
                raise crawl.fail("seeds_file", f"{seeds_file} line {number}: {problem}")
            seeds.append(line)
    if not seeds:
        raise crawl.fail("seeds", "no seed URLs: give crawl.seeds or crawl.seeds_file")
    return tuple(dict.fromkeys(seeds))


def parse_campaign(data: dict[str, Any], path: str | Path = "<campaign>") -> Campaign:
    """Validate parsed TOML ``data``; ``path`` names the file in error messages."""
    path = Path(path)
    top = _Section(path, "", data, {"name", "brand", "competitors", "niche", "crawl", "linkcheck"})
    name = top.get("name", str, required=True)
    if not _NAME_RE.match(name):
        raise top.fail("name", f"use letters, digits, '-', '_' or '.', got {name!r}")
    if "brand" not in data:
        raise top.fail("brand", "missing required table")
    brand = _Section(path, "brand.", data["brand"],
                     {"names", "domains", "exclude", "spacing_variants", "fold_diacritics"})
    competitors = _Section(path, "competitors.", data.get("competitors", {}), {"names", "domains"})
    niche = _Section(path, "niche.", data.get("niche", {}), {"keywords"})
    if "crawl" not in data:
        raise top.fail("crawl", "missing required table")
    crawl = _Section(path, "crawl.", data["crawl"], {
        "seeds", "seeds_file", "max_depth", "max_pages_per_site", "delay",
        "concurrency_per_site", "obey_robots", "check_links", "contact_url"})
    linkcheck = _Section(path, "linkcheck.", data.get("linkcheck", {}),
                         {"ttl_hours", "concurrency_per_host", "delay", "obey_robots"})
    contact_url = crawl.get("contact_url", str)
    if contact_url is not None and (problem := url_problem(contact_url)):
        raise crawl.fail("contact_url", problem)
    lower = lambda values: tuple(v.lower().rstrip(".") for v in values)  # noqa: E731
    return Campaign(
        name=name,
        brand_names=_brand_names(brand, "names", required=True),
        brand_domains=lower(brand.strings("domains", required=True, check=_domain_problem)),
        exclude=brand.strings("exclude"),
        spacing_variants=brand.get("spacing_variants", bool, False),
        fold_diacritics=brand.get("fold_diacritics", bool, False),
        competitor_names=_brand_names(competitors, "names", required=False),
        competitor_domains=lower(competitors.strings("domains", check=_domain_problem)),
        keywords=niche.strings("keywords"),
        crawl=CrawlConfig(
            seeds=_seeds(path, crawl),
            max_depth=crawl.number("max_depth", int, 2, 0),
            max_pages_per_site=crawl.number("max_pages_per_site", int, 200, 1),
            delay=crawl.number("delay", float, 0.5, 0),
            concurrency_per_site=crawl.number("concurrency_per_site", int, 2, 1),
            obey_robots=crawl.get("obey_robots", bool, True),
            check_links=crawl.get("check_links", bool, True),
            contact_url=contact_url,
        ),
        linkcheck=LinkCheckConfig(
            ttl_hours=linkcheck.number("ttl_hours", float, 24.0, 0),
            concurrency_per_host=linkcheck.number("concurrency_per_host", int, 2, 1),
            delay=linkcheck.number("delay", float, 0.5, 0),
            obey_robots=linkcheck.get("obey_robots", bool, True),
        ),
        source=str(path),
    )


def load_campaign(path: str | Path) -> Campaign:
    """Read and validate the campaign file at ``path``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CampaignError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CampaignError(path, "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(path, "", f"invalid TOML: {exc}") from None
    return parse_campaign(data, path)
