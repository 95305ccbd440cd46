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
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
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


PROBE = HERE / "probe"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Run:
    """One sweep: pages stored, wall seconds, CPU seconds by process, Redis round trips."""

    def __init__(self, pages: int, seconds: float, cpu: dict[str, float],
                 trips: Counter[str], workers: int, startup: float) -> None:
        self.pages, self.seconds, self.cpu, self.trips = pages, seconds, cpu, trips
        self.workers, self.startup = workers, startup

    @property
    def rate(self) -> float:
        return self.pages / self.seconds


def sweep(work: Path, proxy: str, campaign: Path, name: str, extra: list[str],
          others: dict[str, int]) -> Run:
    """Sweep ``campaign`` once; ``others``: processes whose CPU the run also costs (the
    virtual web, redis-server), by name."""
    db = work / f"{name}.db"
    probe = work / f"probe-{name}"
    probe.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROBE), env.get("PYTHONPATH")]))
    env["MENTIONSPIDER_BENCH_PROBE"] = str(probe)
    before = {label: cpu_of(pid) for label, pid in others.items()}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign), "--db",
                    str(db), *COMMON, *extra], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   env={**env, **proxy_env(proxy)})
    seconds = time.monotonic() - started
    cpu = {label: cpu_of(pid) - before[label] for label, pid in others.items()}
    trips: Counter[str] = Counter()
    workers, startup = 0, 0.0
    for report in probe.glob("*.json"):
        data = json.loads(report.read_text(encoding="utf-8"))
        role = "writer" if data["role"] == "sweep" and extra else data["role"]
        cpu[role] = cpu.get(role, 0.0) + data["cpu"]
        if data["role"] == "worker":
            workers += 1
            startup += data["startup"]
            trips.update(data["trips"])
    with sqlite3.connect(db) as conn:
        (pages,) = conn.execute("SELECT pages FROM runs ORDER BY id DESC").fetchone()
    return Run(int(pages), seconds, cpu, trips, workers, startup)


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


CONFIGS = {"one process, no Redis": [], "--redis --workers 1": ["--workers", "1"],
           "--redis --workers 2": ["--workers", "2"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3,
                        help="each round runs the three configurations in turn")
    parser.add_argument("--queued", type=int, default=100_000)
    args = parser.parse_args()
    runs: dict[str, list[Run]] = {name: [] for name in CONFIGS}
    loads: list[float] = []
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
                assert web.process is not None
                others = {"web server": web.process.pid, "redis-server": redis.pid}
                for round_ in range(args.rounds):
                    for name, extra in CONFIGS.items():
                        loads.append(os.getloadavg()[0])
                        flags = ["--redis", url, *extra] if extra else []
                        runs[name].append(sweep(work, web.url, campaign, f"{name[-1]}{round_}",
                                                flags, others))
            import redis as client
            peak = client.Redis.from_url(url).info("memory")["used_memory_peak"]
            queued = queued_bytes(url, campaign, args.queued) if args.queued else 0
        finally:
            redis.terminate()
            redis.wait()
    report(args, runs, loads, peak, queued)


def report(args: argparse.Namespace, runs: dict[str, list[Run]], loads: list[float],
           peak: int, queued: int) -> None:
    print(f"generated web: {args.sites} sites x {args.pages} pages; check_links = false; "
          f"{args.rounds} rounds, configurations in turn; load average {min(loads):.1f} to "
          f"{max(loads):.1f}; {os.cpu_count()} cores")
    print(f"{'run':<24}{'pages':>7}  pages/s by round")
    for name, done in runs.items():
        print(f"{name:<24}{done[0].pages:>7}  " + "  ".join(f"{r.rate:7.1f}" for r in done))
    w1, w2, one = runs["--redis --workers 1"], runs["--redis --workers 2"], runs[
        "one process, no Redis"]
    ratios = [b.rate / a.rate for a, b in zip(w1, w2)]
    print("2 workers / 1 worker: " + ", ".join(f"{r:.2f}" for r in ratios)
          + f" (best {max(ratios):.2f})")
    print("1 worker / one process: " + ", ".join(f"{a.rate / b.rate:.2f}" for a, b in
                                                  zip(w1, one)))
    print("\nCPU ms per page, by process (median round; workers: all of them together; "
          "cores busy = all CPU / wall):")
    labels = ["sweep", "worker", "writer", "redis-server", "web server"]
    print(f"{'run':<24}" + "".join(f"{label if label != 'worker' else 'workers':>13}"
                                   for label in labels) + f"{'all':>8}{'cores busy':>12}")
    median = {name: sorted(done, key=lambda r: r.rate)[len(done) // 2]
              for name, done in runs.items()}
    for name, run in median.items():
        cells = "".join(f"{1000 * run.cpu[label] / run.pages:>13.2f}" if label in run.cpu
                        else f"{'-':>13}" for label in labels)
        print(f"{name:<24}{cells}{1000 * sum(run.cpu.values()) / run.pages:>8.2f}"
              f"{sum(run.cpu.values()) / run.seconds:>12.2f}")
        if run.workers:
            print(f"{'':<24}(of the workers' CPU, {run.startup / run.workers:.2f} s each is "
                  f"start-up, {1000 * run.startup / run.pages:.2f} ms a page)")
    cores = os.cpu_count() or 1
    one, two = median["--redis --workers 1"], median["--redis --workers 2"]
    alone = 1000 * one.cpu["worker"] / one.pages
    ceiling1 = min(1000 / alone, cores * one.pages / sum(one.cpu.values()))
    ceiling2 = cores * two.pages / sum(two.cpu.values())
    print(f"CPU ceilings on {cores} cores: 1 worker {ceiling1:.0f} pages/s (its own core, "
          f"{alone:.2f} ms a page), 2 workers {ceiling2:.0f} pages/s (all processes' CPU "
          f"over {cores} cores): 2 workers / 1 worker at most {ceiling2 / ceiling1:.2f}")
    print("\nRedis round trips per page, all workers together (median round of each):")
    for name in ("--redis --workers 1", "--redis --workers 2"):
        run = sorted(runs[name], key=lambda r: r.rate)[len(runs[name]) // 2]
        total = sum(run.trips.values())
        print(f"{name}: {total / run.pages:.2f} per page ({run.workers} workers)")
        for what, count in run.trips.most_common(12):
            print(f"  {count / run.pages:6.2f}  {what}")
    print(f"\nRedis peak memory {peak / 1e6:.1f} MB")
    if args.queued:
        print(f"Redis memory for {args.queued} queued page requests: {queued / 1e6:.1f} MB "
              f"({queued / args.queued:.0f} bytes each)")


if __name__ == "__main__":
    main()
