"""Distributed mode end to end: a real redis-server, real worker processes, the sample web.

Two workers and the writer produce exactly the single-process store; a worker killed
mid-run loses nothing; requests to one host stay ``delay`` apart across workers;
no Redis at the start is one line and exit code 2.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pickle
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from mentionspider.virtualweb.testing import sample_web_dir
from tests.conftest import ROOT, run_cli

CAMPAIGN = sample_web_dir() / "campaign.toml"
SERVER = "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not os.path.exists(SERVER), reason="redis-server not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of our own on a free loopback port, in ``folder``: (URL, process)."""
    port = free_port()
    server = subprocess.Popen([SERVER, "--port", str(port), "--bind", "127.0.0.1",
                               "--dir", str(folder), "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as (url, _):
        yield url


def findings(db: Path) -> list[tuple[tuple[str, str], ...]]:
    """Every export row but the times (and the rank, which breaks ties by time)."""
    result = run_cli(["export", "--db", str(db)])
    assert result.returncode == 0, result.stderr
    rows = csv.DictReader(io.StringIO(result.stdout))
    skip = ("rank", "first_seen", "last_seen")
    return sorted(tuple((k, v) for k, v in row.items() if k not in skip) for row in rows)


def stored(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(sql).fetchall())


PAGES = "SELECT url, status, title, depth, mention_count FROM pages"
VERDICTS = "SELECT url, outcome, status, final_url FROM link_checks"


@pytest.fixture(scope="module")
def single(sample_web: VirtualWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("single") / "acme.db"
    result = run_cli(["sweep", str(CAMPAIGN), "--db", str(db), "-q"], proxy=sample_web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    return db


def test_two_workers_write_the_single_process_store(sample_web: VirtualWeb, single: Path,
                                                    redis_url: str, tmp_path: Path) -> None:
    db = tmp_path / "acme.db"
    result = run_cli(["sweep", str(CAMPAIGN), "--db", str(db), "-q", "--redis", redis_url,
                      "--workers", "2"], proxy=sample_web.url, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "finished" in result.stdout.splitlines()[0]
    assert findings(db) == findings(single)  # same opportunities, ids, scores, evidence
    assert stored(db, PAGES) == stored(single, PAGES)
    assert stored(db, VERDICTS) == stored(single, VERDICTS)
    with sqlite3.connect(db) as conn:
        [(stats,)] = conn.execute("SELECT stats FROM runs").fetchall()
    assert '"mentionspider/distributed/workers": 2' in stats


def test_a_queued_page_request_is_small() -> None:
    """What a page request costs in the shared queue: its URL, callbacks and level, not the
    list of every status a page callback handles (the spider's ``handle_httpstatus_list``)."""
    from scrapy_redis import picklecompat

    from mentionspider.campaign import load_campaign
    from mentionspider.spiders.sweep import SweepSpider

    spider = SweepSpider(campaign=load_campaign(CAMPAIGN))
    request = spider._page_request("http://widgetblog.example/reviews/", seed=True)
    assert request is not None
    assert request.meta == {"mentionspider_seed": "http://widgetblog.example/reviews/"}
    assert 404 in spider.handle_httpstatus_list and 301 not in spider.handle_httpstatus_list
    assert len(picklecompat.dumps(request.to_dict(spider=spider))) < 400


def test_no_redis_is_one_line_and_exit_2(tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    result = run_cli(["sweep", str(CAMPAIGN), "--db", str(tmp_path / "a.db"), "--redis", url])
    assert result.returncode == 2
    assert result.stderr == (f"Error: --redis: cannot reach Redis at {url}: Error 111 "
                             f"connecting to 127.0.0.1:{port}. Connection refused.\n")
    assert not (tmp_path / "a.db").exists()  # nothing started
    worker = run_cli(["worker", "--redis", url])
    assert (worker.returncode, worker.stderr) == (2, result.stderr)


POLITE = """name = "polite"
[brand]
names = ["Acme Widgets", "AcmeWidgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://widgetblog.example/", "https://gadgetnews.example/"]
max_depth = 2
delay = 0.4
concurrency_per_site = 1
check_links = false
"""


FAULTHOOK = Path(__file__).resolve().parent / "faulthook"
LEASE = re.compile(r"lease on (\S+) granted at (\d+) ms \(Redis clock\)")


@pytest.fixture(scope="module")
def polite(sample_web: VirtualWeb, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Path, Path]:
    """The polite campaign, and the store a single-process sweep of it writes."""
    folder = tmp_path_factory.mktemp("polite")
    campaign = folder / "polite.toml"
    campaign.write_text(POLITE, encoding="utf-8")
    alone = folder / "alone.db"
    result = run_cli(["sweep", str(campaign), "--db", str(alone), "-q"], proxy=sample_web.url)
    assert result.returncode == 0, result.stderr[-3000:]
    return campaign, alone


def start_sweep(campaign: Path, db: Path, web: VirtualWeb, redis_url: str, *args: str,
                env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return subprocess.Popen(
        [sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign), "--db", str(db),
         "-q", "--redis", redis_url, *args], cwd=ROOT,
        env={**clean, **proxy_env(web.url), **(env or {})}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)


def assert_polite(web: VirtualWeb, err: str, delay: float = 0.4) -> None:
    """Requests to one host ``delay`` apart, across the workers. Exactly so where they
    leave: the leases the workers take, by Redis's clock. Where the virtual web reads
    them, one gap may shrink by what a loaded machine adds in transit to the request
    before it (bounded: 0.15 s), the spacing as a whole may not."""
    leases: dict[str, list[int]] = {}
    for host, at in LEASE.findall(err):
        leases.setdefault(host, []).append(int(at))
    arrivals: dict[str, list[float]] = {}
    for entry in web.requests:
        if entry.method != "CONNECT":  # a tunnel per worker is not a request
            arrivals.setdefault(entry.host, []).append(entry.time)
    assert set(arrivals) >= {"widgetblog.example", "gadgetnews.example"}
    assert set(leases) == set(arrivals)
    for host, times in arrivals.items():
        granted = sorted(leases[host])
        assert len(granted) >= len(times)  # no request left without a lease
        assert all(b - a >= delay * 1000 for a, b in zip(granted, granted[1:])), (host, granted)
        times.sort()
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert all(gap >= delay - 0.15 for gap in gaps), (host, gaps)
        assert times[-1] - times[0] >= delay * len(gaps) - 0.15, (host, gaps)


def finish_killed_run(coordinator: subprocess.Popen[str], killed: str, db: Path, alone: Path,
                      web: VirtualWeb) -> None:
    out, err = coordinator.communicate(timeout=240)
    assert coordinator.returncode == 0, err[-3000:]
    assert f"worker {killed} exited with -9" in err
    assert "Traceback" not in err
    assert stored(db, PAGES) == stored(alone, PAGES)  # nothing lost
    assert findings(db) == findings(alone)
    assert_polite(web, err)
    # the killed worker's counts reached Redis with each page it finished: every page
    # stored was counted as analysed by someone (a page fetched twice, twice)
    [(stats,)] = stored(db, "SELECT stats FROM runs")
    analysed = json.loads(str(stats))["mentionspider/pages/analysed"]
    assert analysed >= len(stored(db, PAGES)), analysed


def test_a_killed_worker_loses_nothing_and_hosts_stay_delay_apart(
        sample_web: VirtualWeb, polite: tuple[Path, Path], redis_url: str,
        tmp_path: Path) -> None:
    """Killed whenever it is first seen with a page in hand."""
    import redis

    campaign, alone = polite
    sample_web.clear_log()
    db = tmp_path / "polite.db"
    coordinator = start_sweep(campaign, db, sample_web, redis_url, "--workers", "2",
                              "--log-level", "DEBUG")
    client = redis.Redis.from_url(redis_url)
    killed = ""
    deadline = time.monotonic() + 60
    while not killed and time.monotonic() < deadline and coordinator.poll() is None:
        for member in client.smembers("mentionspider:workers"):
            worker = member.decode()
            if client.llen(f"mentionspider:processing:{worker}") and client.hlen(
                    "mentionspider:frontier:pages"):
                os.kill(int(worker.rsplit("-", 1)[1]), signal.SIGKILL)  # mid-request
                killed = worker
                break
        time.sleep(0.02)
    assert killed, "no worker was caught with a request in hand"
    finish_killed_run(coordinator, killed, db, alone, sample_web)


@pytest.mark.parametrize("point", ["seeds", "release", "follow"])
def test_a_worker_killed_at_each_step_of_a_page_loses_nothing(
        sample_web: VirtualWeb, polite: tuple[Path, Path], redis_url: str, tmp_path: Path,
        point: str) -> None:
    """Killed at an exact point (tests/faulthook): just after its seeds were admitted;
    just after a level was released to it, before it queued the next; just after it
    queued a level's pages. Admitting and queueing a page are one step, and a released
    level is kept until its next level is queued, so nothing is lost at any of them."""
    import redis

    campaign, alone = polite
    sample_web.clear_log()
    db = tmp_path / "polite.db"
    coordinator = start_sweep(campaign, db, sample_web, redis_url, "--workers", "2",
                              "--log-level", "DEBUG",
                              env={"PYTHONPATH": str(FAULTHOOK),
                                   "MENTIONSPIDER_TEST_KILL": point})
    try:
        coordinator.wait(timeout=240)
    finally:
        if coordinator.poll() is None:
            os.killpg(coordinator.pid, signal.SIGKILL)
    pid = redis.Redis.from_url(redis_url).get("mentionspider:test:killed")
    assert pid is not None, f"no worker reached {point}"
    finish_killed_run(coordinator, f"{socket.gethostname()}-{pid.decode()}", db, alone,
                      sample_web)


def copy_store(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def wait_for(predicate: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.02)


def workers_left(url: str) -> list[str]:
    """Worker processes of the sweep at ``url`` still running."""
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if "mentionspider.cli worker" in line and url in line]


OPPORTUNITIES = "SELECT id, state, note, state_changed_at, active FROM opportunities"
STORE_FAULT = re.compile(r"Error: run 2 stopped: lost Redis at (\S+): [^\n]+; the database keeps "
                         r"every item written before \(sweep --resume goes on if Redis kept its "
                         r"data\)")


def test_redis_lost_mid_run_is_one_line_exit_1_and_the_store_intact(
        sample_web: VirtualWeb, polite: tuple[Path, Path], tmp_path: Path) -> None:
    """redis-server killed while two workers crawl: the sweep stops with exit code 1 and
    one line; no worker prints a traceback; the store holds whole pages only (each with
    all its mentions), the run is recorded as stopped, outreach states are untouched."""
    import redis

    campaign, alone = polite
    db = tmp_path / "lost.db"
    copy_store(alone, db)  # a store with a run before: what outreach did must survive
    ids = sorted(row[0] for row in stored(db, "SELECT id FROM opportunities"))[:2]
    for opportunity, state in zip(ids, ("contacted", "won")):
        done = run_cli(["state", opportunity, state, "--db", str(db), "--note", "by hand"])
        assert done.returncode == 0, done.stderr
    before = stored(db, OPPORTUNITIES)
    with redis_server(tmp_path) as (url, server):
        coordinator = start_sweep(campaign, db, sample_web, url, "--workers", "2")
        client = redis.Redis.from_url(url)
        wait_for(lambda: client.exists("mentionspider:run"), "the sweep published")
        clean = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        joined = subprocess.Popen(  # one more worker, as from another machine
            [sys.executable, "-m", "mentionspider.cli", "worker", "--redis", url], cwd=ROOT,
            env={**clean, **proxy_env(sample_web.url)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        wait_for(lambda: (client.scard("mentionspider:frontier:seen") or 0) >= 6,
                 "six pages admitted")
        server.kill()  # mid-run: pages queued, in flight and on their way to the writer
        out, err = coordinator.communicate(timeout=120)
        _, joined_err = joined.communicate(timeout=120)
    assert joined.returncode == 1
    assert re.fullmatch(f"Error: worker stopped: lost Redis at {re.escape(url)}: [^\\n]+\n",
                        joined_err), joined_err[-3000:]
    assert coordinator.returncode == 1, err[-3000:]
    lines = err.splitlines()
    assert len(lines) == 1 and STORE_FAULT.fullmatch(lines[0]), err[-3000:]
    assert STORE_FAULT.fullmatch(lines[0])[1] == url  # type: ignore[index]
    assert not workers_left(url)
    check = run_cli(["check-db", "--db", str(db)])
    assert check.returncode == 0, check.stdout + check.stderr
    assert stored(db, "SELECT id, status FROM runs") == [(1, "finished"),
                                                         (2, "stopped: redis_lost")]
    # whole pages only: every page the stopped run wrote has all its mentions
    assert stored(db, "SELECT p.url, p.mention_count, count(m.seq) FROM pages p LEFT JOIN "
                      "mentions m ON m.page_url = p.url AND m.campaign = p.campaign "
                      "WHERE p.last_run = 2 GROUP BY p.url HAVING p.mention_count != "
                      "count(m.seq)") == []
    assert stored(db, PAGES) == stored(alone, PAGES)
    assert stored(db, OPPORTUNITIES) == before


def pages_written(db: Path) -> set[str]:
    try:
        return {row[0] for row in stored(db, "SELECT url FROM pages")}
    except sqlite3.Error:  # not created yet
        return set()


def test_a_killed_sweep_resumes_without_losing_or_fetching_again(
        sample_web: VirtualWeb, polite: tuple[Path, Path], tmp_path: Path) -> None:
    """The writer killed half-way through a batch (tests/faulthook: it moved the batch out
    of the shared list and had not written it), its workers killed with it (they do not
    outlive the sweep that started them): then there are pages written, items
    half-written and perhaps on their way, pages in the workers' hands. `sweep --resume`
    writes every item that had reached Redis, fetches again only the pages that were in
    a worker's hand, and ends with the store an uninterrupted run writes, counts
    included."""
    import redis

    campaign, alone = polite
    db = tmp_path / "resumed.db"
    with redis_server(tmp_path) as (url, _):
        client = redis.Redis.from_url(url)
        first = start_sweep(campaign, db, sample_web, url, "--workers", "2",
                            env={"PYTHONPATH": str(FAULTHOOK),
                                 "MENTIONSPIDER_TEST_KILL": "writing"})
        assert first.wait(timeout=120) == -signal.SIGKILL  # the writer, mid-batch
        half_written = client.llen("mentionspider:items:writing")
        wait_for(lambda: not workers_left(url), "its workers killed with it", timeout=5)
        first.communicate(timeout=60)
        written = pages_written(db)
        on_the_way = {item.url for item in (pickle.loads(d) for d in [
            *client.lrange("mentionspider:items", 0, -1),
            *client.lrange("mentionspider:items:writing", 0, -1)]) if hasattr(item, "analysis")}
        in_hand = {pickle.loads(d)["url"] for key in client.scan_iter("mentionspider:processing:*")
                   for d in client.lrange(key, 0, -1)}
        assert half_written and written and in_hand  # every kind of work was cut short
        sample_web.clear_log()
        second = run_cli(["sweep", str(campaign), "--db", str(db), "-q", "--redis", url,
                          "--workers", "2", "--resume"], proxy=sample_web.url, timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    fetched = {e.url for e in sample_web.requests
               if e.method == "GET" and not e.url.endswith("/robots.txt")}
    assert fetched & (written | on_the_way) <= in_hand, (written, on_the_way, in_hand)
    assert stored(db, PAGES) == stored(alone, PAGES)  # nothing lost
    assert findings(db) == findings(alone)
    [(pages,)] = stored(alone, "SELECT pages FROM runs")
    assert stored(db, "SELECT id, status, pages FROM runs") == [(1, "finished", pages)]


def test_the_writer_writes_as_a_single_process_sweep_does(redis_url: str, tmp_path: Path) -> None:
    """The writer is the single-process sweep's code: a page under a second address is a
    duplicate, a page gone since the last run retires its rows."""
    import pickle
    from dataclasses import replace

    import redis

    from mentionspider.campaign import load_campaign
    from mentionspider.distributed import keys
    from mentionspider.distributed.writer import Writer
    from mentionspider.items import GonePageItem
    from mentionspider.opportunities import page_opportunity
    from mentionspider.store import Store
    from tests.test_store import PAGE, page_item

    def at(url: str) -> Any:
        item = replace(page_item(), url=url, requested_url=url)
        item.opportunity = page_opportunity("acme", url, item.analysis, depth=1,
                                            brand_domains=("acme.com",))
        return item

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    store = Store(tmp_path / "w.db")
    store.save_pages(store.start_run("acme", {}), [at(PAGE), at("http://blog.example/old")])
    writer = Writer(server, store, store.start_run("acme", {}), load_campaign(CAMPAIGN), 10)
    for item in (at(PAGE), at("https://www.blog.example/post/"),
                 GonePageItem("acme", "http://blog.example/old", "http_404", "2026-12-02")):
        server.lpush(keys.ITEMS, pickle.dumps(item))
    assert writer.drain(1) == 3
    assert (writer.duplicates, writer.counts["pages"]) == (1, 1)
    assert stored(tmp_path / "w.db", "SELECT page_url, active, retired_reason FROM "
                  "opportunities") == [("http://blog.example/old", 0, "the page answers 404"),
                                       (PAGE, 1, None)]
    store.close()
    server.flushdb()
