"""The SQLite store: the only module that speaks SQL.

Schema changes are named migrations (:data:`migrations`); writes are upserts, so
a rerun updates rows instead of duplicating them. Opportunities keep their
first sighting and outreach state across runs. The database runs in WAL mode and
each batch of writes is one transaction, so an interrupted run leaves every
committed row (and every outreach state) intact.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils
from sqlite_utils import Migrations

from mentionspider.analysis.contacts import best_email, contact_page_rank
from mentionspider.analysis.page import NOFOLLOW_RELS, OutLink
from mentionspider.analysis.urls import canonical_url, url_key
from mentionspider.items import GonePageItem, LinkCheckItem, PageItem, SearchAnswerItem, utcnow
from mentionspider.opportunities import Opportunity
from mentionspider.runlock import holder_alive, this_host

__all__ = ["Store", "StoreError", "RunLocked", "ForeignDatabase", "CorruptDatabase",
           "LockedDatabase", "ReadOnlyDatabase", "SchemaMismatch", "database_error", "check_database",
           "APPLICATION_ID", "BUSY_TIMEOUT", "migrations", "OUTREACH_STATES", "utcnow"]

OUTREACH_STATES = ("new", "contacted", "replied", "won", "lost", "ignored", "resolved")
#: States that mean outreach has written to the site (``export --skip-contacted-days``).
CONTACTED_STATES = ("contacted", "replied", "won", "lost")
#: What a run changes, counted per kind: rows first seen, rows retired, and the states a
#: recrawl set.
CHANGES = ("new", "retired", "won", "lost", "resolved")
migrations = Migrations("mentionspider")


#: ``PRAGMA application_id`` of a mentionspider database ("MSPD").
APPLICATION_ID = 0x4D535044
#: Seconds a command waits for another process's write lock before giving up.
BUSY_TIMEOUT = 10.0
#: Tables that mark a mentionspider database made before it had an application id.
_OWN_TABLES = frozenset({"_sqlite_migrations", "campaigns", "runs", "opportunities"})


class StoreError(Exception):
    """The database cannot be opened or does not hold what was asked for."""

    #: The exit code the CLI gives this problem (README, "Exit codes").
    exit_code = 1


class ForeignDatabase(StoreError):
    """Not a SQLite file, or another application's database: left untouched."""

    exit_code = 3


class CorruptDatabase(StoreError):
    """SQLite found damage in the file."""

    exit_code = 4


class LockedDatabase(StoreError):
    """Another process held the write lock longer than :data:`BUSY_TIMEOUT`."""

    exit_code = 5


class ReadOnlyDatabase(StoreError):
    """A write was needed but the file (or its folder) cannot be written."""

    exit_code = 6


class SchemaMismatch(StoreError):
    """The database was made by an older (``migrate`` it) or newer mentionspider."""

    exit_code = 7


def database_error(path: str | Path, exc: BaseException) -> StoreError:
    """The one-line :class:`StoreError` for a sqlite3 error on the database at ``path``."""
    if isinstance(exc, StoreError):
        return exc
    message = str(exc)
    lower = message.lower()
    if "not a database" in lower or "file is encrypted" in lower:
        return ForeignDatabase(f"{path} is not a SQLite database")
    if "malformed" in lower or "corrupt" in lower:
        return CorruptDatabase(f"{path} is corrupt ({message}); "
                               f"`mentionspider check-db --db {path}` says where")
    if "locked" in lower or "busy" in lower:
        return LockedDatabase(f"{path} is locked by another process "
                              f"(waited {BUSY_TIMEOUT:g} s); try again when it is done")
    if "readonly" in lower or "read-only" in lower or "unable to open" in lower:
        return ReadOnlyDatabase(f"{path} is read-only: this command needs to write the "
                                "file and its folder")
    return StoreError(f"cannot use database {path}: {message}")


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    return conn


def _identify(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether the database at ``path`` is new (empty). Raises :class:`ForeignDatabase`
    unless it is empty or mentionspider's. Reads only: nothing is written."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id == APPLICATION_ID:
        return False
    if app_id:
        raise ForeignDatabase(f"{path} belongs to another application (application_id "
                              f"{app_id:#x}); mentionspider leaves it alone")
    if not tables:
        return True
    own = _OWN_TABLES <= tables and conn.execute(
        "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?",
        [migrations.name]).fetchone()[0] > 0
    if not own:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise ForeignDatabase(f"{path} is not a mentionspider database (tables: {shown}); "
                              "mentionspider leaves it alone")
    return False


def _schema_problem(db: sqlite_utils.Database, path: Path) -> tuple[list[str], list[str]]:
    """(pending, unknown) migration names of a mentionspider database."""
    applied = [m.name for m in migrations.applied(db)]
    known = [m.name for m in migrations._migrations]
    return ([m for m in known if m not in applied], [m for m in applied if m not in known])


def _integrity(conn: sqlite3.Connection, argument: str = "100",
               pragma: str = "integrity_check") -> list[str]:
    """What ``PRAGMA integrity_check(argument)`` (or ``quick_check``) reports.

    SQLite can end a report with an error of its own when the damage stops the check
    (and Python's cursor, which reads a row ahead, then loses the report): the check is
    then run again to its first problem only, and the error becomes the last line."""
    try:
        return [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}({argument})")]
    except sqlite3.DatabaseError as exc:
        stopped = f"the check stopped: {exc}"
    try:
        first = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}(1)")] \
            if argument.isdigit() else []
    except sqlite3.DatabaseError:
        first = []
    return [line for line in first if line != "ok"] + [stopped]


