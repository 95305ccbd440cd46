"""Name the network failure behind a Twisted ``Failure`` or an exception
(dns, refused, timeout, tls, unreachable, ...)."""

from __future__ import annotations

import re

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError,
                               DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest,
                               ResponseDataLossError)
from twisted.internet import error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

__all__ = ["failure_kind", "exception_kind"]

_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((error.DNSLookupError, CannotResolveHostError), "dns"),
    ((error.ConnectionRefusedError, DownloadConnectionRefusedError), "refused"),
    ((error.TimeoutError, error.TCPTimedOutError, DownloadTimeoutError), "timeout"),
    ((TunnelError,), "proxy"),
    ((ResponseNeverReceived, ResponseFailed, error.ConnectionLost, error.ConnectionDone,
      ResponseDataLossError), "connection"),
    ((error.ConnectError, DownloadFailedError), "connect"),
)
# A forward proxy that answers CONNECT with 502/503/504 could not reach the host
# (Squid: ERR_DNS_FAIL or ERR_CONNECT_FAIL; Scrapy drops the header that says which).
_TUNNEL_UNREACHABLE = re.compile(r"'status': (502|503|504)\b")


def exception_kind(exc: BaseException) -> tuple[str, str]:
    """``(kind, message)`` for a download exception."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in message:
            return "robots", message
        if message.startswith("private address"):
            return "private", message
        return ("too_many_redirects" if "max redirections" in message else "ignored"), message
    if isinstance(exc, DownloadCancelledError) and "max size" in message:
        return "too_big", message
    for types, kind in _KINDS:
        if isinstance(exc, types):
            if kind == "connection" and "SSL" in repr(exc):
                return "tls", message
            if kind == "proxy" and _TUNNEL_UNREACHABLE.search(message):
                return "unreachable", message
            return kind, message
    if "SSL" in type(exc).__name__ or "ssl" in message.lower():
        return "tls", message
    return "error", message


def failure_kind(failure: Failure) -> tuple[str, str]:
    """``(kind, message)`` for a download failure."""
    return exception_kind(failure.value)
