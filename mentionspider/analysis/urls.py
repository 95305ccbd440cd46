"""URL and host helpers: registered domains, brand-domain tests, canonical URLs."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

import tldextract

__all__ = ["host_of", "normalize_host", "registered_domain", "site_of", "host_in_domains", "canonical_url",
           "is_http_url", "carried_hosts"]

# Built from the public suffix list that ships with tldextract: never goes online.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


# The host (and port) of a URL with no userinfo, IPv6 literal or escapes in it.
_PLAIN_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#@\[%:]*)(?::\d*)?(?=[/?#]|\Z)")


def host_of(url: str) -> str:
    """The lower-cased host of an absolute URL, without a trailing dot ("" if none).

    A regex fast path for the common case; ``urlsplit`` for userinfo and IPv6.
    """
    match = _PLAIN_AUTHORITY.match(url)
    if match:
        return match.group(1).lower().rstrip(".")
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def normalize_host(host: str) -> str:
    """Lower-case, strip a trailing dot and a leading ``www.``."""
    host = host.strip().lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """``blog.acme.co.uk`` -> ``acme.co.uk``; hosts without a public suffix stay whole."""
    host = host.strip().lower().rstrip(".")
    if not host:
        return ""
    result = _EXTRACT(host)
    # Unknown suffixes (".example", ".test", IPs) have no registered domain: use the
    # last two labels so that sub.site.example and site.example are one site.
    if result.domain and result.suffix:
        return f"{result.domain}.{result.suffix}"
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        return host
    return ".".join(labels[-2:])


def site_of(url: str) -> str:
    """The registered domain of ``url``'s host ("" when it has none)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return registered_domain(host)


def host_in_domains(host: str, domains: tuple[str, ...] | frozenset[str]) -> str | None:
    """The entry of ``domains`` that ``host`` is, or is a subdomain of (else None)."""
    if not domains:
        return None
    host = host.strip().lower().rstrip(".")
    for domain in domains:
        if host.endswith(domain) and (len(host) == len(domain) or host[-len(domain) - 1] == "."):
            return domain
    return None


def is_http_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def canonical_url(url: str) -> str:
    """Drop the fragment, lower-case scheme and host, drop default ports, ``/`` for an empty path."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}{':' + parts.password if parts.password else ''}@{host}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


_ARCHIVES = frozenset({"archive.org", "archive.ph", "archive.today", "archive.is"})
_CARRIED = re.compile(r"https?://([^/?#&:;,\s\"'<>]+)", re.I)


def carried_hosts(url: str) -> list[str]:
    """Hosts of the web addresses a URL carries in its path or query, lower-cased.

    Affiliate and tracking redirects take the destination as a parameter,
    percent-encoded once or twice (``go.skimresources.com/?url=https%3A%2F%2Fshop.com``,
    ``awin1.com/cread.php?...&p=https://shop.com/x``, ``prf.hn/click/.../destination:...``):
    a link through one of them is a link to that destination. An archived copy
    (``web.archive.org/web/2020/https://shop.com/``) is not: it carries nothing.
    """
    start = url.find("://")
    rest = url[start + 3:] if start >= 0 else url
    if "http" not in rest and "HTTP" not in rest:
        return []
    if registered_domain(host_of(url)) in _ARCHIVES:
        return []
    for _ in range(2):
        if "%" not in rest:
            break
        rest = unquote(rest)
    return [host.lower().rstrip(".") for host in _CARRIED.findall(rest)]
