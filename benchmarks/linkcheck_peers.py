"""Broken-link verdicts side by side: mentionspider, LinkChecker and linkinator on one virtual site.

Run from the repo root (not part of ``make test``)::

    .venv/bin/python benchmarks/linkcheck_peers.py [--only mentionspider,linkchecker]

It generates one blog (benchmarks/linkcheck_site.py: 300 pages, 3,000 outbound
links to 750 unique targets whose true class is known: ok, 404, 410, soft 404s,
redirect chains, 403 bot walls, 429, 503, slow, HEAD mishandling, dead
domains, refused ports), serves it with the virtual web in a separate process
(a fresh one per checker, so 429-then-200 sequences start afresh), and crawls
it with each checker through that forward proxy (plain http, ``http_proxy``).

Peers are installed on first run under ``.bench/`` (gitignored): LinkChecker
from PyPI into its own virtualenv, linkinator 7 from npm (v8 needs Node 22).

Per unique target URL it prints broken links found, false positives (a
not-broken target called broken), missed (a broken target not called broken),
wall time (process start to exit), then which categories each checker gets
wrong, and mentionspider's own outcomes per category.

Politeness, as each tool allows it (``--concurrency`` global, default 10):

- mentionspider: the crawl ``concurrency_per_site = 2`` (``--per-host``), no delay;
  link checks per ``--politeness``: ``default`` = the product's defaults
  (``[linkcheck] concurrency_per_host = 2``, ``delay = 0.5``), ``off`` = 8 per host,
  no delay; robots.txt obeyed, global cap ``CONCURRENT_REQUESTS``. It prints the
  politeness floor (the largest unique targets x per-host delay over the target
  hosts: no checker keeping the delay can be faster), mentionspider's link-check
  time (first check request to last verdict, ``mentionspider/linkcheck/wall_seconds``;
  for the peers, first to last request to a target host) against it, and
  mentionspider's wall time over linkinator's in the same run;
- LinkChecker: ``--threads`` global; per host it has no concurrency cap but a
  rate limit: it spaces requests to one host by a random 0.1-0.6 s that its
  configuration cannot lower (``maxrequestspersecond`` only raises it). With
  ``--linkchecker-throttle off`` (the default) that floor is lifted by
  patching two class attributes, so it runs without delay like the others;
  ``stock`` keeps it. robots.txt obeyed.
- linkinator: ``--concurrency`` global only, no per-host cap, no delay, no
  robots.txt. ``--retry-errors --retry-errors-count 2`` (5xx retried with
  backoff, as mentionspider retries twice); not ``--retry``, which re-queues a
  429 with Retry-After without any limit and so never ends on a persistent 429.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from linkcheck_site import CATEGORIES, HOME, SITE, generate

from mentionspider.virtualweb.server import VirtualWebProcess, proxy_env

BENCH = ROOT / ".bench"
LC_VENV = BENCH / "linkchecker-venv"
NODE_PREFIX = BENCH / "node"
LINKINATOR_CLI = NODE_PREFIX / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
CHECKERS = ("linkinator", "linkchecker", "mentionspider")


class SetupError(RuntimeError):
    """A peer could not be installed or started."""


# --- installing the peers -------------------------------------------------------------------

def _run_setup(cmd: list[str], what: str) -> None:
    print(f"  $ {' '.join(cmd)}", flush=True)
    try:
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(f"{what}: {exc}") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise SetupError(f"{what} failed (exit {proc.returncode}):\n{tail}")


def ensure_linkchecker() -> Path:
    """LinkChecker's python in its own virtualenv under .bench/, created on first use."""
    python = LC_VENV / "bin" / "python"
    probe = [str(python), "-c", "import linkcheck.command.linkchecker"]
    if python.exists() and subprocess.run(probe, check=False, capture_output=True).returncode == 0:
        return python
    print("installing LinkChecker (PyPI) into .bench/linkchecker-venv ...", flush=True)
    base = shutil.which("python3") or sys.executable
    _run_setup([base, "-m", "venv", "--clear", str(LC_VENV)], "creating the LinkChecker venv")
    _run_setup([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], "upgrading pip")
    _run_setup([str(python), "-m", "pip", "install", "-q", "linkchecker"],
               "pip install linkchecker")
    return python


