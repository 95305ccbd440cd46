"""URL and host helpers: registered domains, brand-domain tests, canonical URLs."""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from typing import Final
from urllib.parse import unquote, urlsplit, urlunsplit

import tldextract

__all__ = ["host_of", "normalize_host", "registered_domain", "site_of", "host_in_domains",
           "canonical_url", "url_key", "origin_of", "is_home_page", "is_http_url",
           "carried_hosts", "malformed_reason", "MALFORMED_REASONS", "TRACKING_PARAMETERS",
           "TRACKING_PREFIXES", "INDEX_FILES"]

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


#: Query parameters that only track a visit (campaign tags, ad-click ids, mail-tool ids)
#: and never change what a page shows: dropped from every URL, as Firefox's query
#: stripping and ClearURLs do. Names are compared lower-cased; ``utm_*`` and ``hsa_*``
#: are prefixes.
TRACKING_PARAMETERS: Final = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "gad_source",  # Google Ads
    "fbclid", "igshid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",  # social, Bing
    "mc_cid", "mc_eid",  # Mailchimp
    "_ga", "_gl",  # Google Analytics cross-domain
    "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",  # HubSpot
    "mkt_tok",  # Marketo
    "oly_anon_id", "oly_enc_id",  # Omeda
    "vero_id", "vero_conv",  # Vero
    "wickedid", "rb_clickid", "s_kwcid", "ef_id", "srsltid", "_openstat"})
TRACKING_PREFIXES: Final = ("utm_", "hsa_")
#: Last path segments that name a directory's default page (``/blog/index.html`` is
#: ``/blog/``): folded in a URL's identity, never in the URL that is fetched.
INDEX_FILES: Final = frozenset({"index.html", "index.htm", "index.php", "index.shtml",
                                "index.asp", "index.aspx", "default.asp", "default.aspx",
                                "default.htm", "default.html"})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """The URL to fetch and store for ``url``: scheme and host lower-cased, a trailing dot
    and a default port dropped, ``/`` for an empty path, no fragment, tracking parameters
    (:data:`TRACKING_PARAMETERS`) removed and the remaining query sorted; percent-escapes
    and non-ASCII characters normalised by w3lib. Path and trailing slash are kept as
    they are: what a server answers for them is its own business (see :func:`url_key`)."""
    url = url.strip()
    plain = _PLAIN_AUTHORITY.match(url)
    if (plain and "?" not in url and "%" not in url and "#" not in url and url.isascii()
            and url[plain.end(1):plain.end(1) + 1] != ":" and url[:plain.end(1)].islower()
            and not plain.group(1).endswith(".")):
        return url if len(url) > plain.end(1) else url + "/"  # nothing to change: fast path
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    path, query = parts.path or "/", parts.query
    if "%" in path or "%" in query or not (path + query).isascii():
        from w3lib.url import canonicalize_url  # only for escapes: slower, and rare

        normalised = urlsplit(canonicalize_url(urlunsplit(("http", "x", path, query, ""))))
        path, query = normalised.path or "/", normalised.query
    if query:
        pairs = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
        query = "&".join(sorted(pairs))
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}{':' + parts.password if parts.password else ''}@{host}"
    return urlunsplit((scheme, host, path, query, ""))


@lru_cache(maxsize=65536)
def url_key(url: str) -> str:
    """The identity of the page at ``url``: its :func:`canonical_url` without the scheme,
    a leading ``www.``, a directory index file or a trailing slash, so that
    ``https://www.blog.example/post/index.html?utm_source=x`` and
    ``http://blog.example/post`` are one page. Used for the crawl's seen-set and the
    store's identities; never fetched."""
    canonical = canonical_url(url)
    rest = canonical.split("://", 1)[-1]
    host, _, tail = rest.partition("/")
    path, mark, query = tail.partition("?")
    if host.startswith("www."):
        host = host[4:]
    head, _, last = path.rpartition("/")
    if last.lower() in INDEX_FILES:
        path = head
    return f"{host}/{path.rstrip('/')}{mark}{query}"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a canonical URL."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


def is_home_page(url: str) -> bool:
    """The URL is a site's front page (``/``, ``/index.html``, with or without a query)."""
    return url_key(url).split("?", 1)[0].endswith("/")


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


#: Why a URL is not fetched: :func:`malformed_reason`'s answers and what they mean.
MALFORMED_REASONS = {
    "scheme": "not an http(s) URL",
    "control_chars": "control or bidirectional-text characters",
    "bad_port": "bad port",
    "bad_ipv6": "bad IPv6 address",
    "bad_host": "bad host name",
    "private_address": "a loopback, private or reserved address",
}
# Controls, DEL, and the bidi marks and overrides that make a URL read differently.
_CONTROL = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The common case: a plain ASCII host name, an optional port of at most five digits.
_PLAIN_URL = re.compile(r"https?://((?:[a-z0-9_-]+\.)*[a-z0-9_-]+)\.?(?::(\d{1,5}))?(?=[/?#]|\Z)",
                        re.I)
_LABEL = re.compile(r"[a-z0-9_-]{1,63}\Z")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def malformed_reason(url: str, *, private_ok: bool = True) -> str | None:
    """Why an absolute ``url`` must not be requested (a key of :data:`MALFORMED_REASONS`),
    or None when Scrapy can fetch it.

    Parses the way the crawler does (``urlsplit``, the port, IDNA for the host) but never
    raises: invalid ports (``:99999``), broken IPv6 literals (``http://[::1/``), control and
    bidi characters and schemes other than http(s) each get their own reason; with
    ``private_ok=False`` so do loopback, private and reserved addresses (``localhost``,
    ``10.0.0.1``, ``[::1]``), which a campaign's seeds must not name.
    """
    if _CONTROL.search(url):
        return "control_chars"
    match = _PLAIN_URL.match(url)
    if match:
        host, port = match.group(1).lower(), match.group(2)
        if port is not None and not 0 < int(port) < 65536:
            return "bad_port"
        return _host_reason(host, private_ok)
    if not url[:8].lower().startswith(("http://", "https://")):
        return "scheme"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return "bad_ipv6" if "IPv6" in str(exc) else "bad_port"
    if port == 0:
        return "bad_port"
    netloc = parts.netloc.rpartition("@")[2]
    host = (parts.hostname or "").rstrip(".")
    if netloc.startswith("["):
        try:
            address = ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return "bad_ipv6"
        return None if address.is_global or private_ok else "private_address"
    if not host:
        return "bad_host"
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        return "bad_host"
    return _host_reason(ascii_host, private_ok)


def _host_reason(host: str, private_ok: bool) -> str | None:
    host = host.rstrip(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in host.split(".")):
        return "bad_host"
    if not private_ok and (host in _LOCAL_NAMES or host.endswith(".localhost")):
        return "private_address"
    last = host.rsplit(".", 1)[-1]
    if last.isdigit() or host.startswith("0x"):  # an IPv4 address, maybe written oddly
        try:
            address = ipaddress.IPv4Address(host)
        except ValueError:
            return _odd_ipv4_reason(host, private_ok)
        return None if address.is_global or private_ok else "private_address"
    return None


def _odd_ipv4_reason(host: str, private_ok: bool) -> str:
    """A host such as ``2130706433``, ``0x7f.1``, ``0177.0.0.1`` or ``127.1``: not a valid
    name, so never fetched as a link, but the system resolver reads it as an IPv4 address
    (``inet_aton``), so it is refused as private when it means one."""
    try:
        address = ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return "bad_host"
    return "bad_host" if address.is_global or private_ok else "private_address"
