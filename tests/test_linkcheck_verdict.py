"""Each link-check answer gets the right outcome and failure name."""

from __future__ import annotations

import pytest

from mentionspider.linkcheck.verdict import Verdict, verdict_for_error, verdict_for_status


@pytest.mark.parametrize("status,headers,expected", [
    (200, {}, Verdict("ok", "200")),
    (204, {}, Verdict("ok", "204")),
    (404, {}, Verdict("broken", "404", "HTTP 404")),
    (410, {}, Verdict("broken", "410", "HTTP 410")),
    (401, {}, Verdict("blocked", "401", "HTTP 401: the site refuses crawlers")),
    (403, {}, Verdict("blocked", "403", "HTTP 403: the site refuses crawlers")),
    (999, {}, Verdict("blocked", "999", "HTTP 999: the site refuses crawlers")),
    (404, {"cf-mitigated": "challenge"}, Verdict("blocked", "404", "bot challenge header")),
    (429, {}, Verdict("transient", "429", "HTTP 429: try again later")),
    (500, {}, Verdict("transient", "500", "HTTP 500: try again later")),
    (503, {}, Verdict("transient", "503", "HTTP 503: try again later")),
    (503, {"x-squid-error": "ERR_DNS_FAIL 0"},
     Verdict("broken", "dns", "proxy reports ERR_DNS_FAIL")),
    (503, {"x-squid-error": "ERR_CONNECT_FAIL 111"},
     Verdict("broken", "refused", "proxy reports ERR_CONNECT_FAIL")),
])
def test_verdict_for_status(status: int, headers: dict[str, str], expected: Verdict) -> None:
    assert verdict_for_status(status, headers) == expected


@pytest.mark.parametrize("kind,outcome", [
    ("dns", "broken"), ("refused", "broken"), ("timeout", "transient"),
    ("connection", "transient"), ("tls", "broken"), ("unreachable", "broken"),
    ("robots", "blocked_by_robots"),
])
def test_verdict_for_error(kind: str, outcome: str) -> None:
    verdict = verdict_for_error(kind, "boom")
    assert (verdict.outcome, verdict.status) == (outcome, "robots" if kind == "robots" else kind)
