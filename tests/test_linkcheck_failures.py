"""Download failures get short names: dns, refused, timeout, tls, unreachable..."""

from __future__ import annotations

import pytest
from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (CannotResolveHostError, DownloadConnectionRefusedError,
                               DownloadTimeoutError, IgnoreRequest)
from twisted.internet import error
from twisted.python.failure import Failure

from mentionspider.linkcheck.failures import exception_kind, failure_kind


@pytest.mark.parametrize("exc,kind", [
    (error.DNSLookupError("x"), "dns"),
    (CannotResolveHostError("x"), "dns"),
    (error.ConnectionRefusedError(), "refused"),
    (DownloadConnectionRefusedError("x"), "refused"),
    (DownloadTimeoutError("Getting x took longer than 1 seconds."), "timeout"),
    (TunnelError("Could not open CONNECT tunnel with proxy 127.0.0.1:1 "
                 "[{'status': 503, 'reason': b'Service Unavailable'}]"), "unreachable"),
    (TunnelError("Could not open CONNECT tunnel with proxy 127.0.0.1:1 "
                 "[{'status': 407, 'reason': b'Proxy Authentication Required'}]"), "proxy"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots"),
    (ValueError("boom"), "error"),
])
def test_exception_kind(exc: Exception, kind: str) -> None:
    assert exception_kind(exc)[0] == kind
    assert failure_kind(Failure(exc))[0] == kind