def ensure_linkinator() -> tuple[str, Path]:
    """(node, linkinator cli.js), installing linkinator@7 with npm on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        raise SetupError("linkinator needs Node.js >= 20: `node` is not on PATH")
    version = subprocess.run([node, "--version"], check=False, capture_output=True,
                             text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 20:
        raise SetupError(f"linkinator 7 needs Node.js >= 20, found {version}")
    if not LINKINATOR_CLI.exists():
        if npm is None:
            raise SetupError("installing linkinator needs npm: `npm` is not on PATH")
        print("installing linkinator@7 (npm) into .bench/node ...", flush=True)
        NODE_PREFIX.mkdir(parents=True, exist_ok=True)
        _run_setup([npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund",
                    "linkinator@7"], "npm install linkinator@7")
        if not LINKINATOR_CLI.exists():
            raise SetupError(f"npm install linkinator@7 did not create {LINKINATOR_CLI}")
    return node, LINKINATOR_CLI


# --- running the checkers --------------------------------------------------------------------

@dataclass
class Result:
    name: str
    wall: float = 0.0
    verdicts: dict[str, bool] = field(default_factory=dict)   # url -> called broken
    detail: dict[str, str] = field(default_factory=dict)      # url -> the tool's own words
    skipped: set[str] = field(default_factory=set)            # never fetched, by its own choice
    note: str = ""
    requests: int = 0          # requests the virtual web answered during the run
    target_requests: int = 0   # of which to target hosts (not the blog itself)
    check_wall: float | None = None  # first check request to last verdict (mentionspider)
    target_span: float = 0.0   # first to last request to a target host (access log)
    stats: dict[str, object] = field(default_factory=dict)


def normalize(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def _env(proxy: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **proxy_env(proxy)}


def _timed(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float,
           ok_codes: tuple[int, ...] = (0,)) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, check=False, env=env, cwd=cwd, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"{Path(cmd[0]).name} did not finish within {timeout:.0f} s") from exc
    wall = time.monotonic() - start
    if proc.returncode not in ok_codes:
        tail = "\n".join(proc.stderr.strip().splitlines()[-20:])
        raise SetupError(f"{' '.join(cmd[:4])} ... exited {proc.returncode}:\n{tail}")
    return proc, wall


MENTIONSPIDER_CAMPAIGN = """name = "linkbench"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["{home}"]
max_depth = 10
max_pages_per_site = 1000
delay = 0
concurrency_per_site = {per_host}
obey_robots = true
check_links = true
[linkcheck]
ttl_hours = 0
concurrency_per_host = {check_per_host}
delay = {check_delay}
obey_robots = true
"""

#: mentionspider's link-check politeness per ``--politeness``: (per host, delay in s).
POLITENESS = {"default": (2, 0.5), "off": (8, 0.0)}


def politeness_floor(truth: dict[str, str], delay: float) -> tuple[float, str, int]:
    """(seconds, host, targets): the largest unique targets x per-host delay over the
    target hosts. No checker that keeps the delay between requests to one host can
    finish its checks sooner."""
    per_host = Counter(urlsplit(url).hostname or "" for url in truth)
    host, targets = per_host.most_common(1)[0]
    return targets * delay, host, targets


def run_mentionspider(work: Path, proxy: str, args: argparse.Namespace) -> Result:
    campaign, db = work / "linkbench.toml", work / "linkbench.db"
    check_per_host, check_delay = POLITENESS[args.politeness]
    campaign.write_text(MENTIONSPIDER_CAMPAIGN.format(
        home=HOME, per_host=args.per_host, check_per_host=check_per_host,
        check_delay=check_delay))
    cmd = [sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign), "--db", str(db),
           "-s", f"CONCURRENT_REQUESTS={args.concurrency}"]
    env = {**_env(proxy), "PYTHONPATH": str(ROOT)}
    _, wall = _timed(cmd, env, ROOT, args.timeout)
    result = Result("mentionspider", wall)
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        for row in conn.execute("SELECT * FROM link_checks"):
            url = normalize(row["url"])
            result.verdicts[url] = row["outcome"] == "broken"
            result.detail[url] = f"{row['outcome']}({row['status']})"
        pages, stats = conn.execute("SELECT pages, stats FROM runs ORDER BY id DESC").fetchone()
    stats = json.loads(stats)
    result.check_wall = stats.get("mentionspider/linkcheck/wall_seconds")
    result.stats = {k.removeprefix("mentionspider/linkcheck/"): v for k, v in stats.items()
                    if k.startswith("mentionspider/linkcheck/")}
    result.note = (f"{pages} pages crawled; link checks {check_per_host}/host, "
                   f"{check_delay:g} s apart")
    return result


LC_WRAPPER = """
import sys
if sys.argv[1] == "off":
    from linkcheck.director import aggregator
    aggregator.Aggregate.wait_time_min_default = 0.0
    aggregator.Aggregate.wait_time_max_default = 0.0
