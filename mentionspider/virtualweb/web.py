"""The virtual web's model: hosts, routes and how a request maps to an answer.

Pure data, no I/O except :func:`load_web`, which reads a directory.

Directory layout read by :func:`load_web`::

    WEB_DIR/
      routes.toml              optional: special answers, host flags
      sites/<host>/<path>      files served as pages

A file ``sites/<host>/a/b.html`` answers ``/a/b.html`` and ``/a/b``; an
``index.html`` answers its directory path (``/`` or ``/a/``) and its own path;
any other file (``robots.txt``, ``sitemap.xml``) answers its own path.
The content type comes from the file extension (html: ``text/html;
charset=utf-8``). A request for ``/a`` when only ``/a/`` exists is redirected
(301) to ``/a/``, as real servers do.

``routes.toml``::

    [hosts."shop.example"]            # host flags, all optional
    aliases = ["www.shop.example"]    # other names for the same site
    soft404 = false                   # unknown paths answer 200 with a generic page
    redirect_unknown_to_home = false  # unknown paths answer 301 -> "/"
    refused = false                   # 503 X-Squid-Error: ERR_CONNECT_FAIL 111
    timeout = false                   # accept and never answer
    delay = 0.0                       # seconds added to every answer
    not_found = { status = 404, file = "notfound.html" }  # answer for unknown paths

    [hosts."shop.example".all]        # answer EVERY path (robots.txt too) with this
    status = 403
    headers = { "cf-mitigated" = "challenge" }

    [hosts."shop.example".paths."/moved"]   # one path (may include "?query")
    status = 301
    location = "/gone-for-good"

    [hosts."shop.example".paths."/flaky"]
    sequence = [                      # served in turn per request, last repeats
      { status = 429, headers = { "Retry-After" = "1" } },
      { status = 200, body = "<p>ok</p>" },
    ]

Route keys: ``status`` (int, default 200), ``body`` (str), ``file`` (path
relative to ``sites/<host>/`` first, then to WEB_DIR), ``headers`` (table),
``content_type``, ``delay`` (seconds), ``location``, ``head_status`` (status
for HEAD only, e.g. 405), ``sequence`` (array of route tables), ``reset``
(drop the connection with a TCP reset), ``close`` (close it without
answering), ``hang`` (never answer). A path table for a path that is also a
file keeps the file as its body unless it gives ``body`` or ``file``.

A host may instead be a fake search API (``[hosts."searx.example".searxng]`` or
``[hosts."brave.example".brave]``): it answers every request from the web's own
pages in the service's JSON format; see :mod:`mentionspider.virtualweb.searchapis`.

Hosts not in the web answer as Squid does when DNS fails: 503 with
``X-Squid-Error: ERR_DNS_FAIL 0``.
"""

from __future__ import annotations

import mimetypes
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote

__all__ = [
    "CONNECT_FAIL",
    "DNS_FAIL",
    "Host",
    "Route",
    "Web",
    "WebConfigError",
    "load_web",
    "normalize_host",
]

HTML = "text/html; charset=utf-8"


class WebConfigError(ValueError):
    """A web directory or routes.toml is invalid."""


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _default_body(status: int, location: str | None) -> bytes:
    """A small HTML page for a status that was given no body."""
    if status in (204, 304) or 100 <= status < 200:
        return b""
    reason = escape(_reason(status))
    extra = ""
    if location:
        href = escape(location, quote=True)
        extra = f'<p>The document has moved <a href="{href}">here</a>.</p>'
    return (
        f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
        f"<body><h1>{reason}</h1>{extra}</body></html>\n"
    ).encode()


