"""Decide what a link check's answer means. Pure: no Scrapy, no I/O.

Outcomes:

- ``ok``: the target answers 2xx (after redirects);
- ``broken``: 404, 410, the host does not resolve (``dns``), the connection is
  refused (``refused``), a TLS handshake that fails on every attempt (``tls``),
  a proxy that cannot open a tunnel to the host (``unreachable``), or a soft 404
  (``soft404``);
- ``blocked``: 401, 403, 999 or a bot challenge: the target exists but will not
  talk to crawlers, so it is never reported as broken;
- ``transient``: 429, 5xx, timeouts and other network errors: retried, rechecked
  on the next run, never reported as broken;
- ``blocked_by_robots``: the target host's robots.txt forbids fetching it;
- ``skipped``: not requested, and the status says why: ``private address``
  (loopback, private, link-local, metadata or unique-local, by default), ``URL too
  long``, ``offsite`` or ``filtered`` (another component dropped the request), ...

The spider only asks for a verdict on an error after the retries are spent, so
``tls`` here already means "failed every time".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Verdict", "verdict_for_status", "verdict_for_error", "soft_404_verdict",
           "skipped_verdict",
           "proxy_failure", "OUTCOMES", "DEAD_DOMAIN_STATUSES"]

OUTCOMES = ("ok", "broken", "blocked", "transient", "blocked_by_robots", "skipped")
_BROKEN_STATUSES = {404, 410}
_BLOCKED_STATUSES = {401, 403, 999}
_CHALLENGE_HEADERS = ("cf-mitigated", "x-amzn-waf-action", "x-datadome")
# What a Squid-style forward proxy says when it could not reach the target.
_PROXY_ERRORS = {"ERR_DNS_FAIL": "dns", "ERR_CONNECT_FAIL": "refused"}
#: Failures that say the whole host is gone, not just one page.
DEAD_DOMAIN_STATUSES = frozenset({"dns"})
_BROKEN_FAILURES = {"dns", "refused", "tls", "unreachable"}
_FAILURE_WORDS = {
    "dns": "the host name does not resolve",
    "refused": "the host refuses connections",
    "tls": "the TLS handshake failed on every attempt",
    "unreachable": "the proxy could not open a tunnel to the host",
    "timeout": "no answer before the download timeout",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str
    status: str  # the HTTP code as text, or the failure: dns, refused, timeout, tls, soft404...
    evidence: str = ""


def proxy_failure(headers: Mapping[str, str]) -> str | None:
    """``dns`` or ``refused`` when a Squid-style proxy says it could not reach the
    target (``X-Squid-Error``); None otherwise. ``headers`` keys are lower-case."""
    return _PROXY_ERRORS.get(headers.get("x-squid-error", "").split(" ")[0])


def verdict_for_status(status: int, headers: Mapping[str, str] | None = None) -> Verdict:
    """The verdict on a final HTTP answer (redirects already followed).

    ``headers`` maps lower-cased header names to values.
    """
    headers = headers or {}
    failure = proxy_failure(headers)
    if failure is not None:
        code = headers["x-squid-error"].split(" ")[0]
        return Verdict("broken", failure, f"proxy reports {code}")
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
    """The verdict on a failed fetch (after retries); ``kind`` is the failure's short name."""
    detail = message[:300]
    if kind == "robots":
        return Verdict("blocked_by_robots", "robots", detail or "disallowed by robots.txt")
    words = _FAILURE_WORDS.get(kind, "")
    evidence = f"{words}: {detail}" if words and detail else (words or detail)
    if kind in _BROKEN_FAILURES:
        return Verdict("broken", kind, evidence)
    return Verdict("transient", kind, evidence)


def soft_404_verdict(evidence: str) -> Verdict:
    """A 200 answer that is really "not found"; ``evidence`` says what gave it away."""
    return Verdict("broken", "soft404", f"soft 404: {evidence}")


def skipped_verdict(reason: str, evidence: str = "") -> Verdict:
    """A check that made no request (or whose request was dropped), and why."""
    return Verdict("skipped", reason, evidence or f"not checked: {reason}")
