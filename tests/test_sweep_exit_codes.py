"""Exit codes cron can act on (#12): 0 done, 1 failed (reason on the last line), 2 bad
input before any request, 130 stopped by a signal; one sweep per campaign and database."""

from __future__ import annotations

import re
import signal
import time
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentionspider.virtualweb.server import VirtualWeb
from mentionspider.virtualweb.testing import sample_web_dir
from mentionspider.virtualweb.web import Route, Web
from mentionspider.cli import cli
from tests.conftest import run_cli, write_campaign
from tests.plugins import pipelines_with
from tests.test_sweep_interrupted import start_sweep, wait_for_pages

CAMPAIGN = str(sample_web_dir() / "campaign.toml")


def slow_web(pages: int = 200) -> Web:
    """A site slow enough (a second a page, two at a time) that a sweep of it is still
    running whatever the machine's load when the test acts on it."""
    web = Web()
    links = "".join(f'<a href="/p{i}">p{i}</a> ' for i in range(pages))
    web.add_page("slow.example", "/", f"<main><p>Acme Widgets index. {links}</p></main>")
    for i in range(pages):
        web.add_route("slow.example", f"/p{i}", Route(
            body=f"<main><p>Page {i} praises Acme Widgets.</p></main>", delay=1.0))
    return web


def campaign_file(tmp_path: Path, seeds: str, name: str = "acme") -> Path:
    return write_campaign(tmp_path / f"{name}.toml", (
        f'name = "{name}"\n[brand]\nnames = ["Acme Widgets"]\ndomains = ["acmewidgets.com"]\n'
        f"[crawl]\nseeds = [{seeds}]\ndelay = 0\nconcurrency_per_site = 2\n"
        "check_links = false\n"))


def statuses(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, status FROM runs ORDER BY id").fetchall()


def wait_for_row(db: Path, query: str, timeout: float = 30) -> tuple:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                row = conn.execute(query).fetchone()
            if row:
                return row
        except sqlite3.OperationalError:  # not created yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"no row for {query} in {timeout}s")


def last_line(text: str) -> str:
    return text.rstrip("\n").rsplit("\n", 1)[-1]


def test_every_seed_failed_is_exit_1_naming_them(tmp_path: Path) -> None:
    campaign = campaign_file(tmp_path, '"http://nowhere.example/", "http://gone.example/x"')
    db = tmp_path / "a.db"
    with VirtualWeb(Web()) as web:
        result = run_cli(["sweep", str(campaign), "--db", str(db), "-s", "RETRY_TIMES=0"],
                         proxy=web.url)
    assert result.returncode == 1, result.stderr
    assert last_line(result.stderr) == ("Error: no page fetched: every seed failed: "
                                        "http://nowhere.example/ (dns), "
                                        "http://gone.example/x (dns)")
    assert "pages analysed      0" in result.stdout
    assert statuses(db) == [(1, "finished")]


def test_an_internal_error_is_exit_1_with_one_line_and_the_traceback_in_the_log(
        sample_web: VirtualWeb, tmp_path: Path) -> None:
    db, log = tmp_path / "a.db", tmp_path / "a.log"  # the log goes next to the database
    result = run_cli(["sweep", CAMPAIGN, "--db", str(db), "-s",
                      f"ITEM_PIPELINES={pipelines_with('FailOnPagePipeline')}"],
                     proxy=sample_web.url)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert re.fullmatch(r"Error: internal error: KeyError: 'title' \(\d+ internal errors\); "
                        f"traceback in {re.escape(str(log))}", last_line(result.stderr))
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "KeyError: 'title'" in text
    assert statuses(db) == [(1, "failed: internal error")]  # ended at the first error


def test_an_error_before_the_crawl_starts_is_exit_1_too(sample_web: VirtualWeb,
                                                        tmp_path: Path) -> None:
    db, log = tmp_path / "a.db", tmp_path / "logs" / "nightly.log"
    log.parent.mkdir()
    result = run_cli(["sweep", CAMPAIGN, "--db", str(db), "--log-file", str(log), "--quiet",
                      "-s", f"ITEM_PIPELINES={pipelines_with('FailOnOpenPipeline')}"],
                     proxy=sample_web.url)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Error: internal error: OverflowError: date value out of range "
                             f"(2 internal errors); traceback in {log}\n")
    assert "raise OverflowError" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "a.log").exists()


