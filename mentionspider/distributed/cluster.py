"""Run a distributed sweep: the coordinator/writer, and the workers.

``mentionspider sweep CAMPAIGN --db DB --redis URL --workers N`` calls
:func:`run_coordinator`: it publishes the campaign in Redis, starts N local
workers (``mentionspider worker --redis URL``; more may join from other
machines), writes every item the workers send into SQLite (it alone opens the
database), hands a dead worker's requests back to the queue, and declares the
crawl over when the queue is empty and every worker is idle. Workers then stop
by themselves.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mentionspider.campaign import Campaign
from mentionspider.distributed import keys
from mentionspider.distributed.connection import RedisError, RedisUnavailable, connect
from mentionspider.distributed.queue import requeue_dead
from mentionspider.distributed.writer import Writer
from mentionspider.store import Store

__all__ = ["run_coordinator", "run_worker", "NoSweep", "ClusterResult"]

logger = logging.getLogger(__name__)

#: KEYS: requests, workers, items, done, orphans, search done. ARGV: key prefix, '1' when
#: the campaign searches. The crawl is over when nothing is queued or on its way to the
#: writer, search is done and every worker is idle with nothing popped. Workers only
#: leave idle by popping (atomically), so this holds.
DONE_SCRIPT = """
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[6]) == 0 then return 0 end
if redis.call('LLEN', KEYS[1]) > 0 or redis.call('LLEN', KEYS[3]) > 0
   or redis.call('LLEN', KEYS[5]) > 0 then return 0 end
local workers = redis.call('SMEMBERS', KEYS[2])
if #workers == 0 then return 0 end
for _, w in ipairs(workers) do
  if redis.call('LLEN', ARGV[1] .. 'processing:' .. w) > 0 then return 0 end
  if redis.call('GET', ARGV[1] .. 'state:' .. w) ~= 'idle' then return 0 end
