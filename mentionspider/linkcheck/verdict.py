"""Decide what a link check's answer means. Pure: no Scrapy, no I/O.

Outcomes:

- ``ok``: the target answers 2xx (after redirects);
- ``broken``: 404, 410, the host does not resolve (``dns``), the connection is
  refused (``refused``), or a soft 404;
- ``blocked``: 401, 403, 999 or a bot challenge: the target exists but will not
  talk to crawlers, so it is never reported as broken;
- ``transient``: 429, 5xx, timeouts and other network errors: rechecked later,
  never reported as broken;
- ``blocked_by_robots``: the target host's robots.txt forbids fetching it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Verdict", "verdict_for_status", "verdict_for_error", "OUTCOMES"]

OUTCOMES = ("ok", "broken", "blocked", "transient", "blocked_by_robots")
_BROKEN_STATUSES = {404, 410}
_BLOCKED_STATUSES = {401, 403, 999}
_CHALLENGE_HEADERS = ("cf-mitigated", "x-amzn-waf-action", "x-datadome")
# What a Squid-style forward proxy says when it could not reach the target.
_PROXY_ERRORS = {"ERR_DNS_FAIL": "dns", "ERR_CONNECT_FAIL": "refused"}


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str
    status: str  # the HTTP code as text, or the failure: dns, refused, timeout, tls, ...
    evidence: str = ""


def verdict_for_status(status: int, headers: Mapping[str, str] | None = None) -> Verdict:
    """The verdict on a final HTTP answer (redirects already followed).

    ``headers`` maps lower-cased header names to values.
    """
    headers = headers or {}
    proxy_error = headers.get("x-squid-error", "").split(" ")[0]
    if proxy_error in _PROXY_ERRORS:
        failure = _PROXY_ERRORS[proxy_error]
        return Verdict("broken", failure, f"proxy reports {proxy_error}")
    if any(name in headers for name in _CHALLENGE_HEADERS):
        return Verdict("blocked", str(status), "bot challenge header")
    if 200 <= status < 300:
        return Verdict("ok", str(status))
    if status in _BROKEN_STATUSES:
        return Verdict("broken", str(status), f"HTTP {status}")
    if status in _BLOCKED_STATUSES:
        return Verdict("blocked", str(status), f"HTTP {status}: the site refuses crawlers")
    if status == 429 or status >= 500:
        return Verdict("transient", str(status), f"HTTP {status}: try again later")
    if 300 <= status < 400:
        return Verdict("transient", str(status), "redirect not followed (loop or too many hops)")
    return Verdict("transient", str(status), f"HTTP {status}: not a definite answer")


def verdict_for_error(kind: str, message: str = "") -> Verdict:
    """The verdict on a failed fetch; ``kind`` is the failure's short name."""
    evidence = message[:300]
    if kind in ("dns", "refused"):
        return Verdict("broken", kind, evidence)
    if kind == "robots":
        return Verdict("blocked_by_robots", "robots", evidence or "disallowed by robots.txt")
    return Verdict("transient", kind, evidence)