def test_sigterm_is_exit_130_and_the_run_recorded_as_stopped(tmp_path: Path) -> None:
    """(SIGINT: tests/test_sweep_interrupted.py.)"""
    sig = signal.SIGTERM
    campaign = campaign_file(tmp_path, '"http://slow.example/"', name="slow")
    db = tmp_path / "slow.db"
    with VirtualWeb(slow_web()) as web:
        sweep = start_sweep(campaign, db, web.url)
        wait_for_pages(db, 1, 1)
        sweep.send_signal(sig)
        _, stderr = sweep.communicate(timeout=60)
    assert sweep.returncode == 130, stderr
    assert last_line(stderr) == (f"Stopped by {signal.Signals(sig).name}: the run is recorded "
                                 "as stopped, the store is intact")
    assert statuses(db) == [(1, "stopped: shutdown")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM run_locks").fetchone() == (0,)


def test_one_sweep_at_a_time_and_a_dead_holder_is_taken_over(tmp_path: Path) -> None:
    campaign = campaign_file(tmp_path, '"http://slow.example/"', name="slow")
    db = tmp_path / "slow.db"
    with VirtualWeb(slow_web()) as web:
        first = start_sweep(campaign, db, web.url)
        wait_for_row(db, "SELECT id FROM runs WHERE status = 'running'")
        with sqlite3.connect(db) as conn:
            [(pid, started)] = conn.execute("SELECT pid, started_at FROM run_locks").fetchall()
        assert pid == first.pid
        second = run_cli(["sweep", str(campaign), "--db", str(db)], proxy=web.url)
        assert second.returncode == 1
        assert second.stderr == (f"Error: campaign 'slow' is already being swept into {db} "
                                 f"by pid {pid}, started {started}\n")
        first.kill()
        first.communicate(timeout=60)

        third = start_sweep(campaign, db, web.url)
        wait_for_pages(db, 2, 1)  # crawling: Scrapy's signal handlers are in place
        third.send_signal(signal.SIGINT)
        _, stderr = third.communicate(timeout=60)
    assert third.returncode == 130
    assert stderr.splitlines()[0] == (f"Note: took over the run lock of campaign 'slow' left by "
                                      f"pid {pid}, started {started}, which is no longer running")
    # the refused sweep wrote nothing: run 2 is the taken-over one
    assert statuses(db) == [(1, "interrupted"), (2, "stopped: shutdown")]


@pytest.mark.parametrize("value,error", [
    ("DOWNLOAD_DELAY=slow", "-s DOWNLOAD_DELAY: expected a number, got 'slow'"),
    ("ROBOTSTXT_OBEY=maybe", "-s ROBOTSTXT_OBEY: expected true or false, got 'maybe'"),
    ("MENTIONSPIDER_STORE_BATCH=-5", "-s MENTIONSPIDER_STORE_BATCH: expected a number >= 0, "
                                     "got '-5'"),
    ("MENTIONSPIDER_LINKCHECK_BACKOFF=nan", "-s MENTIONSPIDER_LINKCHECK_BACKOFF: expected a "
                                            "finite number, got 'nan'"),
    ("MENTIONSPIDER_STORE_BATHC=5", "-s MENTIONSPIDER_STORE_BATHC: unknown setting (see the "
                                    "README's settings table)"),
    ("ITEM_PIPELINES=[1", "-s ITEM_PIPELINES: expected a JSON object, got '[1'"),
    ("MENTIONSPIDER_PROGRESS=loud", "-s MENTIONSPIDER_PROGRESS: expected one of auto, tty, "
                                    "log, off, got 'loud'"),
    ("NOVALUE", "-s expected NAME=VALUE, got 'NOVALUE'"),
])
def test_a_bad_setting_is_one_line_exit_2_and_no_database(tmp_path: Path, value: str,
                                                          error: str) -> None:
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["sweep", CAMPAIGN, "--db", str(db), "-s", value])
    assert (result.exit_code, result.output) == (2, f"Error: {error}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_database_or_log_in_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "nope" / "x.db"
    result = CliRunner().invoke(cli, ["sweep", CAMPAIGN, "--db", str(db)])
    assert (result.exit_code, result.output) == (
        2, f"Error: --db {db}: folder {db.parent} does not exist\n")
    log = tmp_path / "nope" / "x.log"
    result = CliRunner().invoke(cli, ["sweep", CAMPAIGN, "--db", str(tmp_path / "x.db"),
                                      "--log-file", str(log)])
    assert (result.exit_code, result.output) == (
        2, f"Error: --log-file {log}: folder {log.parent} does not exist\n")
    assert list(tmp_path.iterdir()) == []
