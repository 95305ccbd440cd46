"""Rendering speed and memory, and what ``auto`` costs, on generated webs (real Chromium).

1. **Rendered pages/s and memory**: a web of single-page-app sites (every page an
   empty ``#root`` shell whose script fetches its text and links as JSON) swept with
   ``render_js = "always"`` at ``MENTIONSPIDER_RENDER_CONCURRENCY = 4``. While it
   runs, the memory of the sweep's whole process tree (Python, Playwright's driver,
   every Chromium process; PSS, so shared pages count once) is sampled every 0.25 s;
   the peak of each quarter of the run shows whether memory grows with pages. Run
   twice: contexts recycled every 50 pages (the default), and never recycled.
2. **What auto costs**: a static web (benchmarks/webgen.py) swept with ``never`` and
   ``auto``, alternately, best of ``--rounds``: on static sites ``auto`` must render
   nothing and cost nothing measurable. Then a mixed web (the static sites plus
   single-page-app sites) with ``never`` and ``auto``: the share of pages ``auto``
   renders, and pages/s against ``never``.

``python benchmarks/render_speed.py`` (about 3 minutes on the 2-core CI machine).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from webgen import generate  # noqa: E402

from mentionspider.virtualweb.server import VirtualWebProcess, proxy_env  # noqa: E402

COMMON = ["-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=32",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-q"]

SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{host}</title>
<script defer src="/static/app.js"></script></head><body><div id="root"></div></body></html>
"""
APP_JS = """
const path = location.pathname.replace(/\\/$/, '') || '/index';
fetch('/api' + path + '.json').then(r => r.json()).then(page => {
  const links = page.links.map(h => '<li><a href="' + h + '">' + h + '</a></li>').join('');
  document.getElementById('root').innerHTML = '<header><nav><ul>' + links + '</ul></nav>' +
    '</header><main><article><h1>' + page.title + '</h1>' +
    page.paragraphs.map(p => '<p>' + p + '</p>').join('') +
    '<img src="/static/hero.jpg" alt=""></article></main>';
});
"""
WORDS = ("widget gadget sprocket gear spring lever bolt review guide test durable cheap "
         "premium compact classic modern steel brass copper design value quality").split()


