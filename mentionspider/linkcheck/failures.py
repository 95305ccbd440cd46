"""Name the network failure behind a Twisted ``Failure`` (dns, refused, timeout...)."""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.internet import error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

__all__ = ["failure_kind"]

_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((error.DNSLookupError,), "dns"),
    ((error.ConnectionRefusedError,), "refused"),
    ((error.TimeoutError, error.TCPTimedOutError), "timeout"),
    ((TunnelError,), "proxy"),
    ((ResponseNeverReceived, ResponseFailed, error.ConnectionLost, error.ConnectionDone),
     "connection"),
    ((error.ConnectError,), "connect"),
)


def failure_kind(failure: Failure) -> tuple[str, str]:
    """``(kind, message)`` for a download failure."""
    exc = failure.value
    message = str(exc) or type(exc).__name__
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in message:
            return "robots", message
        return ("redirect_loop" if "max redirections" in message else "ignored"), message
    if isinstance(exc, DownloadCancelledError) and "max size" in message:
        return "too_big", message
    for types, kind in _KINDS:
        if isinstance(exc, types):
            if kind == "connection" and "SSL" in repr(exc):
                return "tls", message
            return kind, message
    if "SSL" in type(exc).__name__ or "ssl" in message.lower():
        return "tls", message
    return "error", message