@dataclass(eq=False)
class Route:
    """One answer: status, body, headers, plus misbehaviours.

    ``sequence`` routes are served in turn, one per request, the last one
    repeating. ``reset``/``close``/``hang`` drop, close or stall the
    connection instead of answering.
    """

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    location: str | None = None
    head_status: int | None = None
    sequence: list[Route] | None = None
    reset: bool = False
    close: bool = False
    hang: bool = False
    _wire: dict[tuple[bool, bool], bytes] = field(default_factory=dict, init=False, repr=False)
    _head_route: Route | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.body, str):
            self.body = self.body.encode()
        if not self.body and not self.sequence:
            self.body = _default_body(self.status, self.location)
        lower = {k.lower() for k in self.headers}
        if "content-type" not in lower and self.body:
            self.headers = {"Content-Type": HTML, **self.headers}
        if self.location is not None and "location" not in lower:
            self.headers = {**self.headers, "Location": self.location}
        if self.sequence is not None and not self.sequence:
            raise WebConfigError("a route's sequence must not be empty")

    @property
    def drops(self) -> bool:
        """True when this route answers nothing (reset, close or hang)."""
        return self.reset or self.close or self.hang

    def for_method(self, method: str) -> Route:
        """The route that answers ``method`` (differs for HEAD with head_status)."""
        if method != "HEAD" or self.head_status is None:
            return self
        if self._head_route is None:
            headers = {"Allow": "GET"} if self.head_status == 405 else {}
            self._head_route = Route(status=self.head_status, headers=headers)
        return self._head_route

    def render(self, head: bool, close: bool) -> bytes:
        """The full answer on the wire (headers only when ``head``), cached."""
        key = (head, close)
        cached = self._wire.get(key)
        if cached is None:
            body = self.body
            assert isinstance(body, bytes)
            lines = [f"HTTP/1.1 {self.status} {_reason(self.status)}", "Server: virtualweb"]
            lines += [f"{k}: {v}" for k, v in self.headers.items()]
            if not any(k.lower() == "content-length" for k in self.headers):
                lines.append(f"Content-Length: {len(body)}")
            if close:
                lines.append("Connection: close")
            cached = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
            if not head:
                cached += body
            self._wire[key] = cached
        return cached


def _squid(error: str) -> Route:
    body = (
        "<!DOCTYPE html><html><head><title>ERROR: The requested URL could not be retrieved"
        f"</title></head><body><h1>ERROR</h1><p>{error.split()[0]}</p></body></html>\n"
    )
    return Route(status=503, body=body, headers={"X-Squid-Error": error, "Mime-Version": "1.0"})


DNS_FAIL = _squid("ERR_DNS_FAIL 0")
"""The answer for a host that does not exist (Squid's DNS failure)."""
CONNECT_FAIL = _squid("ERR_CONNECT_FAIL 111")
"""The answer for a host that refuses connections (Squid's ECONNREFUSED)."""
HANG = Route(hang=True)

NOT_FOUND_BODY = (
    "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
    "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>"
    "</body></html>\n"
)
SOFT_404_BODY = (
    "<!DOCTYPE html><html><head><title>Page not available</title></head><body>"
    '<header><a href="/">Home</a></header><main><h1>Oops!</h1>'
    "<p>Sorry, we couldn't find the page you were looking for. "
    'Try our <a href="/">home page</a>.</p></main></body></html>\n'
)


