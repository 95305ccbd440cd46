"""Run a sweep in this process with Scrapy's CrawlerProcess (used by the CLI).

:func:`run_sweep` owns the process's logging while it runs: the full log (tracebacks
included) goes to a log file, the terminal gets one line per record at the chosen
level, and every internal error (an exception anywhere in the crawl) is collected so
that the caller can end with exit code 1 and a one-line reason.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from mentionspider.campaign import Campaign
from mentionspider.spiders.sweep import SweepSpider

__all__ = ["SweepResult", "project_settings", "run_sweep", "default_log_file"]

PROGRESS_LOGGER = "mentionspider.progress"


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """mentionspider's settings module, plus command-line overrides."""
    settings = Settings()
    settings.setmodule("mentionspider.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def default_log_file(db: str | Path) -> Path:
    """Where a sweep into ``db`` logs when no log file is named: next to the database,
    ``acme.db`` -> ``acme.log``."""
    db = Path(db)
    return db.with_name(db.name + ".log") if db.suffix == ".log" else db.with_suffix(".log")


@dataclass
class SweepResult:
    run_id: int
    stats: dict[str, Any]
    errors: list[str] = field(default_factory=list)  # one line per internal error
    signal: int | None = None  # SIGINT/SIGTERM that stopped the crawl, if any
    log_file: Path | None = None


class _OneLine(logging.Formatter):
    """The first line of a record's message, without traceback: what a terminal gets."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().splitlines() or [""]
        if record.name == PROGRESS_LOGGER:
            return f"{time.strftime('%H:%M:%S', time.localtime(record.created))} {message[0]}"
        return f"{record.levelname}: {message[0]}"


class _ErrorCollector(logging.Handler):
    """Collects internal errors: ERROR records carrying an exception, and Twisted's
    unhandled errors (which arrive as text with the traceback in it)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []
        self.on_first: Callable[[], None] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if not is_internal_error(record):
            return
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            error = line.splitlines()[0]
            # The crawl's own failure is the cause; what it broke on the way out comes after.
            self.errors.insert(0 if record.name == __name__ else len(self.errors), error)
        else:
            lines = [line for line in record.getMessage().splitlines() if line.strip()]
            self.errors.append(lines[-1].strip() if lines else "unhandled error")
        if len(self.errors) == 1 and self.on_first is not None:
            self.on_first()


def is_internal_error(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR and bool(
        (record.exc_info and record.exc_info[1] is not None) or record.name.startswith("twisted")
        or "Traceback (most recent call last)" in record.getMessage())


class _ShowOnTerminal(logging.Filter):
    def __init__(self, level: int, progress: bool) -> None:
        super().__init__()
        self.level, self.progress = level, progress

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == PROGRESS_LOGGER:
            return self.progress
        return record.levelno >= self.level and not is_internal_error(record)


class _SweepProcess(CrawlerProcess):
    """Records which shutdown signal stopped the crawl (Scrapy handles SIGINT/SIGTERM:
    the first stops the crawl gracefully, a second one forces it)."""

    received: int | None = None

    def _signal_shutdown(self, signum: int, _: Any) -> None:
        self.received = self.received or signum
        super()._signal_shutdown(signum, _)

    def _signal_kill(self, signum: int, _: Any) -> None:
        self.received = self.received or signum
        super()._signal_kill(signum, _)


def _stop_soon(crawler: Any) -> None:
    """An internal error ends the run: stop the crawl gracefully (what has been stored
    so far stays), from the reactor rather than from inside the failing call."""
    from twisted.internet import reactor
    from scrapy.utils.defer import deferred_from_coro

    reactor.callLater(0, lambda: deferred_from_coro(crawler.stop_async()))  # type: ignore[arg-type]


def run_sweep(campaign: Campaign, db: str | Path, overrides: Mapping[str, Any] | None = None,
              *, log_file: str | Path | None = None, log_level: str = "WARNING",
              show_progress: bool = True) -> SweepResult:
    """Crawl ``campaign`` into the database ``db``.

    Blocks until the crawl ends. One call per process (Twisted's reactor cannot restart).
    ``log_file`` (default: :func:`default_log_file`) receives the whole log at INFO (or
    ``log_level`` when lower), appended; standard error gets ``log_level`` and above, one
    line per record, plus the progress lines when ``show_progress``.
    """
    level = logging.getLevelName(log_level.upper())
    settings = project_settings({**(overrides or {}), "MENTIONSPIDER_DB": str(db),
                                 "LOG_LEVEL": logging.getLevelName(min(level, logging.INFO)),
                                 "LOG_INSTALL_ROOT_HANDLER": False})
    path = Path(log_file) if log_file else default_log_file(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(min(level, logging.INFO))
    to_file.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"),
                                           settings.get("LOG_DATEFORMAT")))
    to_terminal = logging.StreamHandler(sys.stderr)
    to_terminal.addFilter(_ShowOnTerminal(level, show_progress))
    to_terminal.setFormatter(_OneLine())
    collector = _ErrorCollector()
    root = logging.getLogger()
    handlers: list[logging.Handler] = [to_file, to_terminal, collector]
    previous_level = root.level
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if level <= logging.DEBUG else logging.INFO)
    log = logging.getLogger(__name__)
    try:
        process = _SweepProcess(settings)
        crawler = process.create_crawler(SweepSpider)
        collector.on_first = lambda: _stop_soon(crawler)
        process.crawl(crawler, campaign=campaign).addErrback(
            lambda failure: log.error("the crawl failed: %s", failure.getErrorMessage(),
                                      exc_info=(failure.type, failure.value, failure.tb)))
        process.start()
    except Exception:  # an error before or outside the crawl: still one line
        log.exception("the sweep failed")
        process_signal = None
        stats: dict[str, Any] = {}
    else:
        process_signal = process.received
        stats = crawler.stats.get_stats() if crawler.stats else {}
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(previous_level)
        to_file.close()
    return SweepResult(int(stats.get("mentionspider/run_id", 0)), stats, collector.errors,
                       process_signal, path)
