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
    render_js = "auto"                 # never | auto (render pages that look like app shells) | always
    [crawl.sites."example.com"]        # per-site overrides (the domain covers its subdomains)
    render_js = "always"
    wait_for = "#comments"             # CSS selector to wait for instead of network idle
    [linkcheck]
    ttl_hours = 24                     # reuse a stored verdict younger than this
    concurrency_per_host = 2
    delay = 0.5                        # seconds between checks to one host
    obey_robots = true                 # a robots-disallowed target is blocked_by_robots
    allow_private = false              # true: also check links to private addresses (intranet)
    [search]                           # discovery through search results: see
                                       # mentionspider.search.config; with it, seeds
                                       # are optional (and [crawl] too)

Numbers must be finite and within :data:`LIMITS` (``delay = inf`` or ``ttl_hours =
nan`` are errors, not runs that never end). URLs are parsed the way the crawler parses
them (:func:`~mentionspider.analysis.urls.malformed_reason`). The campaign file and the
seeds file are read only when they are regular files of at most :data:`MAX_CAMPAIGN_BYTES`
and :data:`MAX_SEEDS_BYTES` (not ``/dev/zero``, not a FIFO), and every value quoted in
an error is cut to :data:`_SHOWN` characters.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mentionspider.analysis.model import BrandName
from mentionspider.analysis.urls import MALFORMED_REASONS, malformed_reason
from mentionspider.render.policy import RENDER_MODES, SiteRendering

if TYPE_CHECKING:
    from mentionspider.scoring_config import ScoringConfig
    from mentionspider.search.config import SearchConfig

__all__ = ["Campaign", "CampaignError", "CrawlConfig", "LinkCheckConfig", "LIMITS",
           "MAX_CAMPAIGN_BYTES", "MAX_SEEDS", "MAX_SEEDS_BYTES", "load_campaign", "parse_campaign",
           "campaign_of",
           "read_regular_file", "url_problem"]

MATCH_MODES = ("insensitive", "sensitive", "with-cue")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: (smallest, largest) value of each number; anything outside is an error.
LIMITS: dict[str, tuple[float, float]] = {
    "crawl.max_depth": (0, 100),
    "crawl.max_pages_per_site": (1, 10_000_000),
    "crawl.delay": (0, 600),                  # seconds
    "crawl.concurrency_per_site": (1, 100),
    "linkcheck.ttl_hours": (0, 24 * 366),     # at most a year
    "linkcheck.concurrency_per_host": (1, 100),
    "linkcheck.delay": (0, 600),              # seconds
}
#: Largest campaign file read, in bytes.
MAX_CAMPAIGN_BYTES = 1024 * 1024
#: Largest seeds file read, in bytes, and most seed URLs a campaign may list.
MAX_SEEDS_BYTES = 64 * 1024 * 1024
MAX_SEEDS = 1_000_000
#: Longest seed or contact URL (Scrapy's URLLENGTH_LIMIT drops longer requests).
MAX_URL_LENGTH = 2083
#: Longest brand, competitor or exclude phrase.
MAX_NAME_LENGTH = 200
#: Characters of a bad value quoted in an error line.
_SHOWN = 80
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class CampaignError(ValueError):
    """A campaign file is missing, unreadable or invalid."""

    def __init__(self, path: str | Path, key: str, problem: str) -> None:
        if len(problem) > 300:
            problem = problem[:299] + "…"
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
    render_js: str = "auto"  # never | auto | always
    sites: tuple[SiteRendering, ...] = ()  # per-site overrides


