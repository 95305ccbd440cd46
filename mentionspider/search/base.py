"""What every search provider speaks: a request to send, an :class:`Answer` back. Pure.

A provider module (``searxng``, ``brave``) builds the request for (query, page)
and parses the raw HTTP answer (status, headers, body) into an :class:`Answer`:
the hits, whether more pages exist, notes for the run summary, and a
:class:`Problem` when the answer is an error. Another provider is one more
module with the same two functions, registered in :data:`mentionspider.search.source.PROVIDERS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = ["Answer", "Hit", "Problem", "QueryProvider", "SearchRequest", "json_body"]


@dataclass(frozen=True, slots=True)
class Hit:
    url: str
    title: str = ""
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """An error answer. ``action``: ``retry`` this request after ``wait`` seconds,
    ``skip`` this query, or ``stop`` asking this provider for the rest of the run."""

    action: Literal["retry", "skip", "stop"]
    message: str
    wait: float = 0.0


@dataclass(frozen=True, slots=True)
class Answer:
    hits: tuple[Hit, ...] = ()
    more: bool | None = None  # the provider says whether more pages exist (None: it does not say)
    notes: tuple[str, ...] = ()  # for the run summary (e.g. unresponsive engines)
    problem: Problem | None = None  # an error answer: no hits
    stop_after: str = ""  # a good answer after which the provider must stop (quota used up)
    pause: float = 0.0  # seconds to wait before this provider's next request


@dataclass(frozen=True, slots=True)
class SearchRequest:
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class QueryProvider(Protocol):
    """The interface of a provider that answers queries (see :mod:`.searxng`, :mod:`.brave`)."""

    kind: str
    operators: frozenset[str]  # search operators it honours; others are enforced on results
    max_pages: int

    def request(self, query: str, page: int) -> SearchRequest: ...

    def parse(self, status: int, headers: dict[str, str], body: bytes) -> Answer: ...


def json_body(body: bytes) -> Any:
    """The JSON document in ``body``, or None when it is not JSON."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
