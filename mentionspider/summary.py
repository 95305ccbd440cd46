"""The morning summary of a run, compared with the previous run of its campaign. Pure:
it formats what :meth:`mentionspider.store.Store.runs` returns."""

from __future__ import annotations

from typing import Any

from mentionspider.store import CHANGES

__all__ = ["change_lines", "runs_table"]


def change_lines(run: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    """What the run changed, by kind, against the previous run; its failed seeds; its
    blocked and transient link counts."""
    since = f"run {previous['id']}" if previous else "nothing (first run)"
    lines = [f"  changes since {since}:"]
    if run["by_kind"]:
        lines.append(f"    {'':<20}" + "".join(f"{what:>9}" for what in CHANGES))
        for kind, counts in sorted(run["by_kind"].items()):
            lines.append(f"    {kind:<20}" + "".join(f"{counts[w]:>9}" for w in CHANGES))
    else:
        lines.append("    none")
    failed = run["failed_seeds"]
    if failed:
        lines.append(f"  failed seeds        {len(failed)}: "
                     + ", ".join(f"{url} ({why})" for url, why in failed.items()))
    def compared(name: str) -> str:
        return f"{run[name]}" + (f" (run {previous['id']}: {previous[name]})" if previous else "")
    lines.append(f"  blocked links       {compared('blocked_links')}")
    lines.append(f"  transient links     {compared('transient_links')}, rechecked next run")
    return lines


RUN_COLUMNS = (("id", ">"), ("campaign", "<"), ("status", "<"), ("started_at", "<"),
               ("pages", ">"), ("broken_links", ">"), ("new", ">"), ("retired", ">"),
               ("won", ">"), ("lost", ">"), ("resolved", ">"), ("blocked_links", ">"),
               ("transient_links", ">"), ("failed_seeds", ">"), ("errors", ">"))
_HEADERS = {"started_at": "started", "broken_links": "broken", "blocked_links": "blocked",
            "transient_links": "transient", "failed_seeds": "failed seeds"}


def runs_table(runs: list[dict[str, Any]]) -> list[str]:
    """One line per run, columns two spaces apart and as wide as their widest cell."""
    cells = [[_HEADERS.get(name, name) for name, _ in RUN_COLUMNS]]
    for run in runs:
        cells.append([str(len(run[name]) if name == "failed_seeds" else run[name])
                      for name, _ in RUN_COLUMNS])
    widths = [max(len(row[i]) for row in cells) for i in range(len(RUN_COLUMNS))]
    return ["  ".join(f"{cell:{align}{width}}" for cell, (_, align), width
                      in zip(row, RUN_COLUMNS, widths)).rstrip() for row in cells]
