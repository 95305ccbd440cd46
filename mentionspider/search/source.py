"""The search source of a sweep: which search requests to make, what their answers
mean, and which result pages to fetch. Pure: the spider makes the requests.

Per provider the queries run one at a time, page after page, so that pacing,
backoff and "stop this provider" are exact: :meth:`SearchSource.start` returns the
first request of each provider (answering from the cache what it can), and
:meth:`SearchSource.answered` / :meth:`SearchSource.failed` take an answer and return the
next :class:`Step`: result pages to fetch, the next request, answers to cache.
Everything a request needs to carry is plain data (:attr:`Fetch.state`), so requests
can be queued anywhere (scrapy-redis).

Each result is normalised (:func:`~mentionspider.search.results.clean_url`),
checked against the query's enforced operators, dropped when its host is a brand
domain, in ``exclude_domains`` or in the social/UGC list, and deduped
(:func:`~mentionspider.search.results.result_key`) across queries, pages and
providers. A page keeps its provenance: ``searxng: "Acme" -site:acme.com #3``
(provider, the query as sent, the result's rank in that query's answers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mentionspider.analysis.urls import host_in_domains, host_of, malformed_reason
from mentionspider.search.base import Answer, Hit, Problem, QueryProvider
from mentionspider.search.brave import Brave
from mentionspider.search.config import ProviderConfig, SearchConfig
from mentionspider.search.footprints import expand
from mentionspider.search.operators import ResultFilter, rewrite
from mentionspider.search.results import clean_url, result_key
from mentionspider.search.searxng import SearXNG

__all__ = ["COUNTERS", "CachedAnswer", "Fetch", "PlannedQuery", "ResultPage", "SearchSource",
           "Step", "build_provider", "plan_queries"]

#: The run-summary counters kept per provider.
COUNTERS = ("sent", "from_cache", "results", "new_pages", "errors")


def build_provider(config: ProviderConfig, *, brave_url: str, backoff: float,
                   max_results: int) -> QueryProvider | None:
    """The query provider for a ``[[search.providers]]`` entry (None for URL lists)."""
    if config.kind == "searxng":
        return SearXNG(config.url, config.name, config.option("language"),
                       config.option("time_range"), config.option("categories"),
                       config.option("engines"), backoff)
    if config.kind == "brave":
        return Brave(config.api_key, config.name, config.api_key_env, brave_url,
                     min(20, max_results), config.option("country"),
                     config.option("search_lang"), config.option("freshness"), backoff)
    return None


@dataclass(frozen=True, slots=True)
class PlannedQuery:
    written: str  # the expanded template, every operator in it
    sent: str  # what the provider gets
    filter: ResultFilter  # what its results must pass


def plan_queries(config: SearchConfig, provider: QueryProvider,
                 values: Mapping[str, tuple[str, ...]]) -> tuple[list[PlannedQuery], list[str]]:
    """The queries ``provider`` gets, in order and deduped, and notes on templates that
    gave none (no values for a placeholder, nothing left after rewriting)."""
    planned: dict[str, PlannedQuery] = {}
    notes = []
    for origin, template in config.templates():
        queries = expand(template, values)
        if not queries:
            notes.append(f"{origin}: {template} -> no query (a placeholder has no values)")
        for written in queries:
            sent, rules = rewrite(written, provider.operators)
            if not any(not t.startswith("-") for t in sent.split()):
                notes.append(f"{origin}: {written} -> nothing to send to {provider.kind}")
                continue
            planned.setdefault(sent, PlannedQuery(written, sent, rules))
    return list(planned.values()), notes


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A provider's answer to (query, page), as the store keeps it."""

    provider: str  # the provider's cache id (kind, address and options)
    query: str
    page: int
    hits: tuple[Hit, ...]
    more: bool | None = None


@dataclass(frozen=True, slots=True)
class Fetch:
    url: str
    headers: dict[str, str]
    state: dict[str, Any]  # plain data: provider, query, page, attempt, raw, keys
    wait: float = 0.0  # seconds to wait before sending it
    slot: str = ""  # the provider's download slot


@dataclass(frozen=True, slots=True)
class ResultPage:
    url: str
    source: str  # provenance, for the export
    provider: str