def check_database(path: str | Path) -> tuple[bool, list[str]]:
    """``(ok, lines)``: what ``PRAGMA integrity_check`` and the schema check found.

    Opens the file read-only; raises :class:`StoreError` subclasses when it cannot
    even be read (not SQLite, locked, unreadable)."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no database at {path}")
    try:
        conn = _connect(path, readonly=True)
        try:
            _identify(conn, path)
            # quick_check first: it lists broken pages where integrity_check can stop at
            # the first one with an error of its own; then the full check (indexes too).
            found = _integrity(conn, "100", "quick_check")
            if found == ["ok"]:
                found = _integrity(conn, "100")
            db = sqlite_utils.Database(conn)
            pending, unknown = _schema_problem(db, path)
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        error = database_error(path, exc)
        if isinstance(error, CorruptDatabase):
            return False, [f"{path}: damaged beyond a check: {exc}"]
        raise error from None
    ok = found == ["ok"]
    problems = [line for line in "\n".join(found).splitlines()
                if line.strip() and not line.startswith("*** in database")]
    lines = [f"{path}: integrity_check ok ({pages} pages)"] if ok else [
        f"{path}: integrity_check found {len(problems)} problem(s)"
        f"{' (the first 100)' if len(found) >= 100 else ''}:", *(f"  {p}" for p in problems)]
    if pending:
        lines.append(f"{path}: older schema, pending migrations {', '.join(pending)}: "
                     f"run `mentionspider migrate --db {path}`")
    if unknown:
        lines.append(f"{path}: made by a newer mentionspider (migrations {', '.join(unknown)})")
    return ok, lines


class RunLocked(StoreError):
    """Another sweep of the same campaign is running on this database."""


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("campaigns").create({"name": str, "config": str, "created_at": str, "updated_at": str},
                           pk="name")
    db.table("runs").create({"id": int, "campaign": str, "started_at": str, "finished_at": str,
                       "status": str, "pages": int, "mentions": int, "links_checked": int,
                       "broken_links": int, "new_opportunities": int, "errors": int,
                       "stats": str}, pk="id")
    db.table("pages").create({"campaign": str, "url": str, "site": str, "status": int, "title": str,
                        "lang": str, "depth": int, "linked": int, "brand_link_rels": str,
                        "mention_count": int, "keywords": str, "first_seen": str,
                        "last_seen": str, "last_run": int}, pk=("campaign", "url"))
    db.table("mentions").create({"campaign": str, "page_url": str, "seq": int, "name": str,
                           "matched": str, "placement": str, "snippet": str, "in_link": int,
                           "competitor": int}, pk=("campaign", "page_url", "seq"))
    db.table("links").create({"campaign": str, "page_url": str, "target_url": str,
                        "anchor_text": str, "rel": str, "placement": str, "last_run": int},
                       pk=("campaign", "page_url", "target_url"))
    db.table("links").create_index(["target_url"])
    db.table("link_checks").create({"url": str, "outcome": str, "status": str, "final_url": str,
                              "redirects": str, "method": str, "evidence": str,
                              "elapsed_ms": int, "checked_at": str}, pk="url")
    db.table("opportunities").create({
        "id": str, "campaign": str, "kind": str, "page_url": str, "domain": str,
        "page_title": str, "target_url": str, "anchor_text": str, "status": str,
        "placement": str, "snippet": str, "score": int, "reasons": str, "first_seen": str,
        "last_seen": str, "first_run": int, "last_run": int, "active": int, "state": str,
        "state_changed_at": str, "note": str}, pk="id", defaults={"state": "new", "active": 1})
    db.table("opportunities").create_index(["campaign", "active", "score"])


@migrations()
def m002_linkcheck_evidence(db: sqlite_utils.Database) -> None:
    """Link checks keep the failure and the number of requests; broken-link
    opportunities carry what outreach needs (evidence, rel, who else links there)."""
    db.table("link_checks").add_column("error", str)
    db.table("link_checks").add_column("attempts", int)
    for name, kind in (("evidence", str), ("rel", str), ("linking_pages", int),
                       ("linking_sites", int), ("dead_domain", int)):
        db.table("opportunities").add_column(name, kind)


@migrations()
def m003_outreach_columns(db: sqlite_utils.Database) -> None:
    """A mention row's name as written moves from ``anchor_text`` (which reads like a
    link's text) to ``matched_text``; a link keeps the sentence around it (the snippet of
    a broken-link row)."""
    db.table("opportunities").add_column("matched_text", str)
    db.execute("UPDATE opportunities SET matched_text = anchor_text, anchor_text = '' "
               "WHERE kind != 'broken_link'")
    db.table("links").add_column("snippet", str)


@migrations()
def m004_search_answers(db: sqlite_utils.Database) -> None:
    """Search discovery: each provider's answer per (query, page), and where each page
    (and so each opportunity) came from."""
    db.table("search_answers").create({"provider": str, "query": str, "page": int,
                                       "hits": str, "more": int, "fetched_at": str},
                                      pk=("provider", "query", "page"))
    db.table("pages").add_column("source", str)
    db.table("opportunities").add_column("source", str)


@migrations()
def m005_run_locks(db: sqlite_utils.Database) -> None:
    """One sweep at a time per campaign: the running one holds a row here."""
    db.table("run_locks").create({"campaign": str, "pid": int, "host": str,
                                  "started_at": str}, pk="campaign")


#: Outreach states from least to most advanced: when a migration merges two rows for
#: one page, the merged row keeps the most advanced state (a contacted twin beats an
#: ignored one, a won twin beats a lost one).
STATE_PROGRESS = ("new", "ignored", "contacted", "replied", "lost", "won")


def opportunity_identity(kind: str, page_url: str, target_url: str | None) -> str:
    """What makes two opportunity rows one: the kind and the identities
    (:func:`url_key`) of the page and of the target."""
    return "\x1f".join((kind, url_key(page_url), url_key(target_url) if target_url else ""))


@migrations()
def m006_canonical_identity(db: sqlite_utils.Database) -> None:
    """One page, one row: pages and opportunities get their identity (the URL key, which
    folds scheme, ``www.``, default ports, index files, trailing slashes, fragments,
    query order and tracking parameters), and twins already stored are merged. A merged
    opportunity keeps the id and state of its most advanced twin (:data:`STATE_PROGRESS`),
    the earliest first sighting and the latest last one; the ids of the others are kept
    in ``merged_ids`` so ``mentionspider state OLD_ID`` still finds the row."""
    db.table("pages").add_column("key", str)
    pages = list(db.query("SELECT campaign, url, last_run FROM pages"))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in pages:
        groups.setdefault((row["campaign"], url_key(row["url"])), []).append(row)
    for (campaign, key), rows in groups.items():
        rows.sort(key=lambda r: (-(r["last_run"] or 0), r["url"] != canonical_url(r["url"]),
                                 len(r["url"]), r["url"]))
        db.execute("UPDATE pages SET key = ? WHERE campaign = ? AND url = ?",
                   [key, campaign, rows[0]["url"]])
        for twin in rows[1:]:
            for table, column in (("pages", "url"), ("links", "page_url"),
                                  ("mentions", "page_url")):
                db.execute(f"DELETE FROM {table} WHERE campaign = ? AND {column} = ?",
                           [campaign, twin["url"]])
    db.table("pages").create_index(["campaign", "key"])

    db.table("opportunities").add_column("page_key", str)
    db.table("opportunities").add_column("identity", str)
    db.table("merged_ids").create({"id": str, "into_id": str, "merged_at": str}, pk="id")
    rows = list(db.query("SELECT id, campaign, kind, page_url, target_url, state, first_seen, "
                         "first_run, last_seen, last_run, active, note FROM opportunities"))
    by_identity: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        identity = opportunity_identity(row["kind"], row["page_url"], row["target_url"])
        by_identity.setdefault((row["campaign"], identity), []).append(row)
    now = utcnow()
    for (_campaign, identity), twins in by_identity.items():
        twins.sort(key=lambda r: (-_progress(r["state"]), r["first_seen"] or "", r["id"]))
        keep, others = twins[0], twins[1:]
        merged: dict[str, Any] = {"identity": identity, "page_key": url_key(keep["page_url"])}
        if others:
            merged["first_seen"] = min(r["first_seen"] or "~" for r in twins)
            merged["first_run"] = min(r["first_run"] or 0 for r in twins)
            merged["last_seen"] = max(r["last_seen"] or "" for r in twins)
            merged["last_run"] = max(r["last_run"] or 0 for r in twins)
            merged["active"] = max(r["active"] or 0 for r in twins)
            notes = [r["note"] for r in twins if r["note"]]
            merged["note"] = " | ".join(dict.fromkeys(notes)) if notes else None
            for other in others:
                db.execute("DELETE FROM opportunities WHERE id = ?", [other["id"]])
                db.table("merged_ids").insert({"id": other["id"], "into_id": keep["id"],
                                               "merged_at": now}, replace=True)
        db.table("opportunities").update(keep["id"], merged)
    db.table("opportunities").create_index(["campaign", "identity"])
    db.table("opportunities").create_index(["campaign", "page_key"])


def _progress(state: str | None) -> int:
    return STATE_PROGRESS.index(state) if state in STATE_PROGRESS else 0


@migrations()
def m007_contacts(db: sqlite_utils.Database) -> None:
    """A way to reach each site: the e-mail addresses and contact pages found on it,
    and each page's author and what its markup says about it."""
    for name, kind in (("emails", str), ("author", str), ("published", str),
                       ("modified", str), ("robots", str), ("canonical", str)):
        db.table("pages").add_column(name, kind)
    db.table("site_contacts").create({
        "campaign": str, "site": str, "kind": str, "value": str, "rank": int,
        "source_url": str, "fetched": int, "last_seen": str},
        pk=("campaign", "site", "kind", "value"))


