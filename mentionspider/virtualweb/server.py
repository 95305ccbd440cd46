"""The virtual web's server: an asyncio forward proxy answering for every host of a :class:`Web`.

Clients reach it as an HTTP proxy (``http_proxy``/``https_proxy``):
absolute-form requests for http, ``CONNECT host:443`` then TLS (self-signed
certificate) for https. Origin-form requests with a ``Host`` header work too,
so a client can talk to it directly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from ._tls import server_context
from .web import CONNECT_FAIL, DNS_FAIL, Route, Web, load_web, normalize_host

__all__ = ["LoggedRequest", "ProxyServer", "VirtualWeb", "VirtualWebProcess", "proxy_env"]

logger = logging.getLogger(__name__)

_BAD_REQUEST = Route(status=400)
_TOO_LARGE = Route(status=431)
_ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"
_RST = struct.pack("ii", 1, 0)


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the virtual web received.

    ``status`` is None when the route dropped or stalled the connection.
    CONNECT requests are logged too, with ``path`` set to the tunnel target
    (``host:port``).
    """

    method: str
    scheme: str
    host: str
    path: str
    user_agent: str
    time: float
    status: int | None
    headers: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def url(self) -> str:
        """The absolute URL requested (for CONNECT, ``https://host:port``)."""
        if self.method == "CONNECT":
            return f"https://{self.path}"
        return f"{self.scheme}://{self.host}{self.path}"


class ProxyServer:
    """The asyncio side: serves a :class:`Web` and logs every request.

    Use :class:`VirtualWeb` to run it in a thread; use :meth:`listen` to run it
    in your own event loop. ``keep_log=False`` keeps no log in memory (long
    benchmarks); ``on_request`` is called with every :class:`LoggedRequest`.
    """

    def __init__(
        self,
        web: Web,
        *,
        ssl_context: ssl.SSLContext | None = None,
        on_request: Callable[[LoggedRequest], None] | None = None,
        keep_log: bool = True,
    ) -> None:
        self.web = web
        self.log: list[LoggedRequest] = []
        self.keep_log = keep_log
        self.on_request = on_request
        self._ssl_context = ssl_context
        self._tasks: set[asyncio.Task[None]] = set()
        #: Requests being answered right now, and the most at once, per host.
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}

    @property
    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context for tunnels, created on first use."""
        if self._ssl_context is None:
            self._ssl_context = server_context(self.web.hosts)
        return self._ssl_context

    async def listen(self, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
        """Start listening; returns the asyncio server (port 0 picks a free port)."""
        return await asyncio.start_server(self._handle, host, port, backlog=1024)

    async def close_connections(self) -> None:
        """Cancel every open connection (call after closing the server)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _record(
        self,
        method: str,
        scheme: str,
        host: str,
        path: str,
        headers: dict[str, str],
        status: int | None,
    ) -> None:
        if not self.keep_log and self.on_request is None:
            return
        entry = LoggedRequest(
            method, scheme, host, path, headers.get("user-agent", ""), time.time(), status, headers
        )
        if self.keep_log:
            self.log.append(entry)
        if self.on_request is not None:
            self.on_request(entry)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer, "http", "")
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            ssl.SSLError,
            asyncio.CancelledError,
            OSError,
        ):
            pass
        except Exception:  # pragma: no cover - a bug; keep serving other connections
            logger.exception("virtualweb: error while serving a connection")
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        scheme: str,
        tunnel_host: str,
    ) -> None:
        web = self.web
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            except asyncio.LimitOverrunError:
                writer.write(_TOO_LARGE.render(False, True))
                await writer.drain()
                return
            lines = head.decode("latin-1").split("\r\n")
            request_line = lines[0] or (lines[1] if len(lines) > 1 else "")
            parts = request_line.split(" ")
            if len(parts) != 3:
                writer.write(_BAD_REQUEST.render(False, True))
                await writer.drain()
                return
            method, target, version = parts
            headers: dict[str, str] = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            length = headers.get("content-length")
            if length:
                await reader.readexactly(int(length))
            elif "chunked" in headers.get("transfer-encoding", "").lower():
                await _skip_chunked(reader)

            if method == "CONNECT":
                if scheme == "https":
                    writer.write(_BAD_REQUEST.render(False, True))
                    await writer.drain()
                    return
                await self._connect(reader, writer, target, headers)
                return

            if target.startswith("/"):
                host, path, req_scheme = headers.get("host") or tunnel_host, target, scheme
            elif "://" in target:
                req_scheme, _, rest = target.partition("://")
                req_scheme = req_scheme.lower()
                host, slash, path = rest.partition("/")
                path = slash + path
                if "?" in host:
                    host, _, query = host.partition("?")
                    path = "/?" + query
                path = path or "/"
            else:
                writer.write(_BAD_REQUEST.render(False, True))
                await writer.drain()
                return
            host = normalize_host(host.rpartition("@")[2])
            connection = headers.get("connection") or headers.get("proxy-connection") or ""
            close = version != "HTTP/1.1" or "close" in connection.lower()

            site, route = web.resolve(host, path, headers)
            route = web.next_route(route).for_method(method)
            self._record(
                method, req_scheme, host, path, headers, None if route.drops else route.status
            )
            delay = route.delay + (site.delay if site is not None else 0.0)
            now = self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.max_in_flight[host] = max(now, self.max_in_flight.get(host, 0))
            try:
                if delay:
                    await asyncio.sleep(delay)
                if route.drops:
                    await _drop(reader, writer, route)
                    return
                writer.write(route.render(method == "HEAD", close))
                await writer.drain()
            finally:
                self.in_flight[host] -= 1
            if close:
                return

    async def _connect(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        target: str,
        headers: dict[str, str],
    ) -> None:
        host = normalize_host(target)
        site = self.web.host(host)
        if site is None or site.refused:
            answer = DNS_FAIL if site is None else CONNECT_FAIL
            self._record("CONNECT", "https", host, target, headers, answer.status)
            writer.write(answer.render(False, True))
            await writer.drain()
            return
        if site.timeout:
            self._record("CONNECT", "https", host, target, headers, None)
            await _drop(reader, writer, Route(hang=True))
            return
        self._record("CONNECT", "https", host, target, headers, 200)
        writer.write(_ESTABLISHED)
        await writer.drain()
        await writer.start_tls(self.ssl_context)
        await self._serve(reader, writer, "https", host)


