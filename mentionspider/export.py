"""Write ranked opportunities as CSV, JSON or XLSX for outreach staff.

Cells are safe to open: in CSV and XLSX a text cell that a spreadsheet would read
as a formula (:data:`FORMULA_STARTS`) is neutralised as OWASP advises, with a
leading ``'``; numbers stay numbers. Characters an XLSX file cannot hold
(control characters) are dropped, and over-long text is cut to Excel's cell limit,
so no page content can crash the export. JSON keeps missing values as ``null``.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import IO, Any

__all__ = ["COLUMNS", "FORMATS", "FORMULA_STARTS", "ranked_rows", "per_domain", "safe_cell",
           "write_csv", "write_json", "write_xlsx"]

#: The export's columns, in order. The first fifteen are a public contract.
COLUMNS = ("rank", "score", "kind", "domain", "page_url", "page_title", "target_url",
           "anchor_text", "status", "placement", "snippet", "reasons", "first_seen",
           "last_seen", "state", "id", "campaign",
           # broken links: what the check saw, the link's rel, who else links to the target
           "evidence", "rel", "linking_pages", "linking_sites", "dead_domain",
           # mention rows: the name as written on the page
           "matched_text",
           # outreach: the note given with `state --note`, 0 for a retired row (--all)
           "note", "active",
           # --per-domain: how many more rows the same registered domain has
           "more_on_domain",
           # how the page was found: "seed", or e.g. 'searxng: "Acme" -site:acme.com #3'
           "source",
           # a way to reach the site: the best address, its contact page, the page's author
           "contact_email", "contact_page", "author",
           # recrawl verification: the brand link a won row was seen with; why a row retired
           "won_url", "won_anchor", "won_rel", "retired_reason",
           # the site's rank in the campaign's authority list ([scoring] authority_file)
           "authority")
FORMATS = ("csv", "json", "xlsx")
#: What a text cell may not start with in CSV and XLSX (OWASP CSV injection):
#: formula starters, and tab / carriage return, which some importers strip first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Characters the XLSX format (XML 1.0) cannot hold: C0 controls but tab, LF, CR.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_CELL = 32767  # Excel's limit on the characters of one cell


def ranked_rows(opportunities: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number rows 1.. in the given (best-first) order, keeping only export columns.

    Missing values stay None: CSV and XLSX write an empty cell, JSON ``null``.
    """
    rows = []
    for rank, opportunity in enumerate(opportunities, 1):
        row = {column: opportunity.get(column) for column in COLUMNS}
        row["rank"] = rank
        rows.append(row)
    return rows


def per_domain(opportunities: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best (first) row of each registered domain, with ``more_on_domain`` set to how
    many more rows that domain has. ``opportunities`` are best first."""
    counts = Counter(o.get("domain") or "" for o in opportunities)
    best: list[dict[str, Any]] = []
    seen: set[str] = set()
    for opportunity in opportunities:
        domain = opportunity.get("domain") or ""
        if domain not in seen:
            seen.add(domain)
            best.append({**opportunity, "more_on_domain": counts[domain] - 1})
    return best


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet must receive it: text that would start a formula gets a
    leading ``'``; numbers (and text that is only a number, such as ``-5``) are kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(
            value):
        return "'" + value
    return value


def write_csv(rows: Sequence[dict[str, Any]], out: IO[str], *, bom: bool = False) -> None:
    """CSV, one row per opportunity; ``bom`` starts it with a UTF-8 byte-order mark, which
    Excel needs to read the file as UTF-8."""
    if bom:
        out.write("\ufeff")
    # CRLF line ends (RFC 4180): a carriage return inside a cell then gets quoted too
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: safe_cell(value) for column, value in row.items()}
                     for row in rows)


def write_json(rows: Sequence[dict[str, Any]], out: IO[str]) -> None:
    json.dump(list(rows), out, indent=2, ensure_ascii=False)
    out.write("\n")


def _xlsx_cell(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, str):
        value = _XLSX_ILLEGAL.sub("", value)[:_XLSX_MAX_CELL]
    return value


def write_xlsx(rows: Sequence[dict[str, Any]], path: str) -> None:
    """One sheet, header row frozen and filterable, URLs as links. Every text cell is
    written as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "prospects"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    links = {COLUMNS.index(column) for column in ("page_url", "target_url")}
    for number, row in enumerate(rows, 2):
        for index, column in enumerate(COLUMNS):
            value = _xlsx_cell(row.get(column))
            cell = sheet.cell(number, index + 1)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would take "=..." for a formula
                if index in links and value.startswith(("http://", "https://")):
                    cell.hyperlink = value
    widths = {"page_url": 50, "page_title": 40, "target_url": 40, "snippet": 60, "reasons": 60,
              "evidence": 40, "note": 30}
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = widths.get(column, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