@migrations()
def m008_page_rendering(db: sqlite_utils.Database) -> None:
    """How each page was read: ``render`` is raw, rendered (by the browser) or fallback (the
    browser failed, the raw HTML was analysed), with why it went to the browser and why that
    failed; each run counts its rendered pages and fallbacks."""
    for name in ("render", "render_reason", "render_error"):
        db.table("pages").add_column(name, str)
    db.table("runs").add_column("rendered_pages", int)
    db.table("runs").add_column("render_fallbacks", int)


@migrations()
def m009_recrawl_history(db: sqlite_utils.Database) -> None:
    """Every recrawl verifies: won links (with the link seen), resolved broken links,
    lost links, retired rows with their reason; every state change is kept with its
    time and source (person or recrawl)."""
    for name, kind in (("state_source", str), ("retired_reason", str), ("retired_run", int),
                       ("won_url", str), ("won_anchor", str), ("won_rel", str),
                       ("won_run", int)):
        db.table("opportunities").add_column(name, kind)
    db.execute("UPDATE opportunities SET state_source = CASE WHEN state = 'new' THEN 'recrawl' "
               "ELSE 'person' END")
    db.table("state_changes").create({
        "id": int, "opportunity_id": str, "campaign": str, "old_state": str, "new_state": str,
        "source": str, "run_id": int, "changed_at": str, "detail": str}, pk="id")
    db.table("runs").add_column("changes", str)  # run_changes() as the run ended, JSON
    db.table("state_changes").create_index(["opportunity_id"])
    db.table("state_changes").create_index(["campaign", "run_id"])
    db.execute("INSERT INTO state_changes (opportunity_id, campaign, old_state, new_state, "
               "source, run_id, changed_at, detail) SELECT id, campaign, NULL, state, "
               "state_source, CASE WHEN state = 'new' THEN first_run END, state_changed_at, "
               "'state before history was kept' FROM opportunities")


@migrations()
def m010_scoring_signals(db: sqlite_utils.Database) -> None:
    """Signals the score reads from a stored page (its outbound links, its JSON-LD types)
    and the authority rank an opportunity's site has in the campaign's list."""
    db.table("pages").add_column("outlinks", int)
    db.table("pages").add_column("types", str)
    db.table("opportunities").add_column("authority", int)


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    campaign: str
    status: str
    pages: int
    mentions: int
    links_checked: int
    broken_links: int
    new_opportunities: int
    errors: int
    started_at: str
    finished_at: str | None
    rendered_pages: int = 0
    render_fallbacks: int = 0


_CONTACT_KEY = ("campaign", "site", "kind", "value")
_CONTACT_COLUMNS = (*_CONTACT_KEY, "rank", "source_url", "fetched", "last_seen")


@lru_cache(maxsize=64)
def _upsert(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    """The statement that writes a row of ``table`` with these ``columns`` (named
    parameters), updating the row with the same primary key ``pk`` if there is one."""
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)}) ON CONFLICT ({', '.join(pk)}) "
            f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns if c not in pk)}")


