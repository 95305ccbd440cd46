"""Does a page cost the same at 100,000 pages as at 10,000? Sweep against bare, per size.

``make bench`` runs this after the throughput benchmark. For each size it
generates a virtual web of that many pages (``--pages-per-site`` pages a site),
serves it from a separate process, and crawls it once with the bare spider and
once with ``mentionspider sweep`` (``check_links = false``), side by side in the
same run. It prints pages per second, the ratio sweep / bare and each crawler's
peak resident memory. The aim (#15): the ratio stays at 0.9 or more at every
size, and a sweep of 100,000 pages stays under 300 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sweep_throughput import run_bare, run_sweep  # noqa: E402
from webgen import generate  # noqa: E402

from mentionspider.virtualweb.server import VirtualWebProcess  # noqa: E402


def measure(size: int, pages_per_site: int, max_depth: int) -> dict[str, float]:
    sites = max(1, size // pages_per_site)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.monotonic()
        campaign = generate(work / "web", sites=sites, pages=pages_per_site)
        seeds = [f"http://site{i:03d}.example/" for i in range(sites)]
        generated = time.monotonic() - started
        with VirtualWebProcess(work / "web") as web:
            bare_pages, bare_s, bare_mb = run_bare(work, web.url, seeds, max_depth, 0)
            sweep_pages, sweep_s, sweep_mb = run_sweep(work, web.url, campaign, 0)
    return {"sites": sites, "generated_s": generated, "bare_pages": bare_pages,
            "bare_rate": bare_pages / bare_s, "bare_mb": bare_mb, "sweep_pages": sweep_pages,
            "sweep_rate": sweep_pages / sweep_s, "sweep_mb": sweep_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated page counts (default: %(default)s)")
    parser.add_argument("--pages-per-site", type=int, default=100)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"scale: sweep (check_links = false) vs bare, {args.pages_per_site} pages a site")
    print(f"{'pages':>8}{'sites':>7}{'bare p/s':>10}{'sweep p/s':>11}{'vs bare':>9}"
          f"{'bare MB':>9}{'sweep MB':>10}")
    for size in sizes:
        r = measure(size, args.pages_per_site, 3)
        print(f"{r['sweep_pages']:>8}{r['sites']:>7}{r['bare_rate']:>10.1f}"
              f"{r['sweep_rate']:>11.1f}{r['sweep_rate'] / r['bare_rate']:>9.2f}"
              f"{r['bare_mb']:>9.0f}{r['sweep_mb']:>10.0f}", flush=True)
        if r["bare_pages"] != r["sweep_pages"]:
            print(f"  note: the bare spider fetched {r['bare_pages']} pages")


if __name__ == "__main__":
    main()
