"""Sweep throughput against a bare Scrapy spider on the same generated web, same run.

``make bench`` runs this. It generates a virtual web (``--sites`` x ``--pages``),
serves it from a separate process, then crawls it alternately with the bare
spider (benchmarks/bare_spider.py: fetch and follow links, nothing else) and
with ``mentionspider sweep`` (analysis, classification, SQLite store), under
the same settings (robots.txt obeyed, no delay, same concurrency). Pages per
second come from Scrapy's own elapsed time, so process start-up is left out.
The figure that matters is the ratio sweep / bare, measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from webgen import generate  # noqa: E402

from mentionspider.virtualweb.server import VirtualWebProcess, proxy_env  # noqa: E402

COMMON = ["-s", "LOG_LEVEL=WARNING", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=32",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]


def _env(proxy: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **proxy_env(proxy), "PYTHONPATH": str(ROOT)}


def run_measured(args: list[str], **kwargs: Any) -> float:
    """Run a command to its end; returns its peak resident memory in MB."""
    process = subprocess.Popen(args, **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args)
    return usage.ru_maxrss / 1024  # KiB on Linux


def run_bare(work: Path, proxy: str, seeds: list[str], max_depth: int, n: int
             ) -> tuple[int, float, float]:
    """(pages, seconds, peak MB) of one bare crawl."""
    seeds_file, stats_file = work / "seeds.txt", work / f"bare-{n}.json"
    seeds_file.write_text("\n".join(seeds))
    peak = run_measured([sys.executable, "-m", "scrapy", "runspider",
                         str(HERE / "bare_spider.py"),
                         "-a", f"seeds_file={seeds_file}", "-a", f"max_depth={max_depth}",
                         "-a", f"stats_out={stats_file}", "-s", "TELNETCONSOLE_ENABLED=False",
                         "-s", "ROBOTSTXT_OBEY=True", "-s", "COOKIES_ENABLED=False", *COMMON],
                        env=_env(proxy), cwd=work)
    stats = json.loads(stats_file.read_text())
    return int(stats["bare/pages"]), float(stats["elapsed_time_seconds"]), peak


def run_sweep(work: Path, proxy: str, campaign: Path, n: int,
              check_links: bool = False) -> tuple[int, float, float]:
    """(pages, seconds, peak MB) of one sweep."""
    db = work / f"sweep-{n}.db"
    if check_links:
        text = campaign.read_text().replace("check_links = false", "check_links = true")
        campaign = work / "campaign-checks.toml"
        campaign.write_text(text)
    peak = run_measured([sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign),
                         "--db", str(db), *COMMON], env=_env(proxy), cwd=ROOT,
                        stdout=subprocess.DEVNULL)
    with sqlite3.connect(db) as conn:
        pages, stats = conn.execute("SELECT pages, stats FROM runs ORDER BY id DESC").fetchone()
    return int(pages), float(json.loads(stats)["elapsed_time_seconds"]), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--pages", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        campaign = generate(work / "web", sites=args.sites, pages=args.pages)
        seeds = [f"http://site{i:03d}.example/" for i in range(args.sites)]
        with VirtualWebProcess(work / "web") as web:
            results: dict[str, list[tuple[int, float, float]]] = {"bare": [], "sweep": [],
                                                           "sweep+checks": []}
            for n in range(args.rounds):
                results["bare"].append(run_bare(work, web.url, seeds, 3, n))
                results["sweep"].append(run_sweep(work, web.url, campaign, n))
            results["sweep+checks"].append(run_sweep(work, web.url, campaign, 99, True))
    rate = {name: max(p / s for p, s, _ in runs) for name, runs in results.items()}
    pages = {name: runs[0][0] for name, runs in results.items()}
    print(f"generated web: {args.sites} sites, {args.sites * args.pages} pages; "
          f"best of {args.rounds} rounds")
    print(f"{'crawler':<16}{'pages':>8}{'pages/s':>10}{'vs bare':>9}")
    for name in results:
        print(f"{name:<16}{pages[name]:>8}{rate[name]:>10.1f}{rate[name] / rate['bare']:>9.2f}")


if __name__ == "__main__":
    main()
