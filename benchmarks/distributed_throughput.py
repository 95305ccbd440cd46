"""Distributed mode: pages per second with one and with two workers, same web, same run.

``python benchmarks/distributed_throughput.py [--sites 100 --pages 30]`` generates a
virtual web (benchmarks/webgen.py), serves it from its own process, starts a
redis-server of its own on a free loopback port, and sweeps the web (no link checks,
no delay) three times: one process without Redis, ``--redis --workers 1`` and
``--redis --workers 2``. Pages per second are pages stored over the wall time of the
command (process start-up included, the same for each), and the last line is the
ratio of two workers to one. Redis's peak memory is printed too, and Redis's memory
per ``--queued`` (100,000) queued page requests: the sweep's own page requests (level
meta, callbacks) pushed into the shared queue with their frontier entries, as a
crawl with a wide frontier holds them.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from webgen import generate  # noqa: E402

from mentionspider.virtualweb.server import VirtualWebProcess, proxy_env  # noqa: E402

COMMON = ["-q", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=32"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sweep(work: Path, proxy: str, campaign: Path, name: str, extra: list[str]) -> tuple[int, float]:
    db = work / f"{name}.db"
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign), "--db",
                    str(db), *COMMON, *extra], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   env={**env, **proxy_env(proxy)})
    seconds = time.monotonic() - started
    with sqlite3.connect(db) as conn:
        (pages,) = conn.execute("SELECT pages FROM runs ORDER BY id DESC").fetchone()
    return int(pages), seconds


def queued_bytes(url: str, campaign_path: Path, count: int) -> int:
    """Redis bytes that ``count`` queued page requests take, with their frontier entries."""
    import redis as client

    from mentionspider.analysis.urls import url_key
    from mentionspider.campaign import load_campaign
    from mentionspider.distributed import keys
    from mentionspider.distributed.frontier import SEEN
    from mentionspider.distributed.queue import ReliableQueue
    from mentionspider.spiders.sweep import SweepSpider

    spider = SweepSpider(campaign=load_campaign(campaign_path))  # makes requests, no crawl
    server = client.Redis.from_url(url)
    server.flushdb()
    queue = ReliableQueue(server, spider, keys.REQUESTS, worker="bench")
    before = int(server.info("memory")["used_memory"])
    pipe = server.pipeline(transaction=False)
    for n in range(count):
        site = f"site{n % 1000:03d}.example"
        page = f"http://{site}/post-{n}/"
        request = spider._page_request(page)
        assert request is not None
        pipe.lpush(keys.REQUESTS, queue._encode_request(spider._in_level(request, site, 1)))
        pipe.sadd(SEEN, url_key(page))
        if n % 1000 == 999:
            pipe.execute()
    pipe.execute()
    used = int(server.info("memory")["used_memory"]) - before
    server.flushdb()
    return used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--queued", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        campaign = generate(work / "web", sites=args.sites, pages=args.pages)
        port = _free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                  "--dir", tmp, "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            time.sleep(0.5)
            with VirtualWebProcess(work / "web") as web:
                runs = {"one process, no Redis": sweep(work, web.url, campaign, "single", []),
                        "--redis --workers 1": sweep(work, web.url, campaign, "w1",
                                                     ["--redis", url, "--workers", "1"]),
                        "--redis --workers 2": sweep(work, web.url, campaign, "w2",
                                                     ["--redis", url, "--workers", "2"])}
            import redis as client
            peak = client.Redis.from_url(url).info("memory")["used_memory_peak"]
            queued = queued_bytes(url, campaign, args.queued) if args.queued else 0
        finally:
            redis.terminate()
            redis.wait()
    print(f"generated web: {args.sites} sites x {args.pages} pages; check_links = false")
    print(f"{'run':<24}{'pages':>8}{'seconds':>9}{'pages/s':>9}")
    for name, (pages, seconds) in runs.items():
        print(f"{name:<24}{pages:>8}{seconds:>9.1f}{pages / seconds:>9.1f}")
    rate = {name: pages / seconds for name, (pages, seconds) in runs.items()}
    print(f"2 workers / 1 worker: {rate['--redis --workers 2'] / rate['--redis --workers 1']:.2f}"
          f"; Redis peak memory {peak / 1e6:.1f} MB")
    if args.queued:
        print(f"Redis memory for {args.queued} queued page requests: {queued / 1e6:.1f} MB "
              f"({queued / args.queued:.0f} bytes each)")


if __name__ == "__main__":
    main()
