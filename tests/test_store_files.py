"""Databases handled like a careful tool does (#8): the store knows its own files,
refuses a foreign one without touching it, and gives read-only, locked, damaged and
other-version databases one line and an exit code each."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentionspider import store as storing
from mentionspider.analysis.page import FoundMention, PageAnalysis
from mentionspider.cli import cli
from mentionspider.items import PageItem
from mentionspider.opportunities import page_opportunity
from mentionspider.store import (APPLICATION_ID, ReadOnlyDatabase, Store, migrations)
from tests.conftest import ROOT

CAMPAIGN = str(ROOT / "mentionspider/sampleweb/campaign.toml")


def page(i: int) -> PageItem:
    url = f"http://blog{i % 7}.example/post/{i}"
    analysis = PageAnalysis(title=f"Post {i} " + "words " * 30, lang="en", mentions=[
        FoundMention("Acme", "Acme", "main", "We like Acme. " * 10, False, 0)])
    item = PageItem(campaign="acme", url=url, requested_url=url, site=f"blog{i % 7}.example",
                    status=200, depth=1, fetched_at="2026-11-21T00:00:00+00:00",
                    analysis=analysis)
    item.opportunity = page_opportunity("acme", url, analysis, depth=1,
                                        brand_domains=("acme.com",))
    return item


def filled(path: Path, pages: int = 300) -> Path:
    store = Store(path)
    run = store.start_run("acme", {})
    store.save_pages(run, [page(i) for i in range(pages)])
    store.finish_run(run, status="finished", counts={}, stats={})
    store.close()
    with sqlite3.connect(path) as conn:  # everything into the main file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


COMMANDS = [("export",), ("runs",), ("state", "0123456789abcdef", "won"), ("migrate",),
            ("check-db",)]


def test_a_new_database_is_marked_and_an_old_one_is_recognised(tmp_path: Path) -> None:
    db = filled(tmp_path / "m.db", pages=3)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        conn.execute("PRAGMA application_id = 0")  # as databases made before the mark
    code, output = invoke("runs", "--db", str(db))
    assert code == 0, output
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0  # read-only: untouched
    Store(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_foreign_database_is_refused_untouched(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:  # same table names, rollback journal, no marker
        conn.execute("CREATE TABLE opportunities (id TEXT PRIMARY KEY, state TEXT)")
        conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE campaigns (name TEXT)")
        conn.execute("INSERT INTO opportunities VALUES ('0123456789abcdef', 'theirs')")
    before = digest(db)
    code, output = invoke(*command, "--db", str(db))
    assert (code, output) == (3, f"Error: {db} is not a mentionspider database (tables: "
                                 "campaigns, opportunities, runs); mentionspider leaves it alone\n")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_sweep_refuses_a_foreign_database_before_any_request(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE t (x)")
    before = digest(db)
    code, output = invoke("sweep", CAMPAIGN, "--db", str(db))
    assert (code, output) == (3, f"Error: {db} belongs to another application "
                                 "(application_id 0x4d2); mentionspider leaves it alone\n")
    assert digest(db) == before
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n" * 100)
    before = digest(text)
    assert invoke("sweep", CAMPAIGN, "--db", str(text)) == (
        3, f"Error: {text} is not a SQLite database\n")
    assert invoke("export", "--db", str(text)) == (3, f"Error: {text} is not a SQLite database\n")
    assert digest(text) == before


def test_a_read_only_database(tmp_path: Path) -> None:
    db = filled(tmp_path / "ro.db", pages=3)
    store = Store(db, readonly=True)
    with pytest.raises(ReadOnlyDatabase) as caught:
        store.check_writable()  # SQLite's own "attempt to write a readonly database"
    store.close()
    assert str(caught.value) == (f"{db} is read-only: this command needs to write the file "
                                 "and its folder")
    assert caught.value.exit_code == 6
    if os.geteuid() == 0:
        return  # file modes do not stop root; the rest needs an ordinary user
    os.chmod(db, 0o444)
    os.chmod(tmp_path, 0o555)
    try:
        code, output = invoke("sweep", CAMPAIGN, "--db", str(db))
        assert (code, output) == (6, f"Error: {db} is read-only: this command needs to write "
                                     "the file and its folder\n")
        assert invoke("export", "--db", str(db))[0] == 0
    finally:
        os.chmod(tmp_path, 0o755)


def test_a_locked_database_waits_a_bounded_time(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    db = filled(tmp_path / "busy.db", pages=3)
    monkeypatch.setattr(storing, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        message = (f"Error: {db} is locked by another process (waited 0.2 s); try again "
                   "when it is done\n")
        assert invoke("sweep", CAMPAIGN, "--db", str(db)) == (5, message)
        [opportunity] = [r[0] for r in holder.execute("SELECT id FROM opportunities LIMIT 1")]
        assert invoke("state", opportunity, "won", "--db", str(db)) == (5, message)
        assert invoke("export", "--db", str(db))[0] == 0  # WAL: readers do not wait
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def damage(db: Path, table: str, *, zero_cells: bool) -> None:
    """Break one b-tree leaf page of ``table`` in the middle of its pages."""
    with sqlite3.connect(db) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = [n for (n,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            [table])]
    data = bytearray(db.read_bytes())
    at = (leaves[len(leaves) // 2] - 1) * size
    if zero_cells:  # a leaf that says it holds no rows: a plain scan just skips them
        data[at + 3:at + 5] = b"\x00\x00"
    else:
        data[at:at + 200] = os.urandom(200)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("table,zero_cells", [
    ("opportunities", False), ("opportunities", True), ("pages", False), ("pages", True)],
    ids=["garbage", "rows_dropped", "other_table_garbage", "other_table_rows_dropped"])
def test_a_damaged_database_never_exports_with_exit_0(tmp_path: Path, table: str,
                                                      zero_cells: bool) -> None:
    db = filled(tmp_path / "bad.db")
    damage(db, table, zero_cells=zero_cells)
    before = digest(db)
    code, output = invoke("export", "--db", str(db), "-o", str(tmp_path / "out.csv"))
    assert code == 4, output
    assert output.startswith(f"Error: {db} is corrupt (")
    assert output.endswith(f"); `mentionspider check-db --db {db}` says where\n")
    assert output.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()
    code, output = invoke("check-db", "--db", str(db))
    assert code == 4
    assert output.startswith(f"{db}: integrity_check found ")
    assert digest(db) == before


def test_check_db_on_a_whole_database(tmp_path: Path) -> None:
    db = filled(tmp_path / "ok.db", pages=3)
    code, output = invoke("check-db", "--db", str(db))
    assert code == 0, output
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    assert output == f"{db}: integrity_check ok ({pages} pages)\n"
    assert invoke("check-db", "--db", str(tmp_path / "none.db")) == (
        1, f"Error: no database at {tmp_path / 'none.db'}\n")


def test_an_older_database_is_not_migrated_by_reading_commands(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    last = migrations._migrations[-1].name
    import sqlite_utils
    old = sqlite_utils.Database(db)
    migrations.apply(old, stop_before=last)
    old.close()
    before = digest(db)
    message = (f"Error: {db} has an older schema (pending: {last}): run `mentionspider "
               f"migrate --db {db}`\n")
    assert invoke("export", "--db", str(db)) == (7, message)
    assert invoke("runs", "--db", str(db)) == (7, message)
    assert digest(db) == before
    code, output = invoke("check-db", "--db", str(db))
    assert (code, output.splitlines()[-1]) == (0, f"{db}: older schema, pending migrations "
                                                  f"{last}: run `mentionspider migrate --db {db}`")
    assert invoke("migrate", "--db", str(db)) == (0, f"{db}: applied {last}\n")
    assert invoke("migrate", "--db", str(db)) == (0, f"{db}: up to date\n")
    assert invoke("export", "--db", str(db))[0] == 0


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = filled(tmp_path / "new.db", pages=3)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('mentionspider', 'm999_future', '2027-01-01')")
    message = (f"Error: {db} was written by a newer mentionspider (migrations m999_future); "
               "upgrade mentionspider\n")
    for command in (("export",), ("runs",), ("migrate",), ("sweep", CAMPAIGN)):
        assert invoke(*command, "--db", str(db)) == (7, message), command