async def _skip_chunked(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return
        await reader.readexactly(size + 2)


async def _drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, route: Route) -> None:
    """Reset, close or stall the connection instead of answering."""
    if route.hang:
        while await reader.read(65536):
            pass
        return
    if route.reset:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RST)
            except OSError:
                pass
        writer.transport.abort()


class VirtualWeb:
    """A :class:`ProxyServer` running in a background thread.

    ``web`` is a :class:`Web` or a web directory (see :func:`load_web`).

    >>> with VirtualWeb(web) as vw:          # doctest: +SKIP
    ...     os.environ.update(proxy_env(vw.url))
    ...     ...
    ...     assert [r.path for r in vw.requests if r.method == "HEAD"] == ["/x"]
    """

    def __init__(
        self,
        web: Web | str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        keep_log: bool = True,
    ) -> None:
        self.web = web if isinstance(web, Web) else load_web(web)
        self.server = ProxyServer(self.web, keep_log=keep_log)
        self._bind = (host, port)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def url(self) -> str:
        """The proxy URL, ``http://127.0.0.1:PORT`` (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("VirtualWeb is not started")
        return f"http://{self._bind[0]}:{self._port}"

    @property
    def port(self) -> int:
        """The port listened on (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("VirtualWeb is not started")
        return self._port

    @property
    def requests(self) -> list[LoggedRequest]:
        """A copy of the request log, oldest first."""
        return list(self.server.log)

    @property
    def max_in_flight(self) -> dict[str, int]:
        """The most requests answered at the same time, per host (since the start)."""
        return dict(self.server.max_in_flight)

    def clear_log(self) -> None:
        """Forget the requests logged so far."""
        self.server.log.clear()

    def reset(self) -> None:
        """Clear the log and restart every route sequence."""
        self.clear_log()
        self.web.reset_sequences()

    def start(self) -> str:
        """Start serving in a daemon thread; returns the proxy URL."""
        if self._thread is not None:
            return self.url
        _ = self.server.ssl_context  # generate the certificate before serving
        ready = threading.Event()
        failure: list[OSError] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, failure), name="virtualweb", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self.url

    def _run(self, ready: threading.Event, failure: list[OSError]) -> None:
        loop = self._loop = asyncio.new_event_loop()
        try:
            server = loop.run_until_complete(self.server.listen(*self._bind))
        except OSError as exc:  # e.g. the port is taken: re-raised by start()
            failure.append(exc)
            ready.set()
            loop.close()
            return
        self._port = server.sockets[0].getsockname()[1]
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.run_until_complete(self.server.close_connections())
            loop.run_until_complete(server.wait_closed())
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    def stop(self) -> None:
        """Stop serving and close every connection."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._port = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def proxy_env(url: str) -> dict[str, str]:
    """Environment variables that send http and https traffic through ``url``."""
    return {
        "http_proxy": url,
        "https_proxy": url,
        "HTTP_PROXY": url,
        "HTTPS_PROXY": url,
        "no_proxy": "",
        "NO_PROXY": "",
    }


class VirtualWebProcess:
    """The virtual web in a subprocess (``python -m mentionspider.virtualweb``).

    Keeps the proxy off the caller's GIL, e.g. for benchmarks. ``url`` is the
    proxy URL once started; ``access_log`` (if given) receives one JSON object
    per request.
    """

    def __init__(
        self,
        web_dir: str | Path | None = None,
        *,
        port: int = 0,
        access_log: str | Path | None = None,
        extra_args: Iterable[str] = (),
    ) -> None:
        self.args = [sys.executable, "-m", "mentionspider.virtualweb"]
        if web_dir is not None:
            self.args.append(str(web_dir))
        self.args += ["--port", str(port)]
        if access_log is not None:
            self.args += ["--access-log", str(access_log)]
        self.args += list(extra_args)
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> str:
        """Start the subprocess and wait for its proxy URL."""
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True, env=env)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"virtualweb subprocess failed to start: {line!r}")
        self.url = line
        return line

    def stop(self) -> None:
        """Terminate the subprocess."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def log_line(entry: LoggedRequest) -> str:
    """One request as a JSON line (for the subprocess access log)."""
    data = asdict(entry)
    data.pop("headers")
    return json.dumps(data, separators=(",", ":"))
