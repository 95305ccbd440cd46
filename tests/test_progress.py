"""Progress while sweeping (#12): a live line on a terminal, a log line without one."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from mentionspider.progress import Progress
from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from tests.conftest import ROOT
from tests.test_sweep_exit_codes import campaign_file, slow_web
from tests.test_sweep_interrupted import wait_for_pages

LINE = (r"\d+ pages \(\d+ queued\), \d+ links checked \(\d+ pending\), \d+ findings, "
        r"\d+\.\d pages/s, \d+:\d\d")


def test_the_line_from_the_stats() -> None:
    stats = {"mentionspider/pages/analysed": 40, "mentionspider/pages/errors/http_404": 2,
             "mentionspider/pages/not_html": 1, "mentionspider/linkcheck/checked": 90,
             "mentionspider/linkcheck/reused": 10, "mentionspider/opportunities/unlinked_mention": 7,
             "mentionspider/linkcheck/broken": 3}
    progress = Progress.from_stats(stats, admitted=50, to_check=120, seconds=20.0)
    assert progress.line() == ("40 pages (7 queued), 100 links checked (20 pending), "
                               "10 findings, 2.0 pages/s, 0:20")


def sweep(campaign: Path, db: Path, proxy: str, stderr: int, *extra: str
          ) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "mentionspider.cli", "sweep", str(campaign),
                             "--db", str(db), "-s", "MENTIONSPIDER_STORE_BATCH=1", *extra],
                            cwd=ROOT, env={**os.environ, **proxy_env(proxy)},
                            stdout=subprocess.DEVNULL, stderr=stderr)


def test_without_a_terminal_a_log_line_every_interval(tmp_path: Path) -> None:
    campaign = campaign_file(tmp_path, '"http://slow.example/"', name="slow")
    db = tmp_path / "slow.db"
    with VirtualWeb(slow_web()) as web:
        process = sweep(campaign, db, web.url, subprocess.PIPE,
                        "-s", "MENTIONSPIDER_PROGRESS_INTERVAL=0.5")
        wait_for_pages(db, 1, 4)
        time.sleep(1.2)  # at least two intervals after pages came in
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    lines = [line for line in stderr.decode().splitlines() if "progress:" in line]
    assert len(lines) >= 2, stderr.decode()
    assert all(re.fullmatch(rf"\d\d:\d\d:\d\d progress: {LINE}", line) for line in lines), lines
    assert "\r" not in stderr.decode()


def test_on_a_terminal_one_live_line(tmp_path: Path) -> None:
    campaign = campaign_file(tmp_path, '"http://slow.example/"', name="slow")
    db = tmp_path / "slow.db"
    master, slave = pty.openpty()
    output = b""
    with VirtualWeb(slow_web()) as web:
        process = sweep(campaign, db, web.url, slave)
        os.close(slave)
        wait_for_pages(db, 1, 4)
        deadline = time.monotonic() + 30
        while output.count(b"\r") < 2 and time.monotonic() < deadline:  # two updates
            if select.select([master], [], [], 0.5)[0]:
                output += os.read(master, 65536)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            output += chunk
    os.close(master)
    text = output.decode()
    updates = [part.strip() for part in text.split("\r") if "pages (" in part]
    assert len(updates) >= 2, text
    assert all(re.fullmatch(LINE, update) for update in updates), updates
    assert "progress:" not in text  # the live line, not log lines
    assert process.returncode == 130