@dataclass(frozen=True, slots=True)
class LinkCheckConfig:
    ttl_hours: float = 24.0
    concurrency_per_host: int = 2
    delay: float = 0.5
    obey_robots: bool = True
    allow_private: bool = False  # check links to loopback/private/link-local addresses too


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
    search: SearchConfig | None = None
    scoring: ScoringConfig | None = None  # the [scoring] table (mentionspider.scoring_config)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary, stored with each run."""
        return {
            "name": self.name,
            "brand": {"names": [n.text for n in self.brand_names],
                      "domains": list(self.brand_domains)},
            "competitors": {"names": [n.text for n in self.competitor_names],
                            "domains": list(self.competitor_domains)},
            "keywords": list(self.keywords),
            # A long seed list is not copied into every row: its size and digest say
            # whether it changed; the first seeds say what it is.
            "seed_count": len(self.crawl.seeds),
            "seeds_sha256": hashlib.sha256("\n".join(self.crawl.seeds).encode()).hexdigest(),
            "seeds": list(self.crawl.seeds[:_STORED_SEEDS]),
            "render_js": self.crawl.render_js,
            "source": self.source,
            **({"search": self.search.to_dict()} if self.search else {}),
            **({"scoring": self.scoring.to_dict()} if self.scoring else {}),
        }


#: Seeds stored with each run's campaign row (all of them when there are no more).
_STORED_SEEDS = 100


# --- validation helpers ----------------------------------------------------------------

