"""An interrupted sweep keeps the store whole: committed rows, outreach states, a run row."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mentionspider.store import Store
from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import ROOT

PAGES = 60


def slow_web() -> Web:
    web = Web()
    links = "".join(f'<a href="/p{i}">p{i}</a> ' for i in range(PAGES))
    web.add_page("slow.example", "/", f"<main><p>Acme Widgets index. {links}</p></main>")
    for i in range(PAGES):
        web.add_route("slow.example", f"/p{i}", Route(
            body=f"<main><p>Page {i} praises Acme Widgets.</p></main>", delay=0.2))
    return web


def start_sweep(campaign: Path, db: Path, proxy: str) -> subprocess.Popen[str]:
    env = {**os.environ, **proxy_env(proxy)}
    return subprocess.Popen([sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign),
                             "--db", str(db), "-s", "MENTIONSPIDER_STORE_BATCH=5"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for_pages(db: Path, run: int, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    stored = conn.execute("SELECT count(*) FROM pages WHERE last_run = ?",
                                          [run]).fetchone()[0]
                    if stored >= count:
                        return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} pages stored in {timeout}s")


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, "stopped: shutdown"),
                                        (signal.SIGKILL, "running")])
def test_interrupted_sweep_keeps_states_and_committed_rows(tmp_path: Path, sig: int,
                                                           status: str) -> None:
    campaign = tmp_path / "slow.toml"
    campaign.write_text('name = "slow"\n[brand]\nnames = ["Acme Widgets"]\n'
                        'domains = ["acmewidgets.com"]\n[crawl]\nseeds = ["http://slow.example/"]\n'
                        "delay = 0\nconcurrency_per_site = 2\ncheck_links = false\n")
    db = tmp_path / "slow.db"
    with VirtualWeb(slow_web()) as web:
        first = start_sweep(campaign, db, web.url)
        wait_for_pages(db, 1, 1)
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
        assert first.returncode == 130  # stopped by a signal (#12)
        store = Store(db)
        [home] = [o for o in store.ranked_opportunities("slow")
                  if o["page_url"] == "http://slow.example/"]
        store.set_state(home["id"], "won", "link added")
        store.close()

        second = start_sweep(campaign, db, web.url)
        wait_for_pages(db, 2, 5)
        second.send_signal(sig)
        second.communicate(timeout=60)

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        runs = conn.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
        assert runs == [(1, "stopped: shutdown"), (2, status)]
        state = conn.execute("SELECT state, note FROM opportunities WHERE id = ?",
                             [home["id"]]).fetchone()
        assert state == ("won", "link added")
        pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        opportunities = conn.execute("SELECT count(*) FROM opportunities").fetchone()[0]
    assert pages >= 5
    assert opportunities == pages  # every stored page names the brand: one row each