class Store:
    """A mentionspider database. ``Store(path)`` creates and migrates it as needed."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False,
                 migrate: bool = True) -> None:
        """Open (``create``: create) the database at ``path``.

        The file is identified before anything is written: another application's
        database (its ``application_id``, or tables without mentionspider's migrations)
        raises :class:`ForeignDatabase` and is left byte for byte as it was.
        ``readonly`` opens it read-only and never migrates (an older schema raises
        :class:`SchemaMismatch` naming ``mentionspider migrate``); otherwise pending
        migrations are applied when ``migrate``.
        """
        path = Path(path)
        if not path.exists() and (readonly or not create):
            raise StoreError(f"no database at {path}")
        if path.exists() and not path.is_file():
            raise ForeignDatabase(f"{path} is not a database file")
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect(path, readonly=readonly)
            new = _identify(conn, path)
            self.db = sqlite_utils.Database(conn)
            pending, unknown = _schema_problem(self.db, path)
            if unknown:
                raise SchemaMismatch(f"{path} was written by a newer mentionspider "
                                     f"(migrations {', '.join(unknown)}); upgrade mentionspider")
            if pending and not new and (readonly or not migrate):
                raise SchemaMismatch(f"{path} has an older schema (pending: "
                                     f"{', '.join(pending)}): run `mentionspider migrate "
                                     f"--db {path}`")
            if new and readonly:
                raise StoreError(f"{path} is an empty database: no mentionspider data in it")
            if not readonly:
                if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                self.db.enable_wal()
                conn.execute("PRAGMA synchronous=NORMAL")
                if migrate and pending:
                    migrations.apply(self.db)
        except Exception as exc:  # sqlite3.DatabaseError and friends
            if conn is not None:
                conn.close()
            if isinstance(exc, StoreError):
                raise
            raise database_error(path, exc) from exc
        self.path = path
        self.readonly = readonly
        #: Migrations this open applied to an existing database.
        self.migrated = pending if migrate and not readonly and not new else []

    def check_writable(self) -> None:
        """Raise :class:`ReadOnlyDatabase` or :class:`LockedDatabase` unless a write
        transaction can start now (waiting at most :data:`BUSY_TIMEOUT`)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:  # a write SQLite really attempts (and that is rolled back)
                self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            finally:
                self.db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise database_error(self.path, exc) from exc

    def pending_migrations(self) -> list[str]:
        return _schema_problem(self.db, self.path)[0]

    def verify_table(self, table: str) -> None:
        """Raise :class:`CorruptDatabase` unless ``PRAGMA quick_check`` finds every page
        whole and ``PRAGMA integrity_check`` finds ``table``'s rows and indexes agreeing
        (a damaged page can drop rows without any error when they are read)."""
        try:
            found = _integrity(self.db.conn, "1", "quick_check")
            if found == ["ok"]:
                found = _integrity(self.db.conn, table)
        except sqlite3.Error as exc:
            raise database_error(self.path, exc) from exc
        if found != ["ok"]:
            lines = [line for line in "\n".join(found).splitlines()
                     if line.strip() and not line.startswith("*** in database")]
            first = (lines or ["damaged"])[0][:150]
            raise CorruptDatabase(f"{self.path} is corrupt ({first}); "
                                  f"`mentionspider check-db --db {self.path}` says where")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.conn:
            yield

    # --- campaigns and runs -----------------------------------------------------------
    def start_run(self, campaign: str, config: dict[str, Any]) -> int:
        now = utcnow()
        with self.transaction():
            existing = self.db.table("campaigns").count_where("name = ?", [campaign])
            row = {"name": campaign, "config": json.dumps(config), "updated_at": now}
            if not existing:
                row["created_at"] = now
            self.db.table("campaigns").upsert(row, pk="name")
            # A run of this campaign still marked running was killed without a goodbye.
            self.db.execute("UPDATE runs SET status = 'interrupted' WHERE campaign = ? "
                            "AND status = 'running'", [campaign])
            return int(self.db.table("runs").insert({
                "campaign": campaign, "started_at": now, "status": "running", "pages": 0,
                "mentions": 0, "links_checked": 0, "broken_links": 0, "new_opportunities": 0,
                "errors": 0, "stats": "{}"}).last_pk or 0)

    def acquire_run_lock(self, campaign: str, *, pid: int | None = None) -> str | None:
        """Take the campaign's run lock for process ``pid`` (default: this one).

        Raises :class:`RunLocked` naming the holder while another live process holds it;
        takes over a lock whose process is gone and returns a note saying so. Taking it
        again from the process that holds it is a no-op. Atomic across processes: the
        lock row is inserted, or taken over only if it still names the dead holder.
        """
        pid = os.getpid() if pid is None else pid
        host = this_host()
        row = {"campaign": campaign, "pid": pid, "host": host, "started_at": utcnow()}
        for _ in range(3):
            holder = self.db.execute("SELECT pid, host, started_at FROM run_locks "
                                     "WHERE campaign = ?", [campaign]).fetchone()
            if holder is None:
                try:
                    with self.transaction():
                        self.db.table("run_locks").insert(row)
                    return None
                except sqlite3.IntegrityError:
                    continue  # taken in between: look again
            old_pid, old_host, old_started = holder
            if (old_pid, old_host) == (pid, host):
                return None
            if holder_alive(old_pid, old_host, old_started):
                where = "" if old_host == host else f" on {old_host}"
                raise RunLocked(f"campaign {campaign!r} is already being swept into "
                                f"{self.path} by pid {old_pid}{where}, started {old_started}")
            with self.transaction():
                taken = self.db.execute(
                    "UPDATE run_locks SET pid = ?, host = ?, started_at = ? WHERE campaign = ? "
                    "AND pid = ? AND host = ? AND started_at = ?",
                    [pid, host, row["started_at"], campaign, *holder]).rowcount
            if taken:
                return (f"took over the run lock of campaign {campaign!r} left by pid "
                        f"{old_pid}, started {old_started}, which is no longer running")
        raise RunLocked(f"campaign {campaign!r}: could not take the run lock in {self.path}")

    def release_run_lock(self, campaign: str, *, pid: int | None = None) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM run_locks WHERE campaign = ? AND pid = ? AND host = ?",
                            [campaign, os.getpid() if pid is None else pid, this_host()])

    def resume_run(self, run_id: int, campaign: str) -> None:
        """Mark an unfinished run of ``campaign`` running again (a distributed rerun that
        goes on where it stopped)."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ? "
                "AND campaign = ?", [run_id, campaign])
            if cursor.rowcount != 1:
                raise StoreError(f"no run {run_id} of campaign {campaign!r} to resume")

    def run_progress(self, run_id: int, campaign: str) -> dict[str, Any]:
        """What an unfinished run wrote so far, for a distributed rerun that resumes it:
        ``pages`` (url -> mention count), ``checks`` (verdicts written since it started),
        ``new_opportunities``."""
        pages = dict(self.db.execute("SELECT url, mention_count FROM pages WHERE campaign = ? "
                                     "AND last_run = ?", [campaign, run_id]).fetchall())
        started = self.db.execute("SELECT started_at FROM runs WHERE id = ?",
                                  [run_id]).fetchone()
        checks = [url for (url,) in self.db.execute(
            "SELECT url FROM link_checks WHERE checked_at >= ?", [started[0] if started else ""])]
        [new] = self.db.execute("SELECT count(*) FROM opportunities WHERE campaign = ? AND "
                                "first_run = ?", [campaign, run_id]).fetchone()
        return {"pages": pages, "checks": checks, "new_opportunities": int(new)}

    def finish_run(self, run_id: int, *, status: str, counts: dict[str, int],
                   stats: dict[str, Any]) -> None:
        with self.transaction():
            self.db.table("runs").update(run_id, {"finished_at": utcnow(), "status": status, **counts,
                                            "stats": json.dumps(stats, default=str),
                                            "changes": json.dumps(self.run_changes(run_id))})

    def end_run(self, run_id: int, status: str, *, only_running: bool = False) -> None:
        """Set a run's final status (``only_running``: unless it already has one)."""
        with self.transaction():
            self.db.execute("UPDATE runs SET status = ?, finished_at = coalesce(finished_at, ?) "
                            "WHERE id = ?" + (" AND status = 'running'" if only_running else ""),
                            [status, utcnow(), run_id])

    def run(self, run_id: int) -> RunSummary:
        row = self.db.execute("SELECT id, campaign, status, pages, mentions, links_checked, "
                              "broken_links, new_opportunities, errors, started_at, finished_at, "
                              "coalesce(rendered_pages, 0), coalesce(render_fallbacks, 0) "
                              "FROM runs WHERE id = ?", [run_id]).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id}")
        return RunSummary(*row)

    def runs(self, campaign: str | None = None) -> list[dict[str, Any]]:
        """Runs oldest first, each with its counts and what changed in it (see
        :meth:`run_changes`, summed over kinds) and the stats it ended with."""
        where, params = ("WHERE campaign = ?", [campaign]) if campaign else ("", [])
        rows = list(self.db.query(f"SELECT id, campaign, status, started_at, finished_at, pages, "
                                  f"mentions, links_checked, broken_links, new_opportunities, "
                                  f"errors, stats, changes FROM runs {where} ORDER BY id",
                                  params))
        changes = self._changes(campaign=campaign)
        for row in rows:
            stats = json.loads(row.pop("stats") or "{}")
            frozen = row.pop("changes")
            if frozen:  # as counted when the run ended (later runs move rows on)
                changes[row["id"]] = json.loads(frozen)
            totals = {what: sum(kind.get(what, 0) for kind in changes.get(row["id"], {}).values())
                      for what in CHANGES}
            row.update(totals)
            row["by_kind"] = changes.get(row["id"], {})
            row["blocked_links"] = int(stats.get("mentionspider/linkcheck/blocked", 0))
            row["transient_links"] = int(stats.get("mentionspider/linkcheck/transient", 0))
            row["failed_seeds"] = dict(stats.get("mentionspider/seeds/failed") or {})
        return rows

    def run_changes(self, run_id: int) -> dict[str, dict[str, int]]:
        """kind -> {new, retired, won, lost, resolved}: what run ``run_id`` changed."""
        return self._changes(run_id=run_id).get(run_id, {})

    def _changes(self, *, campaign: str | None = None, run_id: int | None = None
                 ) -> dict[int, dict[str, dict[str, int]]]:
        """run -> kind -> counts: rows first seen and retired in each run, and the states
        a recrawl set in it (from the history)."""
        out: dict[int, dict[str, dict[str, int]]] = {}

        def counted(column: str, extra: str = "") -> Iterator[tuple[Any, ...]]:
            where: list[str] = [f"{column} IS NOT NULL"]
            params: list[Any] = []
            if campaign is not None:
                where.append("o.campaign = ?")
                params.append(campaign)
            if run_id is not None:
                where.append(f"{column} = ?")
                params.append(run_id)
            state = ", s.new_state" if extra else ""
            yield from self.db.execute(
                f"SELECT {column}, o.kind{state}, count(*) FROM opportunities o {extra} "
                f"WHERE {' AND '.join(where)} GROUP BY {column}, o.kind{state}", params)

        def add(run: int, kind: str, what: str, count: int) -> None:
            out.setdefault(run, {}).setdefault(kind, dict.fromkeys(CHANGES, 0))[what] += count

        for run, kind, count in counted("o.first_run"):
            add(run, kind, "new", count)
        for run, kind, count in counted("o.retired_run"):
            add(run, kind, "retired", count)
        for run, kind, state, count in counted(
                "s.run_id", "JOIN state_changes s ON s.opportunity_id = o.id "
                "AND s.source = 'recrawl' AND s.new_state IN ('won', 'lost', 'resolved')"):
            add(run, kind, state, count)
        return out

    def campaigns(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM campaigns ORDER BY name")]

    def _insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Rows (all with the same keys, plain values) into ``table``, one statement. Not
        sqlite-utils' ``insert_all``, which reads the table's schema on every call (#15)."""
        if not rows:
            return
        columns = list(rows[0])
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join(':' + c for c in columns)})")
        if self.db.conn.in_transaction:  # the caller's transaction commits it
            self.db.conn.executemany(sql, rows)
        else:  # committed at once, as sqlite-utils' insert_all did
            with self.transaction():
                self.db.conn.executemany(sql, rows)

    # --- pages ------------------------------------------------------------------------
    def save_pages(self, run_id: int, items: Sequence[PageItem]) -> int:
        """Store pages with their mentions, links and page-level opportunity.

        Returns how many opportunities were seen for the first time.
        """
        new = 0
        with self.transaction():
            for item in items:
                new += self._save_page(run_id, item)
        return new

    def _save_page(self, run_id: int, item: PageItem) -> int:
        a, now, key = item.analysis, item.fetched_at, [item.campaign, item.url]
        page_key = url_key(item.url)
        before = self.db.execute("SELECT max(linked) FROM pages WHERE campaign = ? AND key = ?",
                                 [item.campaign, page_key]).fetchone()
        # the same page stored under another address (before canonical URLs, or before
        # its site's address changed): this row replaces it
        for (twin,) in self.db.execute("SELECT url FROM pages WHERE campaign = ? AND key = ? "
                                       "AND url != ?", [item.campaign, page_key, item.url]):
            for table, column in (("pages", "url"), ("links", "page_url"),
                                  ("mentions", "page_url")):
                self.db.execute(f"DELETE FROM {table} WHERE campaign = ? AND {column} = ?",
                                [item.campaign, twin])
        page = {"campaign": item.campaign, "url": item.url, "key": page_key, "site": item.site,
                "status": item.status, "title": a.title, "lang": a.lang, "depth": item.depth,
                "linked": int(a.linked), "brand_link_rels": json.dumps(a.brand_link_rels),
                "mention_count": len(a.mentions), "keywords": ",".join(a.keywords),
                "last_seen": now, "last_run": run_id, "source": item.source,
                "render": item.render, "render_reason": item.render_reason,
                "render_error": item.render_error}
        signals = item.signals
        page["outlinks"] = len(a.outlinks)
        emails = list(dict.fromkeys([*(signals.emails if signals else []), *a.emails]))
        page["emails"] = json.dumps(emails) if emails else None
        if signals is not None:
            page["types"] = " ".join(dict.fromkeys(signals.types)) or None
            page.update({"author": signals.author, "published": signals.published,
                         "modified": signals.modified, "canonical": signals.canonical,
                         "robots": " ".join(sorted(signals.robots)) or None})
        self._save_contacts(item, emails, now)
        if self.db.conn.execute("SELECT 1 FROM pages WHERE campaign = ? AND url = ?",
                                key).fetchone() is None:
            page["first_seen"] = now
        # Plain statements, not sqlite-utils' upsert/insert_all: those read the table's
        # schema on every call, which cost three times the rest of a page's save (#15).
        self.db.conn.execute(_upsert("pages", tuple(page), ("campaign", "url")), page)
        self.db.execute("DELETE FROM mentions WHERE campaign = ? AND page_url = ?", key)
        mentions = [(m, 0) for m in a.mentions] + [(m, 1) for m in a.competitor_mentions]
        self.db.conn.executemany(
            "INSERT INTO mentions (campaign, page_url, seq, name, matched, placement, snippet, "
            "in_link, competitor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(item.campaign, item.url, seq, m.name, m.matched, m.placement, m.snippet,
              int(m.in_link), competitor) for seq, (m, competitor) in enumerate(mentions)])
        self.db.execute("DELETE FROM links WHERE campaign = ? AND page_url = ?", key)
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO links (campaign, page_url, target_url, anchor_text, rel, "
            "placement, snippet, last_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(item.campaign, item.url, link.url, link.anchor_text, link.rel, link.placement,
              link.snippet, run_id) for link in a.outlinks])
        new = self.upsert_opportunities(run_id, [item.opportunity] if item.opportunity else [],
                                        now=now)
        self._verify_page(run_id, item, newly_linked=a.linked and not (before and before[0]))
        if url_key(item.requested_url) != page_key:  # moved: rows under its old URL retire
            self._retire_page(run_id, item.campaign, item.requested_url,
                              f"the page moved to {item.url}", now)
        return new

    # --- verification on recrawl --------------------------------------------------------
    def _verify_page(self, run_id: int, item: PageItem, *, newly_linked: bool) -> None:
        """What a recrawl of a page says about its known rows (see the README's "History
        and verification"): won when it now links to the brand, lost when a seen link is
        gone, resolved when a dead link was removed, retired when a row no longer holds."""
        a, now = item.analysis, item.fetched_at
        keep = (opportunity_identity(item.opportunity.kind, item.opportunity.page_url,
                                     item.opportunity.target_url) if item.opportunity else "")
        link = next((l for l in a.brand_links if not set(l.rel.split()) & NOFOLLOW_RELS),
                    a.brand_links[0] if a.brand_links else None)
        cursor = self.db.conn.execute(
            "SELECT id, campaign, kind, state, state_source, active, won_run, target_url, "
            "identity FROM opportunities WHERE campaign = ? AND page_key = ?",
            [item.campaign, url_key(item.url)])
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
        outlinks: set[str] | None = None  # only pages with a broken-link row need them
        for row in rows:
            if row["kind"] == "broken_link":
                if outlinks is None:
                    outlinks = {url_key(l.url) for l in a.outlinks}
                if row["active"] and url_key(row["target_url"] or "") not in outlinks:
                    if newly_linked and link is not None:
                        self._win(row, link, run_id, now)
                    else:
                        self._recrawl_state(row, "resolved", run_id, now, "the dead link was removed")
                    self._retire(row, "the dead link was removed", run_id)
            elif a.linked and link is not None:
                self._win(row, link, run_id, now)
                self._retire(row, "the page now links to the brand", run_id)
            elif row["state"] == "won" and row["won_run"] is not None:
                self._lose(row, run_id, now)
            elif row["identity"] != keep and row["active"]:
                self._retire(row, "the page links to the brand with rel=nofollow only"
                             if a.nofollow_only else "no longer holds on the page", run_id)

    def _win(self, row: dict[str, Any], link: OutLink, run_id: int, now: str) -> None:
        """The brand got its link: state ``won`` (over any state), with the link seen."""
        self.db.execute("UPDATE opportunities SET won_url = ?, won_anchor = ?, won_rel = ?, "
                        "won_run = ? WHERE id = ?",
                        [link.url, link.anchor_text, link.rel, run_id, row["id"]])
        if row["state"] != "won":
            rel = f" (rel={link.rel})" if link.rel else ""
            self._change_state(row, "won", "recrawl", run_id, now,
                               f"links to {link.url}{rel}: {link.anchor_text!r}")

    def _lose(self, row: dict[str, Any], run_id: int, now: str, why: str = "") -> None:
        """A won link seen on an earlier crawl is gone: ``lost``, kept and shown (active)."""
        self._change_state(row, "lost", "recrawl", run_id, now,
                           why or "the link to the brand is gone")
        self.db.execute("UPDATE opportunities SET active = 1, retired_reason = NULL, "
                        "retired_run = NULL WHERE id = ?", [row["id"]])

    def _recrawl_state(self, row: dict[str, Any], state: str, run_id: int, now: str,
                       detail: str) -> None:
        """A state a recrawl sets, unless a person set the row's state (only ``won`` goes
        over a person's state)."""
        if row["state_source"] != "person" and row["state"] != state:
            self._change_state(row, state, "recrawl", run_id, now, detail)

    def _retire(self, row: dict[str, Any], reason: str, run_id: int) -> None:
        if row["active"]:
            self.db.execute("UPDATE opportunities SET active = 0, retired_reason = ?, "
                            "retired_run = ? WHERE id = ?", [reason, run_id, row["id"]])
            row["active"] = 0

    def _change_state(self, row: dict[str, Any], state: str, source: str, run_id: int | None,
                      now: str, detail: str = "") -> None:
        self.db.execute("UPDATE opportunities SET state = ?, state_source = ?, "
                        "state_changed_at = ? WHERE id = ?", [state, source, now, row["id"]])
        self._insert("state_changes", [{
            "opportunity_id": row["id"], "campaign": row["campaign"], "old_state": row["state"],
            "new_state": state, "source": source, "run_id": run_id, "changed_at": now,
            "detail": detail}])
        row["state"], row["state_source"] = state, source

    def _retire_page(self, run_id: int, campaign: str, url: str, reason: str, now: str) -> None:
        for row in self.db.query(
                "SELECT id, campaign, kind, state, state_source, active, won_run, target_url "
                "FROM opportunities WHERE campaign = ? AND page_key = ? AND (active = 1 OR "
                "(state = 'won' AND won_run IS NOT NULL))", [campaign, url_key(url)]):
            if row["state"] == "won" and row["won_run"] is not None:
                self._lose(row, run_id, now, f"the link to the brand is gone: {reason}")
            else:
                self._retire(row, reason, run_id)

    def retire_gone_pages(self, run_id: int, pages: Sequence[GonePageItem]) -> None:
        """Pages that now answer 404/410 or whose host no longer resolves: their rows
        retire with that reason (a won link on them is lost)."""
        reasons = {"http_404": "the page answers 404", "http_410": "the page answers 410",
                   "dns": "the page's host no longer resolves"}
        with self.transaction():
            for page in pages:
                self._retire_page(run_id, page.campaign, page.url,
                                  reasons.get(page.reason, f"the page is gone ({page.reason})"),
                                  page.fetched_at)
                if page.reason.startswith("http_"):
                    self.db.execute("UPDATE pages SET status = ? WHERE campaign = ? AND url = ?",
                                    [int(page.reason[5:]), page.campaign, page.url])

    # --- search answers ---------------------------------------------------------------
    def save_search_answers(self, items: Iterable[SearchAnswerItem]) -> None:
        with self.transaction():
            self.db.table("search_answers").upsert_all(
                ({"provider": a.provider, "query": a.query, "page": a.page,
                  "hits": json.dumps(a.hits), "more": None if a.more is None else int(a.more),
                  "fetched_at": a.fetched_at} for a in items),
                pk=("provider", "query", "page"))

    def fresh_search_answers(self, max_age_hours: float) -> list[dict[str, Any]]:
        """Answers younger than ``max_age_hours``: provider, query, page, hits (list of
        dicts), more (True, False or None), fetched_at."""
        if max_age_hours <= 0:
            return []
        since = (datetime.now(timezone.utc) - timedelta(hours=max_age_hours)).isoformat(
            timespec="seconds")
        return [{**row, "hits": json.loads(row["hits"]),
                 "more": None if row["more"] is None else bool(row["more"])}
                for row in self.db.query("SELECT provider, query, page, hits, more, fetched_at "
                                         "FROM search_answers WHERE fetched_at >= ?", [since])]

    # --- link checks ------------------------------------------------------------------
    def _save_contacts(self, item: PageItem, emails: list[str], now: str) -> None:
        rows: list[dict[str, Any]] = [{"kind": "email", "value": e, "rank": 0, "fetched": 1}
                                      for e in emails]
        rows += [{"kind": "page", "value": url, "rank": rank, "fetched": 0}
                 for url, rank in item.analysis.contact_links]
        own = contact_page_rank(item.url)
        if own is not None and item.status == 200:
            rows.append({"kind": "page", "value": item.url, "rank": own, "fetched": 1})
        if not rows:
            return
        for row in rows:
            known = self.db.execute(
                "SELECT fetched FROM site_contacts WHERE campaign = ? AND site = ? AND kind = ? "
                "AND value = ?", [item.campaign, item.site, row["kind"], row["value"]]).fetchone()
            self.db.conn.execute(_upsert("site_contacts", _CONTACT_COLUMNS, _CONTACT_KEY), {
                **row, "campaign": item.campaign, "site": item.site, "source_url": item.url,
                "last_seen": now,
                "fetched": max(int(row["fetched"]), int(known[0]) if known else 0)})

    def contacts(self, campaign: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
        """(campaign, site) -> the best ``contact_email`` and ``contact_page`` found on it:
        an address on the site's own domain and a role address (editor@, contact@...)
        first; a contact page before write-for-us, impressum and about pages, one that
        was fetched before one only linked to."""
        where, params = ("WHERE campaign = ?", [campaign]) if campaign else ("", [])
        found: dict[tuple[str, str], dict[str, Any]] = {}
        emails: dict[tuple[str, str], list[str]] = {}
        for row in self.db.query(
                f"SELECT campaign, site, kind, value FROM site_contacts {where} "
                "ORDER BY rank, fetched DESC, length(value), value", params):
            key = (row["campaign"], row["site"])
            entry = found.setdefault(key, {"contact_email": None, "contact_page": None})
            if row["kind"] == "email":
                emails.setdefault(key, []).append(row["value"])
            elif entry["contact_page"] is None:
                entry["contact_page"] = row["value"]
        for key, addresses in emails.items():
            found[key]["contact_email"] = best_email(addresses, key[1])
        return found

    def save_link_checks(self, items: Iterable[LinkCheckItem]) -> None:
        with self.transaction():
            self.db.table("link_checks").upsert_all(
                ({"url": c.url, "outcome": c.outcome, "status": c.status,
                  "final_url": c.final_url, "redirects": json.dumps(c.redirects),
                  "method": c.method, "evidence": c.evidence, "elapsed_ms": c.elapsed_ms,
                  "checked_at": c.checked_at, "error": c.error, "attempts": c.attempts}
                 for c in items), pk="url")

    def fresh_link_checks(self, max_age_hours: float) -> dict[str, tuple[str, str]]:
        """url -> (outcome, status) for verdicts younger than ``max_age_hours``.

        Transient and skipped verdicts are never reused: they are rechecked on every run.
        """
        if max_age_hours <= 0:
            return {}
        since = (datetime.now(timezone.utc) - timedelta(hours=max_age_hours)).isoformat(
            timespec="seconds")
        return {url: (outcome, status) for url, outcome, status in self.db.execute(
            "SELECT url, outcome, status FROM link_checks WHERE checked_at >= ? "
            "AND outcome NOT IN ('transient', 'skipped')", [since])}

    def link_check(self, url: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM link_checks WHERE url = ?", [url]))
        return rows[0] if rows else None

    def broken_link_candidates(self, campaign: str, run_id: int) -> list[dict[str, Any]]:
        """Every (page, dead target) pair among the pages crawled in ``run_id``."""
        return list(self.db.query(
            """
            WITH dead AS (
              SELECT l.target_url, count(*) AS linking_pages,
                     count(DISTINCT p.site) AS linking_sites
              FROM links l
              JOIN link_checks c ON c.url = l.target_url AND c.outcome = 'broken'
              JOIN pages p ON p.campaign = l.campaign AND p.url = l.page_url
              WHERE l.campaign = :campaign
              GROUP BY l.target_url
            ), per_site AS (
              SELECT l.target_url, p.site, count(*) AS site_pages
              FROM links l
              JOIN dead ON dead.target_url = l.target_url
              JOIN pages p ON p.campaign = l.campaign AND p.url = l.page_url
              WHERE l.campaign = :campaign
              GROUP BY l.target_url, p.site
            )
            SELECT l.page_url, l.target_url, l.anchor_text, l.rel, l.placement, l.snippet,
                   p.title AS page_title, p.keywords, p.source, c.status, c.evidence, c.redirects,
                   c.final_url,
                   dead.linking_pages, dead.linking_sites, per_site.site_pages,
                   p.depth, p.lang, p.robots, p.canonical, p.published, p.modified, p.types,
                   p.outlinks
            FROM links l
            JOIN dead ON dead.target_url = l.target_url
            JOIN link_checks c ON c.url = l.target_url
            JOIN pages p ON p.campaign = l.campaign AND p.url = l.page_url
            JOIN per_site ON per_site.target_url = l.target_url AND per_site.site = p.site
            WHERE l.campaign = :campaign AND l.last_run = :run
            ORDER BY l.page_url, l.target_url
            """, {"campaign": campaign, "run": run_id}))

    def settle_broken_links(self, campaign: str, run_id: int,
                            opportunities: Sequence[Opportunity]) -> int:
        """Record this run's broken-link opportunities and retire those that went away
        from pages crawled in this run. Returns how many are new."""
        with self.transaction():
            new = self.upsert_opportunities(run_id, opportunities)
            # Rows of pages crawled in this run whose link is still there but no longer
            # broken: fixed when the target now answers; unknown (kept) when it is
            # blocked or transient. (A removed link was settled when its page was saved.)
            now = utcnow()
            for row in list(self.db.query(
                    "SELECT o.id, o.campaign, o.kind, o.state, o.state_source, o.active, "
                    "o.won_run, o.target_url, c.outcome FROM opportunities o "
                    "JOIN pages p ON p.campaign = o.campaign AND p.key = o.page_key "
                    "LEFT JOIN link_checks c ON c.url = o.target_url "
                    "WHERE o.campaign = ? AND o.kind = 'broken_link' AND o.active = 1 "
                    "AND o.last_run != ? AND p.last_run = ?", [campaign, run_id, run_id])):
                if row["outcome"] == "ok":
                    self._recrawl_state(row, "resolved", run_id, now, "the link works now")
                    self._retire(row, "the link works now", run_id)
        return new

    # --- opportunities ----------------------------------------------------------------
    def upsert_opportunities(self, run_id: int, opportunities: Sequence[Opportunity], *,
                             now: str | None = None) -> int:
        """Insert or refresh opportunities, keeping first sighting and outreach state.

        New rows get their first sighting and the state ``new``; a known row has only
        what the crawl observes rewritten (the opportunity's own fields, ``last_seen``,
        ``last_run``, ``active``), so its ``state``,
        ``note``, ``first_seen``, ``first_run`` and ``state_changed_at`` are never
        touched, whatever else the batch holds. (One ``upsert_all`` over a batch that
        mixed new and known rows once wrote NULL into those columns of the known ones.)
        """
        if not opportunities:
            return 0
        now = now or utcnow()
        # One row per identity: an opportunity found again under another address of its
        # page (http/https, www, tracking parameters...) keeps the id it was first given.
        identities = {o.id: opportunity_identity(o.kind, o.page_url, o.target_url)
                      for o in opportunities}
        wanted = list(set(identities.values()))
        campaigns = list({o.campaign for o in opportunities})
        # by (campaign, identity): the index's order; by identity alone it scanned the
        # whole table for every page (#15)
        existing = {(campaign, identity): id_ for identity, campaign, id_ in self.db.execute(
            f"SELECT identity, campaign, id FROM opportunities WHERE campaign IN "
            f"({','.join('?' * len(campaigns))}) AND identity IN ({','.join('?' * len(wanted))})",
            campaigns + wanted)}
        remapped = []
        for o in opportunities:
            known_as = existing.get((o.campaign, identities[o.id]))
            if known_as is not None and known_as != o.id:
                identities[known_as] = identities[o.id]
                o = replace(o, id=known_as)
            remapped.append(o)
        opportunities = list({o.id: o for o in remapped}.values())  # last one wins
        ids = [o.id for o in opportunities]
        marks = ",".join("?" * len(ids))
        known = {row[0] for row in self.db.execute(
            f"SELECT id FROM opportunities WHERE id IN ({marks})", ids)}
        fresh, seen = [], []
        for opportunity in opportunities:
            row = {**opportunity.as_row(), "last_seen": now, "last_run": run_id, "active": 1,
                   "identity": identities[opportunity.id],
                   "page_key": url_key(opportunity.page_url),
                   "retired_reason": None, "retired_run": None}
            if opportunity.id in known:
                seen.append(row)
            else:
                fresh.append({**row, "first_seen": now, "first_run": run_id, "state": "new",
                              "state_changed_at": now, "state_source": "recrawl"})
        if fresh:
            self._insert("opportunities", fresh)
            self._insert("state_changes", [
                {"opportunity_id": row["id"], "campaign": row["campaign"], "old_state": None,
                 "new_state": "new", "source": "recrawl", "run_id": run_id, "changed_at": now,
                 "detail": "first seen"} for row in fresh])
        if seen:
            columns = [c for c in seen[0] if c != "id"]
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            self.db.conn.executemany(
                f"UPDATE opportunities SET {assignments} WHERE id = :id", seen)
            # A row a recrawl had resolved that holds again (the link broke again) is new
            # again; a person's state stays.
            marks = ",".join("?" * len(seen))
            for row in list(self.db.query(
                    "SELECT id, campaign, state FROM opportunities WHERE state = 'resolved' "
                    f"AND state_source = 'recrawl' AND id IN ({marks})", [r["id"] for r in seen])):
                self._change_state(row, "new", "recrawl", run_id, now, "holds again")
        return len(fresh)

    def ranked_opportunities(self, campaign: str | None = None, *,
                             kinds: Sequence[str] = (), include_inactive: bool = False,
                             min_score: int = 0, states: Sequence[str] = (),
                             new_since: tuple[str, Any] | None = None) -> list[dict[str, Any]]:
        """Opportunities best first: score, then most recently seen, then URL.

        ``states``: only these outreach states, retired rows included. ``new_since``:
        ("last", None) first seen in the campaign's latest run, ("run", id) after run
        ``id``, ("time", iso) at or after that time.
        """
        where: list[str] = ["score >= ?"]
        params: list[Any] = [min_score]
        if campaign:
            where.append("campaign = ?")
            params.append(campaign)
        if kinds:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            params.extend(states)
        elif not include_inactive:
            where.append("active = 1")
        if new_since is not None:
            how, value = new_since
            if how == "last":
                where.append("first_run = (SELECT max(r.id) FROM runs r "
                             "WHERE r.campaign = o.campaign)")
            elif how == "run":
                where.append("first_run > ?")
                params.append(value)
            else:
                where.append("first_seen >= ?")
                params.append(value)
        rows = list(self.db.query(
            f"SELECT o.*, p.author AS author, p.emails AS page_emails FROM opportunities o "
            "LEFT JOIN pages p ON p.campaign = o.campaign AND p.url = o.page_url "
            f"WHERE {' AND '.join('o.' + w for w in where)} "
            "ORDER BY o.score DESC, o.last_seen DESC, o.page_url, o.target_url", params))
        contacts = self.contacts(campaign)
        for row in rows:
            site = contacts.get((row["campaign"], row["domain"]), {})
            own = best_email(json.loads(row.pop("page_emails") or "[]"), row["domain"] or "")
            row["contact_email"] = own or site.get("contact_email")
            row["contact_page"] = site.get("contact_page")
        return rows

    def state_history(self, opportunity_id: str) -> list[dict[str, Any]]:
        """Every state an opportunity has had, oldest first, with time and source."""
        return list(self.db.query(
            "SELECT old_state, new_state, source, run_id, changed_at, detail FROM state_changes "
            "WHERE opportunity_id = ? ORDER BY id", [opportunity_id]))

    def recently_contacted_domains(self, campaign: str | None, days: float) -> set[str]:
        """Registered domains with an opportunity put in a state past ``new`` (other than
        ``ignored``) in the last ``days`` days: sites outreach has already written to."""
        since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
        where, params = ("AND campaign = ?", [campaign]) if campaign else ("", [])
        return {row[0] for row in self.db.execute(
            "SELECT DISTINCT domain FROM opportunities WHERE state IN "
            f"({','.join('?' * len(CONTACTED_STATES))}) AND state_changed_at >= ? {where}",
            [*CONTACTED_STATES, since, *params])}

    def set_state(self, opportunity_id: str, state: str, note: str | None = None) -> None:
        if state not in OUTREACH_STATES:
            raise StoreError(f"unknown state {state!r} (expected one of "
                             f"{', '.join(OUTREACH_STATES)})")
        with self.transaction():
            rows = list(self.db.query("SELECT id, campaign, state FROM opportunities "
                                      "WHERE id = ?", [opportunity_id]))
            if not rows:
                merged = self.db.execute("SELECT into_id FROM merged_ids WHERE id = ?",
                                         [opportunity_id]).fetchone()
                if merged is None:
                    raise StoreError(f"no opportunity {opportunity_id}")
                opportunity_id = merged[0]  # merged into its twin by m006_canonical_identity
                rows = list(self.db.query("SELECT id, campaign, state FROM opportunities "
                                          "WHERE id = ?", [opportunity_id]))
            self._change_state(rows[0], state, "person", None, utcnow(), note or "")
            if note is not None:
                self.db.table("opportunities").update(opportunity_id, {"note": note})

    def opportunity_counts(self, campaign: str, run_id: int) -> dict[str, tuple[int, int]]:
        """kind -> (seen in this run, first seen in this run)."""
        return {kind: (seen, new) for kind, seen, new in self.db.execute(
            "SELECT kind, count(*), sum(first_run = ?) FROM opportunities "
            "WHERE campaign = ? AND last_run = ? AND active = 1 GROUP BY kind ORDER BY kind",
            [run_id, campaign, run_id])}

    # --- the report -------------------------------------------------------------------
    def report_data(self, campaign: str | None = None) -> dict[str, Any]:
        """What ``mentionspider report`` shows: the runs, the opportunities (active ones
        and every row a recrawl or a person settled), the top sites and the most-linked
        dead targets."""
        where, params = ("WHERE campaign = ?", [campaign]) if campaign else ("", [])
        and_where = where.replace("WHERE", "AND")
        opportunities = [o for o in self.ranked_opportunities(campaign, include_inactive=True)
                         if o["active"] or o["state"] != "new"]
        sites = list(self.db.query(
            f"SELECT domain, count(*) AS opportunities, max(score) AS best_score, "
            f"group_concat(DISTINCT kind) AS kinds FROM opportunities WHERE active = 1 "
            f"{and_where} GROUP BY domain ORDER BY opportunities DESC, best_score DESC, domain "
            f"LIMIT 20", params))
        dead = list(self.db.query(
            f"SELECT target_url, status, max(linking_pages) AS linking_pages, "
            f"max(linking_sites) AS linking_sites, count(*) AS rows FROM opportunities "
            f"WHERE kind = 'broken_link' AND active = 1 {and_where} GROUP BY target_url "
            f"ORDER BY linking_sites DESC, linking_pages DESC, target_url LIMIT 20", params))
        return {"runs": self.runs(campaign), "opportunities": opportunities, "sites": sites,
                "dead_targets": dead}
