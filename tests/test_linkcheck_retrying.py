"""Retry decisions for link checks: which answers, how long to wait, when to give up."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mentionspider.linkcheck.retrying import RetryPolicy, parse_retry_after

POLICY = RetryPolicy(retries=2, backoff=1.0, max_wait=30.0)


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 21, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sat, 21 Nov 2026 12:00:10 GMT", now) == 10.0
    assert parse_retry_after("Sat, 21 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_and_respects_retry_after() -> None:
    assert [POLICY.wait(n) for n in range(3)] == [1.0, 2.0, None]
    assert POLICY.wait(0, retry_after=5) == 5.0
    assert POLICY.wait(1, retry_after=0.5) == 2.0
    assert RetryPolicy(retries=9, backoff=8, max_wait=30).wait(3) == 30.0


def test_retry_after_beyond_the_cap_gives_up() -> None:
    assert POLICY.retry_status("GET", 429, {"retry-after": "3600"}, 0) is None


@pytest.mark.parametrize("method,status,headers,expected", [
    ("GET", 429, {"retry-after": "3"}, 3.0),
    ("HEAD", 429, {"retry-after": "3"}, 3.0),   # slow down applies to any method
    ("GET", 503, {}, 1.0),
    ("HEAD", 503, {}, None),                     # the spider confirms with GET instead
    ("GET", 503, {"x-squid-error": "ERR_DNS_FAIL 0"}, None),
    ("GET", 503, {"x-squid-error": "ERR_CONNECT_FAIL 111"}, None),
    ("GET", 404, {}, None),
    ("GET", 403, {}, None),
])
def test_retry_status(method: str, status: int, headers: dict[str, str],
                      expected: float | None) -> None:
    assert POLICY.retry_status(method, status, headers, 0) == expected


@pytest.mark.parametrize("method,kind,expected", [
    ("GET", "timeout", 1.0), ("GET", "tls", 1.0), ("GET", "connection", 1.0),
    ("GET", "dns", None), ("GET", "refused", None), ("GET", "unreachable", None),
    ("GET", "robots", None), ("HEAD", "timeout", None),
])
def test_retry_failure(method: str, kind: str, expected: float | None) -> None:
    assert POLICY.retry_failure(method, kind, 0) == expected


def test_host_strikes_stop_retries_after_the_limit() -> None:
    from mentionspider.linkcheck.retrying import HostStrikes
    strikes = HostStrikes(2)
    strikes.strike("busy.example")
    assert not strikes.exhausted("busy.example")
    strikes.strike("busy.example")
    assert strikes.exhausted("busy.example") and not strikes.exhausted("other.example")
    assert not HostStrikes(0).exhausted("busy.example")