def normalize_host(host: str) -> str:
    """Lower-case ``host``, drop its port and a trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


@dataclass(eq=False)
class Host:
    """One site: its routes, what unknown paths answer, and host-level failures."""

    name: str
    routes: dict[str, Route] = field(default_factory=dict)
    not_found: Route = field(default_factory=lambda: Route(status=404, body=NOT_FOUND_BODY))
    all: Route | None = None
    refused: bool = False
    timeout: bool = False
    delay: float = 0.0
    #: Answers every request itself (a fake search API): (target, headers) -> Route.
    handler: Callable[[str, dict[str, str]], Route] | None = None

    def lookup(self, target: str, headers: dict[str, str] | None = None) -> Route:
        """The route for a request target (path with optional query)."""
        if self.timeout:
            return HANG
        if self.refused:
            return CONNECT_FAIL
        if self.all is not None:
            return self.all
        if self.handler is not None:
            return self.handler(target, headers or {})
        routes = self.routes
        route = routes.get(target)
        if route is not None:
            return route
        path, sep, _ = target.partition("?")
        if sep:
            route = routes.get(path)
            if route is not None:
                return route
        if "%" in path:
            route = routes.get(unquote(path))
            if route is not None:
                return route
        if not path.endswith("/") and path + "/" in routes:
            return Route(status=301, location=path + "/")
        return self.not_found


def _content_type(path: str) -> str:
    if path.endswith(("/", ".html", ".htm")):
        return HTML
    guessed, _ = mimetypes.guess_type(path)
    if guessed is None:
        return HTML if "." not in path.rsplit("/", 1)[-1] else "application/octet-stream"
    if guessed.startswith("text/") or guessed in (
        "application/json",
        "application/xml",
        "application/javascript",
    ):
        return f"{guessed}; charset=utf-8"
    return guessed


class Web:
    """Hosts and their routes; resolves a request to the answer to send.

    Build one in code (``add_page``, ``add_route``, ``add_host``) or from a
    directory with :func:`load_web`.
    """

    def __init__(self) -> None:
        self._hosts: dict[str, Host] = {}
        self._turns: dict[int, int] = {}

    def __contains__(self, host: str) -> bool:
        return normalize_host(host) in self._hosts

    @property
    def hosts(self) -> list[str]:
        """All host names (aliases included), sorted."""
        return sorted(self._hosts)

    def host(self, name: str) -> Host | None:
        """The :class:`Host` answering for ``name``, or None if it does not exist."""
        host = self._hosts.get(name)
        if host is None:
            host = self._hosts.get(normalize_host(name))
        return host

    def add_host(
        self,
        name: str,
        *,
        soft404: bool = False,
        redirect_unknown_to_home: bool = False,
        refused: bool = False,
        timeout: bool = False,
        all: Route | None = None,
        not_found: Route | None = None,
        delay: float = 0.0,
        aliases: tuple[str, ...] | list[str] = (),
    ) -> Host:
        """Create (or update the flags of) a host and return it."""
        key = normalize_host(name)
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = Host(name=key)
        if not_found is not None:
            host.not_found = not_found
        elif soft404:
            host.not_found = Route(body=SOFT_404_BODY)
        elif redirect_unknown_to_home:
            host.not_found = Route(status=301, location="/")
        host.refused, host.timeout, host.all, host.delay = refused, timeout, all, delay
        for alias in aliases:
            self._hosts[normalize_host(alias)] = host
        return host

    def _get_or_add(self, name: str) -> Host:
        return self._hosts.get(normalize_host(name)) or self.add_host(name)

    def add_route(self, host: str, path: str, route: Route) -> Route:
        """Answer ``path`` (may include ``?query``) on ``host`` with ``route``."""
        if not path.startswith("/"):
            raise WebConfigError(f"path must start with '/': {path!r}")
        self._get_or_add(host).routes[path] = route
        return route

    def add_page(
        self,
        host: str,
        path: str,
        content: str | bytes,
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Route:
        """Serve ``content`` at ``path``; content type guessed from the path."""
        merged = {"Content-Type": content_type or _content_type(path), **(headers or {})}
        return self.add_route(host, path, Route(status=status, body=content, headers=merged))

    def add_handler(self, host: str, handler: Callable[[str, dict[str, str]], Route]) -> Host:
        """Let ``handler`` answer every request to ``host`` (e.g. a fake search API)."""
        site = self._get_or_add(host)
        site.handler = handler
        return site

    def resolve(self, host: str, target: str,
                headers: dict[str, str] | None = None) -> tuple[Host | None, Route]:
        """The host (None if unknown) and route answering ``target`` on ``host``
        (``headers``, names lower-cased, go to a host's handler).

        Sequences are not advanced here; see :meth:`next_route`.
        """
        site = self._hosts.get(host)
        if site is None:
            site = self._hosts.get(normalize_host(host))
            if site is None:
                return None, DNS_FAIL
        return site, site.lookup(target or "/", headers)

    def next_route(self, route: Route) -> Route:
        """Advance ``route``'s sequence, if any, and return the route to serve now."""
        sequence = route.sequence
        if not sequence:
            return route
        key = id(route)
        turn = self._turns.get(key, 0)
        self._turns[key] = turn + 1
        return self.next_route(sequence[min(turn, len(sequence) - 1)])

    def reset_sequences(self) -> None:
        """Start every sequence (and every handler's script) again from its first answer."""
        self._turns.clear()
        for host in self._hosts.values():
            reset = getattr(host.handler, "reset", None)
            if reset is not None:
                reset()


# -- loading a directory -----------------------------------------------------

_ROUTE_KEYS = {
    "status",
    "body",
    "file",
    "headers",
    "content_type",
    "delay",
    "location",
    "head_status",
    "sequence",
    "reset",
    "close",
    "hang",
}
_HOST_KEYS = {
    "aliases",
    "soft404",
    "redirect_unknown_to_home",
    "refused",
    "timeout",
    "delay",
    "not_found",
    "all",
    "paths",
    "searxng",
    "brave",
}


def _file_paths(rel: str) -> list[str]:
    """The request paths a file at ``rel`` (relative, posix) answers."""
    paths = ["/" + rel]
    name = rel.rsplit("/", 1)[-1]
    parent = rel[: -len(name)]
    if name in ("index.html", "index.htm"):
        paths.insert(0, "/" + parent)
    elif name.endswith((".html", ".htm")):
        paths.append("/" + rel.rsplit(".", 1)[0])
    return paths


def _route_from_table(
    table: dict[str, Any], *, where: str, root: Path, site_dir: Path, base: Route | None = None
) -> Route:
    unknown = set(table) - _ROUTE_KEYS
    if unknown:
        raise WebConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    body: bytes | str = b""
    content_type = table.get("content_type")
    headers: dict[str, str] = {}
    if base is not None and "body" not in table and "file" not in table:
        body = base.body
        headers = {k: v for k, v in base.headers.items() if k.lower() == "content-type"}
    if "body" in table:
        body = str(table["body"])
    if "file" in table:
        name = str(table["file"])
        for candidate in (site_dir / name, root / name):
            if candidate.is_file():
                body = candidate.read_bytes()
                content_type = content_type or _content_type(name)
                break
        else:
            raise WebConfigError(f"{where}: file not found: {name}")
    if content_type:
        headers["Content-Type"] = str(content_type)
    headers.update({str(k): str(v) for k, v in dict(table.get("headers", {})).items()})
    sequence = None
    if "sequence" in table:
        sequence = [
            _route_from_table(item, where=f"{where} sequence[{i}]", root=root, site_dir=site_dir)
            for i, item in enumerate(table["sequence"])
        ]
    try:
        return Route(
            status=int(table.get("status", 200)),
            body=body,
            headers=headers,
            delay=float(table.get("delay", 0.0)),
            location=table.get("location"),
            head_status=table.get("head_status"),
            sequence=sequence,
            reset=bool(table.get("reset", False)),
            close=bool(table.get("close", False)),
            hang=bool(table.get("hang", False)),
        )
    except WebConfigError as exc:
        raise WebConfigError(f"{where}: {exc}") from None


def load_web(directory: str | Path) -> Web:
    """Read a web directory (``sites/<host>/...`` plus ``routes.toml``) into a :class:`Web`."""
    root = Path(directory)
    if not root.is_dir():
        raise WebConfigError(f"not a directory: {root}")
    web = Web()
    sites = root / "sites"
    if sites.is_dir():
        for site_dir in sorted(p for p in sites.iterdir() if p.is_dir()):
            host = site_dir.name
            web.add_host(host)
            for file in sorted(p for p in site_dir.rglob("*") if p.is_file()):
                rel = file.relative_to(site_dir).as_posix()
                content = file.read_bytes()
                for path in _file_paths(rel):
                    web.add_page(host, path, content, content_type=_content_type(rel))
    config_file = root / "routes.toml"
    if config_file.is_file():
        try:
            config = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WebConfigError(f"{config_file}: {exc}") from None
        unknown = set(config) - {"hosts"}
        if unknown:
            raise WebConfigError(f"{config_file}: unknown key(s) {', '.join(sorted(unknown))}")
        for name, table in config.get("hosts", {}).items():
            _apply_host(web, root, name, table, where=f"{config_file.name} [hosts.{name!r}]")
    return web


def _apply_host(web: Web, root: Path, name: str, table: dict[str, Any], *, where: str) -> None:
    unknown = set(table) - _HOST_KEYS
    if unknown:
        raise WebConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    site_dir = root / "sites" / name

    def route(key: str) -> Route | None:
        if key not in table:
            return None
        return _route_from_table(table[key], where=f"{where} {key}", root=root, site_dir=site_dir)

    host = web.add_host(
        name,
        soft404=bool(table.get("soft404", False)),
        redirect_unknown_to_home=bool(table.get("redirect_unknown_to_home", False)),
        refused=bool(table.get("refused", False)),
        timeout=bool(table.get("timeout", False)),
        all=route("all"),
        not_found=route("not_found"),
        delay=float(table.get("delay", 0.0)),
        aliases=list(table.get("aliases", [])),
    )
    for kind in ("searxng", "brave"):
        if kind in table:
            from .searchapis import build_fake

            web.add_handler(name, build_fake(kind, web, dict(table[kind])))
    for path, path_table in table.get("paths", {}).items():
        base = host.routes.get(path)
        web.add_route(
            name,
            path,
            _route_from_table(
                path_table, where=f"{where} {path}", root=root, site_dir=site_dir, base=base
            ),
        )
