"""SearXNG's JSON search API: ``GET {url}search?q=..&format=json&pageno=N``. Pure.

Relied on (SearXNG documentation, "Search API", docs/dev/search_api.rst): the
parameters ``q``, ``categories``, ``engines``, ``language``, ``pageno``,
``time_range`` (day, month, year; week in recent releases) and ``format`` (json, csv,
rss; "Format needs to be activated in settings search" -- an instance answers
``403 Forbidden`` to a format that is not, and its limiter answers
``429 Too Many Requests``). The JSON answer holds ``query``, ``results`` (each with
``url``, ``title``, ``content``, ``engine``, ``engines``, ``score``...),
``answers``, ``corrections``, ``infoboxes``, ``suggestions`` and
``unresponsive_engines`` (pairs of engine name and error, e.g.
``["brave", "Suspended: too many requests"]``). ``number_of_results`` is not relied
on: recent releases report 0. A page holds about 20 results; paging goes on until
a page brings no new URL, or the per-query cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from mentionspider.search.base import Answer, Hit, Problem, SearchRequest, json_body

__all__ = ["SearXNG", "TIME_RANGES"]

TIME_RANGES = ("day", "week", "month", "year")

JSON_OFF = ("{name}: the instance at {url} answered 403 Forbidden to format=json: its JSON "
            "output is off. Enable it in its settings.yml (search: formats: [html, json]) "
            "and restart it")
LIMITED = ("{name}: the instance at {url} answered 429 Too Many Requests: its limiter is on. "
           "Turn it off for this client (server: limiter: false in settings.yml, or pass "
           "this host in the limiter's pass_ip list) or lower requests_per_second")


@dataclass(frozen=True, slots=True)
class SearXNG:
    url: str  # the instance's base URL, ending in "/"
    name: str = "searxng"
    language: str = ""
    time_range: str = ""
    categories: str = ""
    engines: str = ""
    backoff: float = 2.0

    kind = "searxng"
    #: The query is passed to the instance's engines, which honour these.
    operators = frozenset({"site", "intitle", "inurl", "filetype"})
    max_pages = 10

    def request(self, query: str, page: int) -> SearchRequest:
        params = {"q": query, "format": "json", "pageno": str(page)}
        for key in ("language", "time_range", "categories", "engines"):
            if value := getattr(self, key):
                params[key] = value
        return SearchRequest(f"{self.url}search?{urlencode(params)}",
                             {"Accept": "application/json"})

    def parse(self, status: int, headers: dict[str, str], body: bytes) -> Answer:
        if status == 403:
            return Answer(problem=Problem("stop", JSON_OFF.format(name=self.name, url=self.url)))
        if status == 429:
            return Answer(problem=Problem("retry", LIMITED.format(name=self.name, url=self.url),
                                          wait=_retry_after(headers, self.backoff)))
        if status >= 500:
            return Answer(problem=Problem("retry", f"{self.name}: HTTP {status} from {self.url}",
                                          wait=_retry_after(headers, self.backoff)))
        if status == 404:
            return Answer(problem=Problem(
                "stop", f"{self.name}: {self.url}search answered 404 Not Found: is {self.url} "
                "the instance's base address?"))
        if status != 200:
            return Answer(problem=Problem("skip", f"{self.name}: HTTP {status} from {self.url}"))
        data = json_body(body)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            return Answer(problem=Problem(
                "stop", f"{self.name}: {self.url} did not answer with SearXNG's JSON "
                "(no results list): is this a SearXNG instance?"))
        hits = []
        for result in data["results"]:
            if isinstance(result, dict) and isinstance(result.get("url"), str):
                hits.append(Hit(result["url"], str(result.get("title") or ""),
                                str(result.get("content") or "")))
        notes = []
        for entry in data.get("unresponsive_engines") or []:
            if isinstance(entry, (list, tuple)) and entry:
                error = f" ({entry[1]})" if len(entry) > 1 and entry[1] else ""
                notes.append(f"unresponsive engine: {entry[0]}{error}")
        return Answer(tuple(hits), notes=tuple(notes))


def _retry_after(headers: dict[str, str], default: float) -> float:
    try:
        return max(0.0, float(headers.get("retry-after", "")))
    except ValueError:
        return default