del sys.argv[1]
sys.argv[0] = "linkchecker"
from linkcheck.command.linkchecker import linkchecker
sys.exit(linkchecker())
"""


def run_linkchecker(work: Path, proxy: str, args: argparse.Namespace, python: Path) -> Result:
    config = work / "linkcheckerrc"
    rate = 1000 if args.linkchecker_throttle == "off" else 10
    config.write_text(f"[checking]\nthreads={args.concurrency}\ntimeout=20\n"
                      f"maxrequestspersecond={rate}\n")
    config.chmod(0o644)   # LinkChecker drops root privileges to `nobody`
    cmd = [str(python), "-c", LC_WRAPPER, args.linkchecker_throttle, "-f", str(config),
           "--check-extern", "--no-status", "-v", "-o", "csv/utf-8",
           "--threads", str(args.concurrency), "--timeout", "20", HOME]
    # exit 1 = invalid links found
    proc, wall = _timed(cmd, _env(proxy), work, args.timeout, ok_codes=(0, 1))
    result = Result("linkchecker", wall)
    lines = [ln for ln in proc.stdout.splitlines() if ln and not ln.startswith("#")]
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"):
        if not row.get("urlname"):
            continue
        url = normalize(urljoin(row.get("parentname") or HOME, row["urlname"]))
        broken = row.get("valid") == "False"
        result.verdicts[url] = result.verdicts.get(url, False) or broken
        result.detail.setdefault(url, row.get("result") or "")
        if row.get("result") == "syntax OK":  # not fetched (e.g. disallowed by robots.txt)
            result.skipped.add(url)
    per_host = "no per-host delay" if args.linkchecker_throttle == "off" else "0.1-0.6 s/host"
    result.note = f"threads={args.concurrency}, {per_host}"
    return result


# linkinator 7 reads http(s)_proxy itself, but hands every URL to undici's ProxyAgent,
# which tunnels plain http through CONNECT too; a forward proxy that (like the virtual
# web) expects TLS inside CONNECT then fails every request ("other side closed").
# So the proxy variables are withheld from it, and this preload installs a
# non-tunnelling ProxyAgent (absolute-form GET/HEAD, as curl and Python clients send
# for http) as the global dispatcher that its native fetch uses.
LINKINATOR_PRELOAD = """\
import { ProxyAgent, setGlobalDispatcher } from %s;
setGlobalDispatcher(new ProxyAgent({ uri: process.env.LINKBENCH_PROXY, proxyTunnel: false }));
"""


def run_linkinator(work: Path, proxy: str, args: argparse.Namespace, node: str,
                   cli: Path) -> Result:
    undici = cli.parents[3] / "undici" / "index.js"
    if not undici.exists():
        raise SetupError(f"linkinator's undici is missing ({undici}); reinstall .bench/node")
    preload = work / "linkinator-proxy.mjs"
    preload.write_text(LINKINATOR_PRELOAD % json.dumps(undici.as_uri()))
    env = {k: v for k, v in _env(proxy).items() if not k.lower().endswith("_proxy")}
    env["LINKBENCH_PROXY"] = proxy
    cmd = [node, "--import", preload.as_uri(), str(cli), HOME, "--recurse", "--format", "json",
           "--concurrency", str(args.concurrency), "--timeout", "20000",
           "--retry-errors", "--retry-errors-count", "2", "--verbosity", "info"]
    # exit 1 = broken links found
    proc, wall = _timed(cmd, env, work, args.timeout, ok_codes=(0, 1))
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise SetupError(f"linkinator printed no JSON: {proc.stdout[:300]!r} "
                         f"{proc.stderr[-500:]!r}") from exc
    result = Result("linkinator", wall)
    for link in data.get("links", []):
        url = normalize(link["url"])
        broken = link.get("state") == "BROKEN"
        result.verdicts[url] = result.verdicts.get(url, False) or broken
        result.detail.setdefault(url, f"{link.get('state')}({link.get('status')})")
        if link.get("state") == "SKIPPED":  # e.g. 403 + cf-mitigated: skipped, not judged
            result.skipped.add(url)
    result.note = f"concurrency={args.concurrency}, no per-host cap"
    return result


# --- scoring ---------------------------------------------------------------------------------

def score(result: Result, truth: dict[str, str]) -> dict[str, int]:
    found = fp = missed = unchecked = 0
    for url, cat in truth.items():
        called = result.verdicts.get(url)
        if called is None:
            unchecked += 1
        if CATEGORIES[cat].broken:
            found += called is True
            missed += called is not True
        else:
            fp += called is True
    extra = sum(1 for url, b in result.verdicts.items() if b and url not in truth)
    return {"found": found, "fp": fp, "missed": missed, "unchecked": unchecked, "extra": extra}


def report(results: list[Result], truth: dict[str, str], args: argparse.Namespace) -> str:
    out: list[str] = []
    n_broken = sum(1 for c in truth.values() if CATEGORIES[c].broken)
    links = args.pages * args.links_per_page
    out.append(f"virtual site {SITE}: {args.pages + 1 + (args.pages + 19) // 20} pages, "
               f"{links} outbound links, {len(truth)} unique targets "
               f"({n_broken} broken, {len(truth) - n_broken} not broken); "
               f"global concurrency {args.concurrency}, mentionspider {args.per_host}/host")
    delay = POLITENESS[args.politeness][1]
    floor, host, targets = politeness_floor(truth, delay)
    out.append(f"politeness floor at mentionspider's {delay:g} s per host: {floor:.1f} s "
               f"({targets} unique targets on {host})")
    out.append("")
    out.append("| checker | broken found | false positives | missed | wall time "
               "| link-check time | requests (to targets) | notes |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        s = score(r, truth)
        notes = r.note
        if s["unchecked"]:
            notes += f"; {s['unchecked']} targets got no verdict"
        skipped = Counter(truth[u] for u in r.skipped if u in truth)
        if skipped:
            notes += "; skipped (not judged): " + ", ".join(
                f"{c} x{k}" for c, k in skipped.most_common())
        if s["extra"]:
            notes += f"; {s['extra']} non-target URLs called broken"
        check = r.check_wall if r.check_wall is not None else r.target_span
        if floor and r.name == "mentionspider":
            notes += f"; link checks {check / floor:.2f}x the politeness floor"
        out.append(f"| {r.name} | {s['found']}/{n_broken} | {s['fp']} | {s['missed']} | "
                   f"{r.wall:.1f} s | {check:.1f} s | {r.requests} ({r.target_requests}) "
                   f"| {notes} |")
    by_name = {r.name: r for r in results}
    if "mentionspider" in by_name and "linkinator" in by_name:
        ratio = by_name["mentionspider"].wall / by_name["linkinator"].wall
        out.append("")
        out.append(f"mentionspider / linkinator wall time, same run: {ratio:.2f}x")
    out.append("")
    out.append("Targets called broken, per category (`!` = wrong for that category):")
    out.append("")
    out.append("| category | truly | n | " + " | ".join(r.name for r in results) + " |")
    out.append("|---|---|---:|" + "---:|" * len(results))
    for cat in CATEGORIES.values():
        urls = [u for u, c in truth.items() if c == cat.name]
        cells = []
        for r in results:
            called = sum(1 for u in urls if r.verdicts.get(u) is True)
            wrong = called < len(urls) if cat.broken else called > 0
            cells.append(f"{called}{' !' if wrong else ''}")
        out.append(f"| {cat.name} | {'broken' if cat.broken else 'not broken'} | {len(urls)} | "
                   + " | ".join(cells) + " |")
    for r in results:
        out.append("")
        out.append(f"{r.name}: its own verdicts (outcome/status counts) for the categories "
                   "it gets wrong or leaves without a verdict (`no verdict`):")
        any_wrong = False
        for cat in CATEGORIES.values():
            urls = [u for u, c in truth.items() if c == cat.name]
            wrong = [u for u in urls if (r.verdicts.get(u) is True) != cat.broken]
            if not wrong and all(u in r.verdicts for u in urls):
                continue
            any_wrong = True
            counts = Counter(r.detail.get(u, "no verdict") for u in urls)
            summary = ", ".join(f"{k} x{v}" for k, v in counts.most_common())
            example = (wrong or [u for u in urls if u not in r.verdicts])[0]
            out.append(f"  {cat.name} ({cat.what}): {len(wrong)}/{len(urls)} wrong: {summary}; "
                       f"e.g. {example}")
        if not any_wrong:
            out.append("  (none)")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CHECKERS),
                        help="comma-separated subset of: " + ", ".join(CHECKERS))
    parser.add_argument("--concurrency", type=int, default=10,
                        help="global concurrent requests for every checker (default 10)")
    parser.add_argument("--per-host", type=int, default=2,
                        help="mentionspider's per-host concurrency of the crawl (default 2)")
    parser.add_argument("--politeness", choices=tuple(POLITENESS), default="default",
                        help="mentionspider's link checks: default = 2 per host 0.5 s apart "
                             "(the product's defaults); off = 8 per host, no delay")
    parser.add_argument("--linkchecker-throttle", choices=("off", "stock"), default="off",
                        help="off: lift LinkChecker's fixed 0.1-0.6 s per-host spacing (default)")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--links-per-page", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=240,
                        help="seconds one checker may run before it is stopped (default 240)")
    parser.add_argument("--json", type=Path, help="also write the verdicts here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    chosen = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = set(chosen) - set(CHECKERS)
    if unknown:
        parser.error(f"unknown checker(s): {', '.join(sorted(unknown))}")

    try:
        lc_python = ensure_linkchecker() if "linkchecker" in chosen else None
        node_cli = ensure_linkinator() if "linkinator" in chosen else None
    except SetupError as exc:
        print(f"error: cannot install a peer checker: {exc}", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="linkcheck-peers-"))
    work.chmod(0o755)  # LinkChecker, run as root, drops privileges to `nobody`
    try:
        truth = generate(work / "web", pages=args.pages, links_per_page=args.links_per_page)
        results: list[Result] = []
        for name in chosen:
            print(f"running {name} ...", flush=True)
            log = work / f"access-{name}.jsonl"
            for attempt in range(3):
                log.unlink(missing_ok=True)
                # a fresh web each attempt: 429-then-200 sequences start afresh
                with VirtualWebProcess(work / "web", access_log=log) as web:
                    try:
                        if name == "mentionspider":
                            results.append(run_mentionspider(work, web.url, args))
                        elif name == "linkchecker":
                            assert lc_python is not None
                            results.append(run_linkchecker(work, web.url, args, lc_python))
                        else:
                            assert node_cli is not None
                            results.append(run_linkinator(work, web.url, args, *node_cli))
                        break
                    except SetupError as exc:
                        # node sometimes exits 13 (an unsettled top-level await) with no
                        # output on this machine: that run is not counted, it runs again
                        if name == "linkinator" and "exited 13" in str(exc) and attempt < 2:
                            print("  linkinator exited 13 without output: running it again",
                                  flush=True)
                            continue
                        print(f"error: {name}: {exc}", file=sys.stderr)
                        return 1
            entries = [json.loads(line) for line in log.read_text().splitlines() if line]
            results[-1].requests = len(entries)
            target_times = [e["time"] for e in entries if e["host"] != SITE]
            results[-1].target_requests = len(target_times)
            if target_times:
                results[-1].target_span = max(target_times) - min(target_times)
            print(f"  {name}: {results[-1].wall:.1f} s, {len(results[-1].verdicts)} URLs, "
                  f"{len(entries)} requests", flush=True)
        print()
        print(report(results, truth, args))
        for r in results:
            if r.stats:
                print(f"\n{r.name} link-check stats: " + ", ".join(
                    f"{k}={v}" for k, v in sorted(r.stats.items())))
        if args.json:
            args.json.write_text(json.dumps(
                {"truth": truth, "results": {r.name: {"wall": r.wall, "verdicts": r.verdicts,
                                                      "detail": r.detail} for r in results}},
                indent=1))
    finally:
        if args.keep:
            print(f"\nwork directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