def add_spa_sites(web: Path, sites: int, pages: int, prefix: str = "app") -> list[str]:
    """Single-page-app sites under ``web/sites``: shells, one script, JSON per page."""
    import random

    rng = random.Random(11)
    hosts = [f"{prefix}{i:03d}.example" for i in range(sites)]
    for host in hosts:
        root = web / "sites" / host
        (root / "static").mkdir(parents=True, exist_ok=True)
        (root / "api").mkdir(exist_ok=True)
        (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
        (root / "static" / "app.js").write_text(APP_JS)
        (root / "static" / "hero.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 20_000)
        names = ["index", *(f"post-{n}" for n in range(1, pages))]
        for n, name in enumerate(names):
            page_dir = root if name == "index" else root / name
            page_dir.mkdir(exist_ok=True)
            (page_dir / "index.html").write_text(SHELL.format(host=host))
            paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."
                          for _ in range(5)]
            if n % 3 == 0:
                paragraphs[1] += " We keep coming back to Acme Widgets."
            links = [f"/{rng.choice(names[1:])}/" for _ in range(4)]
            (root / "api" / f"{name}.json").write_text(json.dumps(
                {"title": f"{host} {name}", "paragraphs": paragraphs, "links": links}))
    return hosts


def campaign(path: Path, hosts: list[str], mode: str, pages: int) -> Path:
    seeds = ",\n  ".join(f'"http://{h}/"' for h in hosts)
    path.write_text(f"""name = "renderbench"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = [
  {seeds}
]
max_depth = 3
max_pages_per_site = {pages + 5}
delay = 0
concurrency_per_site = 4
check_links = false
render_js = "{mode}"
""")
    return path


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _pss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def sweep(work: Path, proxy: str, campaign_file: Path, tag: str, *extra: str,
          sample: bool = False) -> dict[str, float]:
    db = work / f"{tag}.db"
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(proxy_env(proxy))
    process = subprocess.Popen(
        [sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign_file), "--db", str(db),
         *COMMON, *extra], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    samples: list[tuple[float, int]] = []
    if sample:
        def watch() -> None:
            while process.poll() is None:
                samples.append((time.monotonic(), _pss_kb(_tree(process.pid))))
                time.sleep(0.25)
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    if process.wait(timeout=1800) != 0:
        raise SystemExit(f"sweep {tag} failed")
    if sample:
        watcher.join()
    with sqlite3.connect(db) as conn:
        pages, rendered, fallbacks, stats = conn.execute(
            "SELECT pages, rendered_pages, render_fallbacks, stats FROM runs "
            "ORDER BY id DESC").fetchone()
    stats = json.loads(stats)
    result = {"pages": pages, "rendered": rendered or 0, "fallbacks": fallbacks or 0,
              "seconds": float(stats["elapsed_time_seconds"]),
              "contexts": stats.get("playwright/context_count", 0),
              "max_pages_open": stats.get("playwright/page_count/max_concurrent", 0)}
    if samples:
        start, end = samples[0][0], samples[-1][0]
        quarters = [0, 0, 0, 0]
        for t, kb in samples:
            q = min(3, int(4 * (t - start) / max(end - start, 1e-9)))
            quarters[q] = max(quarters[q], kb)
        result["peak_mb"] = max(kb for _, kb in samples) / 1024
        result["quarters_mb"] = [round(kb / 1024) for kb in quarters]  # type: ignore[assignment]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spa-sites", type=int, default=20)
    parser.add_argument("--static-sites", type=int, default=60)
    parser.add_argument("--pages", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-rendering", action="store_true", help="only part 2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        web = work / "web"
        generate(web, sites=args.static_sites, pages=args.pages)
        static = [f"site{i:03d}.example" for i in range(args.static_sites)]
        spa = add_spa_sites(web, args.spa_sites, args.pages)
        mixed_spa = spa[: max(1, args.spa_sites // 2)]
        with VirtualWebProcess(web) as served:
            proxy = served.url
            runs = () if args.skip_rendering else (("recycled every 50 pages", "50"),
                                                   ("never recycled", "100000"))
            if runs:
                print(f"1. rendering: {len(spa)} single-page-app sites x {args.pages} pages, "
                      "render_js = always, 4 pages at once")
                print(f"{'contexts':<24}{'pages':>6}{'rendered':>9}{'fell back':>10}"
                      f"{'pages/s':>9}{'contexts':>9}{'peak MB':>9}  peak MB per quarter")
            for label, per_context in runs:
                r = sweep(work, proxy, campaign(work / "always.toml", spa, "always", args.pages),
                          f"always-{per_context}", "-s",
                          f"MENTIONSPIDER_RENDER_CONTEXT_PAGES={per_context}", sample=True)
                print(f"{label:<24}{r['pages']:>6}{r['rendered']:>9}{r['fallbacks']:>10}"
                      f"{r['rendered'] / r['seconds']:>9.1f}{r['contexts']:>9}"
                      f"{r['peak_mb']:>9.0f}  {r['quarters_mb']}")
            print(f"\n2. what auto costs, best of {args.rounds} rounds")
            print(f"{'web':<34}{'render_js':<10}{'pages':>6}{'rendered':>9}{'share':>7}"
                  f"{'fell back':>10}{'pages/s':>9}{'vs never':>9}")
            for label, hosts in ((f"static: {len(static)} sites", static),
                                 (f"mixed: {len(static)} static + {len(mixed_spa)} SPA",
                                  static + mixed_spa)):
                best: dict[str, dict[str, float]] = {}
                for n in range(args.rounds):
                    for mode in ("never", "auto"):
                        r = sweep(work, proxy, campaign(work / f"{mode}.toml", hosts, mode,
                                                        args.pages), f"{mode}-{len(hosts)}-{n}")
                        r["rate"] = r["pages"] / r["seconds"]
                        if mode not in best or r["rate"] > best[mode]["rate"]:
                            best[mode] = r
                for mode in ("never", "auto"):
                    r = best[mode]
                    print(f"{label:<34}{mode:<10}{r['pages']:>6}{r['rendered']:>9}"
                          f"{r['rendered'] / r['pages']:>7.1%}{r['fallbacks']:>10}{r['rate']:>9.1f}"
                          f"{r['rate'] / best['never']['rate']:>9.2f}")


if __name__ == "__main__":
    main()