@dataclass(slots=True)
class Step:
    fetches: list[Fetch] = field(default_factory=list)
    pages: list[ResultPage] = field(default_factory=list)
    answers: list[CachedAnswer] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # problems, for the log (WARNING)


class SearchSource:
    """See the module docstring. ``cache`` maps (cache id, query, page) to fresh answers;
    ``inc`` is called with (stat name, count) for every counter change."""

    def __init__(self, config: SearchConfig, values: Mapping[str, tuple[str, ...]], *,
                 brand_domains: Iterable[str], excluded_hosts: Iterable[str],
                 brave_url: str, backoff: float = 2.0, retries: int = 2,
                 max_wait: float = 30.0,
                 cache: Mapping[tuple[str, str, int], CachedAnswer] | None = None,
                 inc: Callable[[str, int], None] | None = None) -> None:
        self.config = config
        self.cap = config.max_results_per_query
        self.retries = retries
        self.max_wait = max_wait
        self.backoff = backoff
        self.cache = dict(cache or {})
        self.inc = inc or (lambda name, n: None)
        self.excluded = tuple(dict.fromkeys(
            [*brand_domains, *config.exclude_domains, *excluded_hosts]))
        self.providers: dict[str, QueryProvider] = {}
        self.plans: dict[str, list[PlannedQuery]] = {}
        self.cache_ids: dict[str, str] = {}
        self.lists: dict[str, ProviderConfig] = {}
        self.notes: dict[str, list[str]] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.stopped: dict[str, str] = {}
        self.pause: dict[str, float] = {}
        self.seen: set[str] = set()
        for entry in config.providers:
            self.counts[entry.name] = Counter({c: 0 for c in COUNTERS})
            self.notes[entry.name] = []
            provider = build_provider(entry, brave_url=brave_url, backoff=backoff,
                                      max_results=self.cap)
            if provider is None:
                self.lists[entry.name] = entry
                continue
            self.providers[entry.name] = provider
            self.plans[entry.name], _ = plan_queries(config, provider, values)
            self.cache_ids[entry.name] = _cache_id(provider, entry)

    # --- the flow -------------------------------------------------------------------
    def start(self) -> Step:
        step = Step()
        for name, entry in self.lists.items():
            hits = [Hit(url) for url in entry.urls]
            self._count(name, "results", len(hits))
            for rank, hit in enumerate(hits, 1):
                self._consider(name, hit, f"{name}: {entry.file} #{rank}", ResultFilter(), step)
        for name in self.providers:
            self._run(name, 0, 1, 0, [], step)
        return step

    def answered(self, state: Mapping[str, Any], status: int, headers: dict[str, str],
                 body: bytes) -> Step:
        step = Step()
        name = state["provider"]
        provider = self.providers[name]
        if name in self.stopped:
            return step
        answer = provider.parse(status, headers, body)
        if answer.problem is not None:
            self._problem(state, answer.problem, status, step)
            return step
        query = self.plans[name][state["query"]]
        self.pause[name] = answer.pause
        step.answers.append(CachedAnswer(self.cache_ids[name], query.sent, state["page"],
                                         answer.hits, answer.more))
        for note in answer.notes:
            if note not in self.notes[name]:
                self.notes[name].append(note)
        more, raw, keys = self._consume(name, state, answer, step)
        if answer.stop_after:  # a good answer, and the last one (quota used up)
            self._stop(name, answer.stop_after, step)
            return step
        if more:
            self._run(name, state["query"], state["page"] + 1, raw, keys, step)
        else:
            self._run(name, state["query"] + 1, 1, 0, [], step)
        return step

    def failed(self, state: Mapping[str, Any], message: str) -> Step:
        """A request that got no answer at all (connection refused, timeout, DNS)."""
        step = Step()
        name = state["provider"]
        if name in self.stopped:
            return step
        self._problem(state, Problem("retry", f"{name}: {message}", wait=self.backoff), 0, step)
        return step

    def summary(self) -> dict[str, dict[str, Any]]:
        return {name: {**dict(counts), "stopped": self.stopped.get(name, ""),
                       "notes": list(self.notes[name])} for name, counts in self.counts.items()}

    # --- internals ------------------------------------------------------------------
    def _count(self, name: str, counter: str, n: int = 1) -> None:
        if n:
            self.counts[name][counter] += n
            self.inc(f"mentionspider/search/{name}/{counter}", n)

    def _run(self, name: str, index: int, page: int, raw: int, keys: list[str],
             step: Step) -> None:
        """Go through the provider's queries from (index, page): cached answers now, the
        first uncached one as a request."""
        provider, plan = self.providers[name], self.plans[name]
        while name not in self.stopped and index < len(plan):
            query = plan[index]
            cached = self.cache.get((self.cache_ids[name], query.sent, page))
            state = {"provider": name, "query": index, "page": page, "attempt": 0,
                     "raw": raw, "keys": keys}
            if cached is None:
                request = provider.request(query.sent, page)
                self._count(name, "sent")
                step.fetches.append(Fetch(request.url, request.headers, state,
                                          self.pause.pop(name, 0.0), f"search:{name}"))
                return
            self._count(name, "from_cache")
            more, raw, keys = self._consume(name, state, Answer(cached.hits, cached.more), step)
            if more:
                page += 1
            else:
                index, page, raw, keys = index + 1, 1, 0, []

    def _consume(self, name: str, state: Mapping[str, Any], answer: Answer,
                 step: Step) -> tuple[bool, int, list[str]]:
        """Take one page of hits; returns (ask for the next page?, hits so far, their keys)."""
        query = self.plans[name][state["query"]]
        raw, keys = state["raw"], list(state["keys"])
        known, fresh = set(keys), 0
        hits = answer.hits[: max(0, self.cap - raw)]
        self._count(name, "results", len(hits))
        for rank, hit in enumerate(hits, raw + 1):
            url = clean_url(hit.url)
            key = result_key(url) if url else ""
            if key and key not in known:
                known.add(key)
                keys.append(key)
                fresh += 1
            self._consider(name, hit, f"{name}: {query.sent} #{rank}", query.filter, step)
        raw += len(hits)
        more = (bool(hits) and fresh > 0 and raw < self.cap and answer.more is not False
                and state["page"] < self.providers[name].max_pages)
        return more, raw, keys

    def _consider(self, name: str, hit: Hit, source: str, rules: ResultFilter,
                  step: Step) -> None:
        url = clean_url(hit.url)
        if not url or malformed_reason(url, private_ok=False):
            self.inc("mentionspider/search/dropped/not_http", 1)
            return
        if not rules.allows(url, hit.title):
            self.inc("mentionspider/search/dropped/operator", 1)
            return
        if host_in_domains(host_of(url), self.excluded):
            self.inc("mentionspider/search/dropped/excluded", 1)
            return
        key = result_key(url)
        if key in self.seen:
            self.inc("mentionspider/search/dropped/duplicate", 1)
            return
        self.seen.add(key)
        self._count(name, "new_pages")
        step.pages.append(ResultPage(url, source, name))

    def _problem(self, state: Mapping[str, Any], problem: Problem, status: int,
                 step: Step) -> None:
        name = state["provider"]
        self._count(name, "errors")
        wait = problem.wait * (2 ** state["attempt"]) if problem.wait else 0.0
        if problem.action == "retry" and state["attempt"] < self.retries and (
                wait <= self.max_wait):
            request = self.providers[name].request(self.plans[name][state["query"]].sent,
                                                   state["page"])
            retry = {**state, "attempt": state["attempt"] + 1}
            step.fetches.append(Fetch(request.url, request.headers, retry, wait,
                                      f"search:{name}"))
            return
        if problem.action == "stop" or status == 429:
            self._stop(name, problem.message, step)
            return
        step.messages.append(f"{problem.message} (query {self.plans[name][state['query']].sent!r}"
                             f", page {state['page']}): skipped")
        self._run(name, state["query"] + 1, 1, 0, [], step)

    def _stop(self, name: str, message: str, step: Step) -> None:
        self.stopped[name] = message
        step.messages.append(f"{message}. {name} is stopped for this run; "
                             "the other sources go on")


def _cache_id(provider: QueryProvider, entry: ProviderConfig) -> str:
    """Answers depend on the provider, its address and its options (not the API key)."""
    address = entry.url or getattr(provider, "url", "")
    options = ",".join(f"{k}={v}" for k, v in sorted(entry.options))
    count = getattr(provider, "count", "")
    return " ".join(filter(None, [entry.kind, address, options, f"count={count}" if count else ""]))
