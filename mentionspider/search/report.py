"""What search discovery tells the user: the dry-run plan and the run-summary lines. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mentionspider.search.config import SearchConfig
from mentionspider.search.source import build_provider, plan_queries

__all__ = ["dry_run_lines", "summary_lines"]


def dry_run_lines(config: SearchConfig, values: Mapping[str, tuple[str, ...]], *,
                  brave_url: str) -> list[str]:
    """Per provider, the exact queries a sweep would send (and what is enforced on results)."""
    lines = []
    for entry in config.providers:
        provider = build_provider(entry, brave_url=brave_url, backoff=0,
                                  max_results=config.max_results_per_query)
        if provider is None:
            column = f", column {entry.column!r}" if entry.column else ""
            lines.append(f"{entry.name} ({entry.file}{column}): {len(entry.urls)} URLs, "
                         "no queries")
            continue
        where = entry.url or brave_url
        plan, notes = plan_queries(config, provider, values)
        lines.append(f"{entry.name} ({entry.kind}, {where}): {len(plan)} queries, up to "
                     f"{config.max_results_per_query} results each")
        for query in plan:
            enforced = [("-" if neg else "") + f"{op}:{value}"
                        for op, value, neg in query.filter.rules]
            tail = f"    [enforced on results: {' '.join(enforced)}]" if enforced else ""
            lines.append(f"  {query.sent}{tail}")
        lines += [f"  skipped: {note}" for note in notes]
    return lines


def summary_lines(stats: Mapping[str, Any], config: SearchConfig) -> list[str]:
    """One line per provider: queries sent, answered from cache, results, new pages, errors."""
    lines = []
    for entry in config.providers:
        get = lambda counter: stats.get(  # noqa: E731
            f"mentionspider/search/{entry.name}/{counter}", 0)
        if entry.kind == "urls":
            column = f" (column {entry.column!r})" if entry.column else ""
            lines.append(f"  search {entry.name:<12} {get('results')} URLs from {entry.file}"
                         f"{column}, {get('new_pages')} new pages")
        else:
            lines.append(f"  search {entry.name:<12} {get('sent')} queries sent, "
                         f"{get('from_cache')} from cache, {get('results')} results, "
                         f"{get('new_pages')} new pages, {get('errors')} errors")
        stopped = stats.get(f"mentionspider/search/{entry.name}/stopped")
        if stopped:
            lines.append(f"    stopped: {stopped}")
        for note in stats.get(f"mentionspider/search/{entry.name}/notes") or []:
            lines.append(f"    {note}")
    return lines
