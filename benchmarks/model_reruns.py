"""The randomised model test of reruns (#8): nothing the team typed in is ever lost.

A seeded generator mutates a small virtual web between runs (pages appear and
disappear, mentions and brand links come and go, dead links are added and removed)
and interleaves real sweeps (``mentionspider sweep`` subprocesses through the virtual
web's proxy), outreach ``state`` changes and sweeps killed with SIGKILL halfway. After
every step the store is compared with a small in-memory model of what it must hold:

- every opportunity the model knows is still there, with its ``state``, ``note``,
  ``first_seen``, ``first_run`` and ``state_changed_at`` exactly as they were;
- after a completed sweep, exactly the opportunities that hold on the web now are
  active (those of pages that were not crawled keep what they had);
- a killed sweep may have committed some of its batches: the rows it created are
  learned (they must be ones the web could produce), nothing else may change.

Run as a script for the long version (``python benchmarks/model_reruns.py --seeds 5
--steps 60``); ``tests/test_model_reruns.py`` runs a short one. Prints one line per
seed and the totals; exit code 1 when any step found a difference.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mentionspider.virtualweb.server import VirtualWeb, proxy_env  # noqa: E402
from mentionspider.virtualweb.web import Route, Web  # noqa: E402

SITES = ("alpha.example", "beta.example")
PATHS = tuple(f"/p{i}" for i in range(6))
DEAD = ("http://gone1.example/a", "http://gone1.example/b", "http://gone2.example/c",
        "http://gone3.example/d")
STATES = ("contacted", "replied", "won", "lost", "ignored", "new")
CAMPAIGN = """\
name = "model"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://alpha.example/", "http://beta.example/"]
max_depth = 1
delay = 0
concurrency_per_site = 2
[linkcheck]
delay = 0
concurrency_per_host = 2
"""
SETTINGS = ["-s", "MENTIONSPIDER_STORE_BATCH=2", "-s", "MENTIONSPIDER_LINKCHECK_SOFT404=false",
            "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=5"]

Key = tuple[str, str, str]  # (kind, page URL, target URL)


@dataclass
class Page:
    mention: bool = False
    brand_link: str = ""  # "", "follow" or "nofollow"
    dead: set[str] = field(default_factory=set)


@dataclass
class Row:
    first_run: int
    active: bool
    state: str = "new"
    note: str | None = None
    first_seen: str | None = None  # learned from the store when first seen
    state_changed_at: str | None = None
    person: bool = False  # the state was set by a person (only a recrawl's won beats it)


class Mismatch(AssertionError):
    """The store differs from the model."""


class Model:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.web: dict[tuple[str, str], Page] = {}
        self.rows: dict[Key, Row] = {}
        self.runs = 0
        for site in SITES:
            for path in PATHS[:3]:
                self.web[(site, path)] = Page(mention=rng.random() < 0.7)

    # --- the web ---------------------------------------------------------------------
    def mutate(self) -> list[str]:
        done = []
        for _ in range(self.rng.randint(1, 3)):
            site, path = self.rng.choice(SITES), self.rng.choice(PATHS)
            page = self.web.get((site, path))
            roll = self.rng.random()
            if page is None:
                self.web[(site, path)] = Page(mention=self.rng.random() < 0.6)
                done.append(f"add {site}{path}")
            elif roll < 0.15:
                del self.web[(site, path)]
                done.append(f"remove {site}{path}")
            elif roll < 0.4:
                page.mention = not page.mention
                done.append(f"mention={page.mention} {site}{path}")
            elif roll < 0.6:
                page.brand_link = self.rng.choice(["", "follow", "nofollow"])
                done.append(f"brand_link={page.brand_link or 'none'} {site}{path}")
            else:
                target = self.rng.choice(DEAD)
                page.dead ^= {target}
                done.append(f"dead {target} {'on' if target in page.dead else 'off'} "
                            f"{site}{path}")
        return done

    def build_web(self) -> Web:
        web = Web()
        for site in SITES:
            web.add_page(site, "/robots.txt", "User-agent: *\nAllow: /\n")
            links = " ".join(f'<a href="{path}">{path}</a>' for s, path in sorted(self.web)
                             if s == site)
            web.add_page(site, "/", f"<html><body><nav>{links}</nav><main><p>Index of pages."
                                    "</p></main></body></html>")
        for (site, path), page in self.web.items():
            text = ("We tried Acme Widgets last week and liked them." if page.mention
                    else "A page about something else entirely.")
            links = "".join(f' <a href="{target}">an old page</a>' for target in sorted(page.dead))
            if page.brand_link:
                rel = ' rel="nofollow"' if page.brand_link == "nofollow" else ""
                links += f' <a href="https://acmewidgets.com/"{rel}>their shop</a>'
            body = (f"<html><head><title>{path}</title></head><body><main><p>{text}{links}</p>"
                    "</main></body></html>")
            web.add_route(site, path, Route(body=body, delay=self.rng.choice([0, 0.05, 0.2])))
        return web

    # --- what a sweep must leave -----------------------------------------------------
    def holds(self) -> dict[Key, bool]:
        """Every opportunity of a page on the web now (all of them active)."""
        out: dict[Key, bool] = {}
        for (site, path), page in self.web.items():
            url = f"http://{site}{path}"
            if page.mention and page.brand_link != "follow":
                kind = "nofollow_mention" if page.brand_link == "nofollow" else "unlinked_mention"
                out[(kind, url, "")] = True
            for target in page.dead:
                out[("broken_link", url, target)] = True
        return out

    def swept(self, run: int) -> None:
        """A completed sweep: every page on the web was crawled in ``run``."""
        holding = self.holds()
        crawled = {f"http://{site}{path}" for site, path in self.web}
        for key, row in self.rows.items():
            if key[1] in crawled:
                row.active = key in holding
        for key in holding:
            if key not in self.rows:
                self.rows[key] = Row(first_run=run, active=True)

    def possible(self) -> set[Key]:
        return set(self.holds())


def page_url(url: str) -> str:
    return url.rstrip("/") if url.count("/") > 3 else url


def read_store(db: Path) -> dict[Key, dict[str, Any]]:
    with sqlite3.connect(db, timeout=30) as conn:
        conn.row_factory = sqlite3.Row
        return {(r["kind"], page_url(r["page_url"]), r["target_url"] or ""): dict(r)
                for r in conn.execute("SELECT * FROM opportunities")}


def compare(model: Model, db: Path, *, exact_active: bool, learn: bool, step: str) -> int:
    """Check the store against the model; returns how many rows were compared."""
    stored = read_store(db) if db.exists() else {}
    problems = []
    on_web = {f"http://{site}{path}" for site, path in model.web}
    for key, row in model.rows.items():
        found = stored.get(key)
        if found is None:
            problems.append(f"lost {key}")
            continue
        verified = found.get("state_source") == "recrawl"
        if found["state"] != row.state and verified and (
                found["state"] == "won" or (found["state"] in ("lost", "resolved")
                                            and not row.person)):
            # what a recrawl verified (README, "History and verification"): the page now
            # links the brand (won, over any state), a won link is gone (lost), a dead
            # link was removed (resolved, never over a person's state)
            row.state, row.person = found["state"], False
            row.state_changed_at = found["state_changed_at"]
        for column in ("state", "note", "first_run"):
            if found[column] != getattr(row, column):
                problems.append(f"{key}: {column} {found[column]!r} != {getattr(row, column)!r}")
        for column in ("first_seen", "state_changed_at"):
            if getattr(row, column) is None:
                setattr(row, column, found[column])
            elif found[column] != getattr(row, column):
                problems.append(f"{key}: {column} changed {getattr(row, column)!r} -> "
                                f"{found[column]!r}")
        shown_anyway = verified and found["state"] in ("won", "lost")  # kept and shown
        if key[1] not in on_web and not found["active"]:
            row.active = False  # a page gone from the web may be retired when recrawled
        if (exact_active and not shown_anyway
                and bool(found["active"]) != row.active):
            problems.append(f"{key}: active {found['active']} != {row.active}")
        if learn or shown_anyway:
            row.active = bool(found["active"])
    possible = model.possible()
    for key, found in stored.items():
        if key in model.rows:
            continue
        if learn and key in possible and found["note"] is None:
            model.rows[key] = Row(first_run=found["first_run"], active=bool(found["active"]),
                                  state=found["state"],
                                  first_seen=found["first_seen"],
                                  state_changed_at=found["state_changed_at"])
        else:
            problems.append(f"unexpected {key} (first_run {found['first_run']})")
    if problems:
        raise Mismatch(f"after {step}: " + "; ".join(problems[:10]))
    return len(model.rows)


def sweep_process(campaign: Path, db: Path, proxy: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(proxy_env(proxy))
    return subprocess.Popen([sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign),
                             "--db", str(db), "-q", *SETTINGS], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def last_run(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute("SELECT max(id) FROM runs").fetchone()
    return int(row[0] or 0)


def set_state(db: Path, opportunity: str, state: str, note: str) -> None:
    """``mentionspider state`` (in this process: it needs no reactor)."""
    from click.testing import CliRunner

    from mentionspider.cli import cli

    result = CliRunner().invoke(cli, ["state", opportunity, state, "--db", str(db),
                                      "--note", note])
    if result.exit_code:
        raise Mismatch(f"state {opportunity} {state}: {result.output}")


@dataclass
class Tally:
    steps: int = 0
    sweeps: int = 0
    kills: int = 0
    states: int = 0
    checks: int = 0  # row comparisons


def run_model(seed: int, steps: int, workdir: Path, *, log: Any = None,
              plan: str = "") -> Tally:
    """``steps`` random steps with seed ``seed``; raises :class:`Mismatch` on a difference.

    ``plan`` fixes the kind of each step instead (``s`` sweep, ``k`` sweep killed with
    SIGKILL, ``t`` state change); the web's mutations stay random."""
    rng = random.Random(seed)
    model = Model(rng)
    campaign = workdir / "model.toml"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    db = workdir / "model.db"
    tally = Tally()
    for number in range(1, steps + 1):
        roll = rng.random()
        if plan:
            kind = {"s": "sweep", "k": "kill", "t": "state"}[plan[(number - 1) % len(plan)]]
            if kind == "state" and not model.rows:
                kind = "sweep"
        elif not model.rows or roll < 0.45:
            kind = "sweep"
        elif roll < 0.65:
            kind = "kill"
        else:
            kind = "state"
        step = f"seed {seed} step {number} ({kind})"
        if kind == "state":
            key = rng.choice(sorted(model.rows))
            row = model.rows[key]
            opportunity = read_store(db)[key]["id"]
            row.state, row.note = rng.choice(STATES), f"note {seed}-{number}"
            row.person = True
            set_state(db, opportunity, row.state, row.note)
            row.state_changed_at = None  # learned again from the store
            tally.states += 1
            tally.checks += compare(model, db, exact_active=False, learn=False, step=step)
        else:
            changes = model.mutate()
            with VirtualWeb(model.build_web()) as web:
                process = sweep_process(campaign, db, web.url)
                if kind == "kill":
                    time.sleep(rng.uniform(1.0, 3.5))  # Scrapy starts in about 1.5 s
                    process.send_signal(signal.SIGKILL)
                try:
                    out, err = process.communicate(timeout=120)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.communicate()
                    raise Mismatch(f"{step}: the sweep did not finish in 120 s") from None
            if kind == "kill" and process.returncode == -signal.SIGKILL:
                tally.kills += 1
                tally.checks += compare(model, db, exact_active=False, learn=True, step=step)
            else:
                if process.returncode != 0:
                    raise Mismatch(f"{step}: sweep exited {process.returncode}: {err[-2000:]}")
                model.swept(last_run(db))
                tally.sweeps += 1
                tally.checks += compare(model, db, exact_active=True, learn=False, step=step)
            if log is not None:
                log(f"  {step}: {', '.join(changes)}")
        tally.steps += 1
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds (1, 2, ...)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=40, help="steps per seed")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    total, failed = Tally(), 0
    started = time.monotonic()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                tally = run_model(seed, args.steps, Path(tmp),
                                  log=print if args.verbose else None)
            except Mismatch as exc:
                failed += 1
                print(f"seed {seed}: FAILED {exc}")
                continue
        print(f"seed {seed}: {tally.steps} steps ok ({tally.sweeps} sweeps, {tally.kills} "
              f"killed, {tally.states} state changes, {tally.checks} row checks)", flush=True)
        for name in ("steps", "sweeps", "kills", "states", "checks"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    print(f"{args.seeds} seeds x {args.steps} steps: {total.steps} steps, {total.sweeps} sweeps, "
          f"{total.kills} killed, {total.states} state changes, {total.checks} row checks, "
          f"{failed} seeds with a difference, {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
