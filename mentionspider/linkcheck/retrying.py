"""When a link check is retried, and how long to wait first. Pure: no Scrapy, no I/O.

- Only answers that may change are retried: 429 and 5xx (except a proxy's
  DNS/connect failure, which is a definite answer), timeouts, dropped
  connections and TLS failures.
- A HEAD request is retried only on 429 (the server asked us to slow down);
  any other failed HEAD is confirmed with GET by the spider, and the GET is
  what gets retried.
- The wait grows exponentially (``backoff * 2**attempt``) and is at least the
  server's ``Retry-After``. A ``Retry-After`` longer than the cap is not
  shortened: the check gives up (``transient``) instead of knocking early.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

__all__ = ["HostStrikes", "RetryPolicy", "parse_retry_after", "RETRY_STATUSES", "RETRY_FAILURES"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
RETRY_FAILURES = frozenset({"timeout", "connection", "tls", "error"})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 2          # extra attempts after the first
    backoff: float = 1.0      # first wait, seconds; doubles each attempt
    max_wait: float = 30.0    # longest wait, Retry-After included

    def wait(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry number ``attempt + 1``, or None to give up."""
        if attempt >= self.retries:
            return None
        if retry_after is not None and retry_after > self.max_wait:
            return None
        return min(self.max_wait, max(retry_after or 0.0, self.backoff * 2 ** attempt))

    def retry_status(self, method: str, status: int, headers: Mapping[str, str],
                     attempt: int) -> float | None:
        """The wait before retrying this answer, or None (not retried).

        ``headers`` keys are lower-case; a proxy error header is never retried.
        """
        if status not in RETRY_STATUSES or "x-squid-error" in headers:
            return None
        if method == "HEAD" and status != 429:
            return None
        return self.wait(attempt, parse_retry_after(headers.get("retry-after")))

    def retry_failure(self, method: str, kind: str, attempt: int) -> float | None:
        """The wait before retrying a failed download of kind ``kind``, or None."""
        if method == "HEAD" or kind not in RETRY_FAILURES:
            return None
        return self.wait(attempt)


class HostStrikes:
    """Hosts that keep failing checks: after ``limit`` given-up checks a host's further
    transient answers are not retried (it is overloaded or rate-limiting us, and
    backing off every URL of it one by one only prolongs both our wait and its load)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.strikes: dict[str, int] = {}

    def strike(self, host: str) -> None:
        self.strikes[host] = self.strikes.get(host, 0) + 1

    def exhausted(self, host: str) -> bool:
        return self.limit > 0 and self.strikes.get(host, 0) >= self.limit
