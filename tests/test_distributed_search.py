"""Search in distributed mode: the same store as one process, and a searcher's death.

The fake SearXNG and pages of tests/test_search_sweep.py, a real redis-server and real
worker processes (tests/test_distributed.py's fixtures); the kill is tests/faulthook's.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from tests.conftest import ROOT, run_cli
from tests.test_distributed import (FAULTHOOK, PAGES, SERVER, findings, redis_server, stored,
                                    wait_for)
from tests.test_search_sweep import build_web

pytestmark = pytest.mark.skipif(not os.path.exists(SERVER), reason="redis-server not installed")

CAMPAIGN = """\
name = "acme"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[niche]
keywords = ["widgets"]
[crawl]
delay = 0
concurrency_per_site = 4
[linkcheck]
delay = 0
concurrency_per_host = 4
[search]
crawl_depth = 1
footprints = []
queries = ['"{brand}" -site:{domain} -site:forum.example', '"{brand}" inurl:widgets',
           '"nothing matches this" "{brand}"']
max_results_per_query = 30
exclude_domains = ["directory.example"]

[[search.providers]]
kind = "searxng"
url = "http://searx.example/"
requests_per_second = 50

[[search.providers]]
kind = "urls"
file = "export.csv"
"""

SEARCH = "SELECT provider, query, page, hits, more FROM search_answers"
SETTINGS = ["-s", "MENTIONSPIDER_SEARCH_BACKOFF=0"]


@pytest.fixture(scope="module")
def web() -> Iterator[VirtualWeb]:
    built, _, _ = build_web()
    with VirtualWeb(built) as served:
        yield served


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dsearch")
    (folder / "export.csv").write_text(
        "Referring page URL,DR\nhttp://csvonly.example/mention,3\n"
        "http://reviews.example/acme-widgets,40\nhttp://go.example/acme,1\n", encoding="utf-8")
    path = folder / "acme.toml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def alone(web: VirtualWeb, campaign: Path) -> Path:
    db = campaign.parent / "alone.db"
    result = run_cli(["sweep", str(campaign), "--db", str(db), "-q", *SETTINGS], proxy=web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def assert_same_store(db: Path, alone: Path) -> None:
    assert stored(db, PAGES) == stored(alone, PAGES)
    assert findings(db) == findings(alone)  # opportunities, their search provenance included
    assert stored(db, SEARCH) == stored(alone, SEARCH)  # the answers kept for the cache
    assert [row for row in findings(alone) if dict(row)["source"].startswith("searxng: ")]


def test_two_workers_search_like_one_process(web: VirtualWeb, campaign: Path, alone: Path,
                                             tmp_path: Path) -> None:
    db = tmp_path / "acme.db"
    with redis_server(tmp_path) as (url, _):
        result = run_cli(["sweep", str(campaign), "--db", str(db), "-q", *SETTINGS,
                          "--redis", url, "--workers", "2"], proxy=web.url, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_store(db, alone)


def test_a_searcher_killed_before_its_queries_are_done_loses_nothing(
        web: VirtualWeb, campaign: Path, alone: Path, tmp_path: Path) -> None:
    """The worker that took the search role is killed when its second search answer
    comes in (tests/faulthook ``search``): some result pages queued, queries left. The
    other worker takes search up, and the crawl does not end before it is done."""
    import redis

    db = tmp_path / "acme.db"
    clean = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    with redis_server(tmp_path) as (url, _):
        coordinator = subprocess.Popen(
            [sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign), "--db", str(db),
             "-q", *SETTINGS, "--redis", url, "--workers", "2"], cwd=ROOT,
            env={**clean, **proxy_env(web.url), "PYTHONPATH": str(FAULTHOOK),
                 "MENTIONSPIDER_TEST_KILL": "search"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _, err = coordinator.communicate(timeout=240)
        finally:
            if coordinator.poll() is None:
                os.killpg(coordinator.pid, signal.SIGKILL)
        pid = redis.Redis.from_url(url).get("mentionspider:test:killed")
    assert pid is not None, "no searcher was killed"
    assert coordinator.returncode == 0, err[-3000:]
    assert f"worker {socket.gethostname()}-{pid.decode()} exited with -9" in err
    assert "Traceback" not in err
    assert_same_store(db, alone)


def test_a_sweep_killed_while_searching_resumes_to_the_same_store(
        web: VirtualWeb, campaign: Path, alone: Path, tmp_path: Path) -> None:
    """The sweep and its workers killed (SIGKILL) while the searching worker has queued
    result pages and the crawl they seed is under way; `sweep --resume` takes search up
    again in a new worker (queries asked again, result pages already admitted not queued
    twice) and ends with one process's store, search answers included."""
    import redis

    db = tmp_path / "acme.db"
    clean = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    with redis_server(tmp_path) as (url, _):
        client = redis.Redis.from_url(url)
        first = subprocess.Popen(
            [sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign), "--db", str(db),
             "-q", *SETTINGS, "--redis", url, "--workers", "2"], cwd=ROOT,
            env={**clean, **proxy_env(web.url)}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for(lambda: client.exists("mentionspider:searcher")
                     and (client.scard("mentionspider:frontier:seen") or 0) >= 3,
                     "search under way, its result pages admitted")
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        assert not client.exists("mentionspider:search:done")  # search was cut short
        second = run_cli(["sweep", str(campaign), "--db", str(db), "-q", *SETTINGS,
                          "--redis", url, "--workers", "2", "--resume"], proxy=web.url,
                         timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    assert_same_store(db, alone)
    assert stored(db, "SELECT id, status FROM runs") == [(1, "finished")]
