"""Progress of a sweep while it runs: a Scrapy extension.

On a terminal it keeps one live line on standard error up to date (pages fetched and
queued, link checks done and pending, findings so far, rate); without one it logs a
compact line every ``MENTIONSPIDER_PROGRESS_INTERVAL`` seconds (logger
``mentionspider.progress``, which ``mentionspider sweep`` shows at any log level);
``MENTIONSPIDER_PROGRESS = "off"`` (``sweep --quiet``) shows nothing.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from mentionspider.linkcheck.checker import LinkChecker

__all__ = ["Progress", "ProgressExtension", "MODES"]

logger = logging.getLogger("mentionspider.progress")
MODES = ("auto", "tty", "log", "off")
_PAGE_OUTCOMES = ("mentionspider/pages/errors/", "mentionspider/pages/not_html",
                  "mentionspider/pages/robots_disallowed", "mentionspider/dedupe/pages_dropped")


@dataclass(frozen=True, slots=True)
class Progress:
    pages: int  # pages fetched and analysed
    queued: int  # pages admitted and not fetched yet
    checks: int  # link checks done (and fresh verdicts reused)
    pending: int  # link checks not done yet
    findings: int  # opportunities found so far (page-level) plus broken links
    seconds: float

    @classmethod
    def from_stats(cls, stats: dict[str, Any], *, admitted: int, to_check: int,
                   seconds: float) -> "Progress":
        def total(prefix: str) -> int:
            return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))
        pages = total("mentionspider/pages/analysed")
        ended = pages + sum(total(prefix) for prefix in _PAGE_OUTCOMES)
        checks = total("mentionspider/linkcheck/checked") + total("mentionspider/linkcheck/reused")
        findings = total("mentionspider/opportunities/") + total("mentionspider/linkcheck/broken")
        return cls(pages, max(admitted - ended, 0), checks, max(to_check - checks, 0), findings,
                   seconds)

    def line(self) -> str:
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        minutes, seconds = divmod(int(self.seconds), 60)
        return (f"{self.pages} pages ({self.queued} queued), {self.checks} links checked "
                f"({self.pending} pending), {self.findings} findings, {rate:.1f} pages/s, "
                f"{minutes}:{seconds:02d}")


class ProgressExtension:
    """Shows :class:`Progress` while the crawl runs (see the module docstring)."""

    def __init__(self, crawler: Any, mode: str, interval: float, stream: TextIO) -> None:
        self.crawler, self.mode, self.interval, self.stream = crawler, mode, interval, stream
        self.started = time.monotonic()
        self.task: Any = None
        self.width = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ProgressExtension":
        mode = crawler.settings.get("MENTIONSPIDER_PROGRESS", "auto")
        if mode not in MODES:
            raise ValueError(f"MENTIONSPIDER_PROGRESS: expected one of {', '.join(MODES)}, "
                             f"got {mode!r}")
        if mode == "off":
            raise NotConfigured  # no warning: off is a choice
        stream = sys.stderr
        if mode == "auto":
            mode = "tty" if stream.isatty() else "log"
        interval = (1.0 if mode == "tty"
                    else crawler.settings.getfloat("MENTIONSPIDER_PROGRESS_INTERVAL"))
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, mode, interval, stream)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def snapshot(self) -> Progress:
        frontier = getattr(self.crawler.spider, "frontier", None)
        try:
            to_check = len(LinkChecker.of(self.crawler).checked)
        except RuntimeError:  # link checks not enabled
            to_check = 0
        return Progress.from_stats(
            self.crawler.stats.get_stats(), admitted=len(frontier.seen) if frontier else 0,
            to_check=to_check, seconds=time.monotonic() - self.started)

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.show)
        self.task.start(self.interval, now=False)

    def show(self) -> None:
        line = self.snapshot().line()
        if self.mode == "tty":
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.width = len(line)
        else:
            logger.info("progress: %s", line)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.mode == "tty" and self.width:
            self.stream.write("\r" + " " * self.width + "\r")  # leave the terminal clean
            self.stream.flush()