def _show(value: Any) -> str:
    """``repr(value)``, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path``; OSError (with a readable ``strerror``) unless it is a regular
    file of at most ``limit`` bytes. Never blocks on a FIFO, never reads a device."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except ValueError as exc:  # an embedded NUL byte
        raise OSError(0, str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        data = os.read(fd, limit + 1)
        while len(data) <= limit and (chunk := os.read(fd, limit + 1 - len(data))):
            data += chunk
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(0, f"larger than {limit:,} bytes")
    return data


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
            ok, value = True, (float(value) if abs(value) < 2 ** 63 else math.inf)
        if not ok:
            raise self.fail(key, f"expected {_type_name(kind())}, got {_show(value)}")
        return value

    def number(self, key: str, kind: type, default: Any, *,
               limits: tuple[float, float] | None = None) -> Any:
        """``key`` as a finite number within ``limits`` (default: this file's
        :data:`LIMITS` for the full key)."""
        value = self.get(key, kind, default)
        low, high = limits or LIMITS[self.prefix + key]
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"must be a finite number, got {value!r}")
        if value < low:
            raise self.fail(key, f"must be at least {low:g}, got {_show(value)}")
        if value > high:
            raise self.fail(key, f"must be at most {high:g}, got {_show(value)}")
        return value

    def strings(self, key: str, *, required: bool = False,
                check: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        values = self.get(key, list, [], required=required)
        out = []
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{key}[{i}]", f"expected a non-empty string, got {_show(value)}")
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
        return f"expected a bare domain like acmewidgets.com, got {_show(value)}"
    return None if _DOMAIN_RE.match(host) else f"not a valid domain name: {_show(value)}"


def _phrase_problem(value: str) -> str | None:
    if len(value) > MAX_NAME_LENGTH:
        return f"longer than {MAX_NAME_LENGTH} characters: {_show(value)}"
    return None


def url_problem(value: str, *, private_ok: bool = False) -> str | None:
    """Why ``value`` is not a crawlable absolute http(s) URL, or None.

    The same test the crawler applies to every link
    (:func:`~mentionspider.analysis.urls.malformed_reason`), plus a length limit;
    loopback and private addresses only with ``private_ok`` (a self-hosted service).
    """
    if len(value) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters: {_show(value)}"
    reason = malformed_reason(value, private_ok=private_ok)
    if reason == "scheme":
        return f"expected an http(s) URL, got {_show(value)}"
    if reason is None and " " in urlsplit(value).netloc:
        reason = "bad_host"
    if reason is not None:
        return f"{MALFORMED_REASONS[reason]} in URL: {_show(value)}"
    return None


def _brand_names(section: _Section, key: str, *, required: bool) -> tuple[BrandName, ...]:
    values = section.get(key, list, [], required=required)
    names = []
    for i, value in enumerate(values):
        where = f"{key}[{i}]"
        if isinstance(value, str):
            if not value.strip():
                raise section.fail(where, "expected a non-empty string")
            if problem := _phrase_problem(value.strip()):
                raise section.fail(where, problem)
            names.append(BrandName(value.strip()))
        elif isinstance(value, dict):
            entry = _Section(section.path, f"{section.prefix}{where}.", value, {"name", "match"})
            text = entry.get("name", str, required=True).strip()
            if not text:
                raise entry.fail("name", "expected a non-empty string")
            if problem := _phrase_problem(text):
                raise entry.fail("name", problem)
            mode = entry.get("match", str, "insensitive")
            if mode not in MATCH_MODES:
                raise entry.fail("match",
                                 f"expected one of {', '.join(MATCH_MODES)}, got {_show(mode)}")
            names.append(BrandName(text, mode))
        else:
            raise section.fail(where, f"expected a string or a table, got {_show(value)}")
    if required and not names:
        raise section.fail(key, "must list at least one value")
    return tuple(names)


def _seeds(path: Path, crawl: _Section, *, required: bool = True) -> tuple[str, ...]:
    seeds = list(crawl.strings("seeds", check=url_problem))
    seeds_file = crawl.get("seeds_file", str)
    if seeds_file is not None:
        shown = _show(seeds_file)[1:-1]
        try:
            text = read_regular_file(path.parent / seeds_file, MAX_SEEDS_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (
                "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc))
            raise crawl.fail("seeds_file", f"cannot read {shown}: {reason}") from None
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            problem = url_problem(line)
            if problem:
                raise crawl.fail("seeds_file", f"{shown} line {number}: {problem}")
            seeds.append(line)
            if len(seeds) > MAX_SEEDS:
                raise crawl.fail("seeds_file", f"{shown}: more than {MAX_SEEDS:,} seed URLs")
    if not seeds and required:
        raise crawl.fail("seeds", "no seed URLs: give crawl.seeds or crawl.seeds_file "
                         "(or a [search] table)")
    if len(seeds) > MAX_SEEDS:
        raise crawl.fail("seeds", f"more than {MAX_SEEDS:,} seed URLs")
    return tuple(dict.fromkeys(seeds))


def _render_mode(section: _Section, key: str, default: str | None) -> Any:
    mode = section.get(key, str, default)
    if mode is not None and mode not in RENDER_MODES:
        raise section.fail(key, f"expected one of {', '.join(RENDER_MODES)}, got {_show(mode)}")
    return mode


def _sites(path: Path, crawl: _Section) -> tuple[SiteRendering, ...]:
    sites = crawl.get("sites", dict, {})
    out = []
    for domain, table in sites.items():
        if problem := _domain_problem(domain):
            raise crawl.fail(f'sites."{domain}"', problem)
        site = _Section(path, f'crawl.sites."{domain}".', table, {"render_js", "wait_for"})
        wait_for = site.get("wait_for", str)
        if wait_for is not None and not wait_for.strip():
            raise site.fail("wait_for", "expected a CSS selector, got ''")
        out.append(SiteRendering(domain.lower().rstrip("."), _render_mode(site, "render_js", None),
                                 wait_for.strip() if wait_for else None))
    return tuple(out)


def parse_campaign(data: dict[str, Any], path: str | Path = "<campaign>") -> Campaign:
    """Validate parsed TOML ``data``; ``path`` names the file in error messages."""
    path = Path(path)
    top = _Section(path, "", data, {"name", "brand", "competitors", "niche", "crawl", "linkcheck",
                                    "search", "scoring"})
    name = top.get("name", str, required=True)
    if not _NAME_RE.match(name):
        raise top.fail("name", f"use letters, digits, '-', '_' or '.', got {_show(name)}")
    if len(name) > 100:
        raise top.fail("name", f"longer than 100 characters: {_show(name)}")
    if "brand" not in data:
        raise top.fail("brand", "missing required table")
    brand = _Section(path, "brand.", data["brand"],
                     {"names", "domains", "exclude", "spacing_variants", "fold_diacritics"})
    competitors = _Section(path, "competitors.", data.get("competitors", {}), {"names", "domains"})
    niche = _Section(path, "niche.", data.get("niche", {}), {"keywords"})
    searching = "search" in data
    if "crawl" not in data and not searching:
        raise top.fail("crawl", "missing required table")
    crawl = _Section(path, "crawl.", data.get("crawl", {}), {
        "seeds", "seeds_file", "max_depth", "max_pages_per_site", "delay",
        "concurrency_per_site", "obey_robots", "check_links", "contact_url", "render_js",
        "sites"})
    linkcheck = _Section(path, "linkcheck.", data.get("linkcheck", {}),
                         {"ttl_hours", "concurrency_per_host", "delay", "obey_robots",
                          "allow_private"})
    contact_url = crawl.get("contact_url", str)
    if contact_url is not None and (problem := url_problem(contact_url)):
        raise crawl.fail("contact_url", problem)
    lower = lambda values: tuple(v.lower().rstrip(".") for v in values)  # noqa: E731
    campaign = Campaign(
        name=name,
        brand_names=_brand_names(brand, "names", required=True),
        brand_domains=lower(brand.strings("domains", required=True, check=_domain_problem)),
        exclude=brand.strings("exclude", check=_phrase_problem),
        spacing_variants=brand.get("spacing_variants", bool, False),
        fold_diacritics=brand.get("fold_diacritics", bool, False),
        competitor_names=_brand_names(competitors, "names", required=False),
        competitor_domains=lower(competitors.strings("domains", check=_domain_problem)),
        keywords=niche.strings("keywords", check=_phrase_problem),
        crawl=CrawlConfig(
            seeds=_seeds(path, crawl, required=not searching),
            max_depth=crawl.number("max_depth", int, 2),
            max_pages_per_site=crawl.number("max_pages_per_site", int, 200),
            delay=crawl.number("delay", float, 0.5),
            concurrency_per_site=crawl.number("concurrency_per_site", int, 2),
            obey_robots=crawl.get("obey_robots", bool, True),
            check_links=crawl.get("check_links", bool, True),
            contact_url=contact_url,
            render_js=_render_mode(crawl, "render_js", "auto"),
            sites=_sites(path, crawl),
        ),
        linkcheck=LinkCheckConfig(
            ttl_hours=linkcheck.number("ttl_hours", float, 24.0),
            concurrency_per_host=linkcheck.number("concurrency_per_host", int, 2),
            delay=linkcheck.number("delay", float, 0.5),
            obey_robots=linkcheck.get("obey_robots", bool, True),
            allow_private=linkcheck.get("allow_private", bool, False),
        ),
        source=str(path),
    )
    if searching:
        from mentionspider.search.config import parse_search

        values = {"brand": tuple(n.text for n in campaign.brand_names),
                  "domain": campaign.brand_domains, "keyword": campaign.keywords,
                  "competitor": tuple(n.text for n in campaign.competitor_names),
                  "competitor_domain": campaign.competitor_domains}
        campaign = replace(campaign, search=parse_search(data["search"], path, values))
    if "scoring" in data:
        from mentionspider.scoring_config import parse_scoring

        campaign = replace(campaign, scoring=parse_scoring(data["scoring"], path))
    return campaign


def campaign_of(settings: Any) -> Campaign:
    """The campaign of a crawl, from its settings: the sweep spider puts the loaded
    :class:`Campaign` in ``MENTIONSPIDER_CAMPAIGN`` (a file name there is loaded)."""
    value = settings.get("MENTIONSPIDER_CAMPAIGN")
    if isinstance(value, Campaign):
        return value
    if not value:
        raise CampaignError("", "", "no campaign in the crawler's settings")
    return load_campaign(value)


def load_campaign(path: str | Path) -> Campaign:
    """Read and validate the campaign file at ``path``."""
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_CAMPAIGN_BYTES)
    except OSError as exc:
        raise CampaignError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CampaignError(path, "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(path, "", f"invalid TOML: {exc}") from None
    except RecursionError:  # deeply nested arrays
        raise CampaignError(path, "", "invalid TOML: nested too deeply") from None
    return parse_campaign(data, path)