end
redis.call('SET', KEYS[4], '1')
return 1
"""


class NoSweep(Exception):
    """Redis holds no sweep for a worker to join."""


class ClusterResult:
    """How a distributed sweep ended; ``error``: why it stopped, one line (or empty)."""

    def __init__(self, run_id: int, status: str, stats: dict[str, Any],
                 error: str = "") -> None:
        self.run_id, self.status, self.stats, self.error = run_id, status, stats, error


def _clear(server: Any) -> None:
    batch = []
    for key in server.scan_iter(match=keys.PREFIX + "*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            server.delete(*batch)
            batch = []
    if batch:
        server.delete(*batch)


def worker_command(url: str, log_level: str) -> list[str]:
    return [sys.executable, "-m", "mentionspider.cli", "worker", "--redis", url,
            "--log-level", log_level, "--local"]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> Any:
    """For ``Popen(preexec_fn=...)``: the child gets SIGKILL when ``parent`` dies (Linux's
    ``prctl(PR_SET_PDEATHSIG)``; elsewhere the worker's heartbeat sees its parent gone)."""

    def arm() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # it died before the line above
            os._exit(1)

    return arm


def start_workers(url: str, log_level: str, count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` local workers that do not outlive this process: killed with it (a sweep
    killed with SIGKILL leaves no worker crawling on; ``--resume`` goes on)."""
    return [subprocess.Popen(worker_command(url, log_level),  # noqa: PLW1509 (no threads)
                             preexec_fn=_die_with_parent(os.getpid()))
            for _ in range(count)]


def worker_id(pid: int | None = None) -> str:
    return f"{socket.gethostname()}-{pid or os.getpid()}"


def run_coordinator(campaign: Campaign, db: str | Path, url: str, *, workers: int,
                    overrides: Mapping[str, Any] | None = None, resume: bool = False,
                    log_level: str = "WARNING", batch: int = 100,
                    poll: float = 0.2) -> ClusterResult:
    """Run the whole distributed sweep; returns when it is over (or Redis is lost).

    Raises :class:`RedisUnavailable` before anything starts when Redis is not there.
    """
    server = connect(url)
    store = Store(db)
    progress: dict[str, Any] | None = None
    try:
        previous = server.get(keys.RUN)
        if resume and previous is not None:
            run_id = int(previous)
            store.resume_run(run_id, campaign.name)
            progress = store.run_progress(run_id, campaign.name)
            server.delete(keys.DONE)
        else:
            _clear(server)
            run_id = store.start_run(campaign.name, campaign.to_dict())
            fresh = list(store.fresh_link_checks(campaign.linkcheck.ttl_hours))
            for start in range(0, len(fresh), 1000):
                server.sadd(keys.CHECKED, *fresh[start:start + 1000])
            server.hset(keys.STATS, "mentionspider/linkcheck/reused", len(fresh))
        pipe = server.pipeline()
        pipe.set(keys.CAMPAIGN, pickle.dumps(campaign))
        pipe.set(keys.SETTINGS, json.dumps(dict(overrides or {})))
        pipe.set(keys.RUN, run_id)
        pipe.execute()
    except RedisError as exc:
        store.close()
        raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from None
    writer = Writer(server, store, run_id, campaign, batch)
    if progress is not None:
        writer.resume(progress)
    procs = start_workers(url, log_level, workers)
    status, error = "finished", ""
    try:
        writer.recover()
        status = _coordinate(server, writer, procs, poll, searches=campaign.search is not None)
    except RedisError as exc:  # said once, by the CLI; the workers stop quietly
        status, error = "stopped: redis_lost", f"lost Redis at {url}: {exc}"
    except KeyboardInterrupt:
        status = "stopped: shutdown"
    finally:
        _stop(procs, graceful=status == "finished")
    stats: dict[str, Any] = {}
    if status == "finished":
        writer.settle()
        try:
            stats = {(k.decode() if isinstance(k, bytes) else str(k)): int(v)
                     for k, v in server.hgetall(keys.STATS).items()}
        except RedisError:
            pass
    stats["mentionspider/distributed/workers"] = workers
    stats["mentionspider/distributed/duplicate_items"] = writer.duplicates
    errors = sum(v for k, v in stats.items()
                 if k.startswith("mentionspider/pages/errors/") and isinstance(v, int))
    errors += stats.get("spider_exceptions/count", 0)
    store.finish_run(run_id, status=status, counts={**writer.counts, "errors": errors},
                     stats=stats)
    store.close()
    return ClusterResult(run_id, status, stats, error)


def _coordinate(server: Any, writer: Writer, procs: list[subprocess.Popen[bytes]],
                poll: float, *, searches: bool = False) -> str:
    done = server.register_script(DONE_SCRIPT)
    reaped: set[int] = set()
    last_check = 0.0
    while True:
        while writer.drain(poll) >= writer.batch:
            pass  # a full batch: more may be waiting
        now = time.monotonic()
        if now - last_check < poll:
            continue
        last_check = now
        for proc in procs:  # a local worker that died: its work goes back at once
            if proc.poll() is not None and proc.pid not in reaped:
                reaped.add(proc.pid)
                if proc.returncode != 0:
                    moved = requeue_dead(server, worker_id(proc.pid))
                    logger.warning("worker %s exited with %s; %d requests back in the queue",
                                   worker_id(proc.pid), proc.returncode, moved)
        for member in server.smembers(keys.WORKERS):
            worker = member.decode() if isinstance(member, bytes) else str(member)
            if not server.exists(keys.alive(worker)):
                moved = requeue_dead(server, worker)
                logger.warning("worker %s stopped answering; %d requests back in the queue",
                               worker, moved)
        if done(keys=[keys.REQUESTS, keys.WORKERS, keys.ITEMS, keys.DONE, keys.ORPHANS,
                      keys.SEARCH_DONE], args=[keys.PREFIX, "1" if searches else "0"]):
            break
        if procs and all(p.poll() is not None for p in procs) and not server.scard(keys.WORKERS):
            return "stopped: no_workers"
    # Over: workers finish their last items and stop; write what they send.
    deadline = time.monotonic() + 60
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        writer.drain(poll)
    while writer.drain(0.05):
        pass
    return "finished"


def _stop(procs: list[subprocess.Popen[bytes]], *, graceful: bool) -> None:
    for proc in procs:
        if proc.poll() is None and not graceful:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_worker(url: str, overrides: Mapping[str, Any] | None = None, *,
               parent: int = 0) -> tuple[str, str]:
    """Join the sweep published in Redis at ``url``; returns the spider's close reason
    and, when Redis was lost, the one line that says so. ``parent``: the pid of the sweep
    that started this worker; the worker stops when that process is gone."""
    from scrapy.crawler import CrawlerProcess

    from mentionspider.distributed.spider import WorkerSpider
    from mentionspider.runner import project_settings

    server = connect(url)
    raw = server.get(keys.CAMPAIGN)
    if raw is None:
        raise NoSweep(f"no sweep to join in Redis at {url} (start one with "
                      "mentionspider sweep ... --redis URL)")
    campaign: Campaign = pickle.loads(raw if isinstance(raw, bytes) else raw.encode())
    published = json.loads(server.get(keys.SETTINGS) or "{}")
    settings = project_settings({**published, **(overrides or {}),
                                 "MENTIONSPIDER_REDIS_URL": url,
                                 "MENTIONSPIDER_WORKER_ID": worker_id(),
                                 "MENTIONSPIDER_WORKER_PARENT": parent})
    settings.set("SCHEDULER", "mentionspider.distributed.scheduler.DistributedScheduler",
                 priority="cmdline")
    settings.set("ITEM_PIPELINES", {"pipelines.classify.ClassifyPipeline": 200,
                                    "mentionspider.distributed.pipeline.PushItemPipeline": 300},
                 priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["mentionspider.distributed.politeness.HostLeaseMiddleware"] = 950
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerSpider)
    process.crawl(crawler, campaign=campaign)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    error = spider.redis_error if isinstance(spider, WorkerSpider) else ""
    return str(stats.get("finish_reason", "unknown")), error
