"""Write ranked opportunities as CSV, JSON or XLSX for outreach staff."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

__all__ = ["COLUMNS", "FORMATS", "ranked_rows", "write_csv", "write_json", "write_xlsx"]

#: The export's columns, in order. The first fifteen are a public contract.
COLUMNS = ("rank", "score", "kind", "domain", "page_url", "page_title", "target_url",
           "anchor_text", "status", "placement", "snippet", "reasons", "first_seen",
           "last_seen", "state", "id", "campaign",
           # broken links: what the check saw, the link's rel, who else links to the target
           "evidence", "rel", "linking_pages", "linking_sites", "dead_domain")
FORMATS = ("csv", "json", "xlsx")


def ranked_rows(opportunities: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number rows 1.. in the given (best-first) order, keeping only export columns."""
    rows = []
    for rank, opportunity in enumerate(opportunities, 1):
        row = {column: opportunity.get(column) for column in COLUMNS}
        row = {column: "" if value is None else value for column, value in row.items()}
        row["rank"] = rank
        rows.append(row)
    return rows


def write_csv(rows: Sequence[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_json(rows: Sequence[dict[str, Any]], out: IO[str]) -> None:
    json.dump(list(rows), out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_xlsx(rows: Sequence[dict[str, Any]], path: str) -> None:
    """One sheet, header row frozen and filterable, URLs as links."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "prospects"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
    for column in ("page_url", "target_url"):
        index = COLUMNS.index(column) + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if cell.value:
                cell.hyperlink = cell.value
    widths = {"page_url": 50, "page_title": 40, "target_url": 40, "snippet": 60, "reasons": 60}
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = widths.get(column, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
