"""The virtual web: a forward proxy answering for made-up hosts, checked with the standard library."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentionspider.virtualweb import (
    Route,
    VirtualWeb,
    VirtualWebProcess,
    Web,
    WebConfigError,
    load_web,
    normalize_host,
    sample_web_dir,
)


def build_web() -> Web:
    web = Web()
    web.add_page("site.example", "/", "<h1>Home</h1>")
    web.add_page("site.example", "/robots.txt", "User-agent: *\nDisallow: /private/\n")
    web.add_page("site.example", "/search?q=widgets", "<p>results</p>")
    web.add_page("site.example", "/search", "<p>search form</p>")
    web.add_route("site.example", "/gone", Route(status=410))
    web.add_route("site.example", "/moved", Route(status=301, location="/new"))
    web.add_route("site.example", "/no-head", Route(body="<p>get works</p>", head_status=405))
    web.add_route(
        "site.example",
        "/busy",
        Route(
            sequence=[Route(status=429, headers={"Retry-After": "1"}), Route(body="<p>ok now</p>")]
        ),
    )
    web.add_route("site.example", "/reset", Route(reset=True))
    web.add_route("site.example", "/slow", Route(body="late", delay=0.2))
    web.add_host("soft.example", soft404=True)
    web.add_host("home.example", redirect_unknown_to_home=True)
    web.add_host("refused.example", refused=True)
    web.add_host("blocked.example", all=Route(status=403, headers={"cf-mitigated": "challenge"}))
    return web


@pytest.fixture(scope="module")
def vw() -> Iterator[VirtualWeb]:
    with VirtualWeb(build_web()) as server:
        yield server


@pytest.fixture
def proxy(vw: VirtualWeb) -> VirtualWeb:
    vw.reset()
    return vw


def fetch(vw: VirtualWeb, url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """GET/HEAD ``url`` through the proxy with urllib, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": vw.url}), NoRedirect)
    request = urllib.request.Request(url, method=method, headers={"User-Agent": "test-agent/1.0"})
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def https_connection(vw: VirtualWeb, host: str) -> http.client.HTTPSConnection:
    conn = http.client.HTTPSConnection(
        "127.0.0.1", vw.port, timeout=5, context=ssl._create_unverified_context()
    )
    conn.set_tunnel(host, 443)
    return conn


def test_page(proxy: VirtualWeb) -> None:
    status, headers, body = fetch(proxy, "http://site.example/")
    assert (status, body) == (200, b"<h1>Home</h1>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == "13"


def test_host_matching_ignores_case_trailing_dot_and_port(proxy: VirtualWeb) -> None:
    assert fetch(proxy, "http://SITE.Example.:8080/")[2] == b"<h1>Home</h1>"
    assert normalize_host("WWW.Example.COM.:443") == "www.example.com"
    assert normalize_host("[::1]:80") == "[::1]"


def test_robots_txt(proxy: VirtualWeb) -> None:
    status, headers, body = fetch(proxy, "http://site.example/robots.txt")
    assert (status, body) == (200, b"User-agent: *\nDisallow: /private/\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_query_string_exact_match_then_path(proxy: VirtualWeb) -> None:
    assert fetch(proxy, "http://site.example/search?q=widgets")[2] == b"<p>results</p>"
    assert fetch(proxy, "http://site.example/search?q=other")[2] == b"<p>search form</p>"


def test_default_404(proxy: VirtualWeb) -> None:
    status, headers, body = fetch(proxy, "http://site.example/nope")
    assert status == 404
    assert b"<h1>Not Found</h1>" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_410(proxy: VirtualWeb) -> None:
    status, _, body = fetch(proxy, "http://site.example/gone")
    assert status == 410
    assert b"Gone" in body


def test_redirect_location(proxy: VirtualWeb) -> None:
    status, headers, _ = fetch(proxy, "http://site.example/moved")
    assert (status, headers["Location"]) == (301, "/new")


def test_soft404_and_redirect_unknown_hosts(proxy: VirtualWeb) -> None:
    status, _, body = fetch(proxy, "http://soft.example/any/thing")
    assert status == 200 and b"couldn't find" in body
    status, headers, _ = fetch(proxy, "http://home.example/any/thing")
    assert (status, headers["Location"]) == (301, "/")


def test_head_has_headers_only(proxy: VirtualWeb) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    conn.request("HEAD", "http://site.example/", headers={"User-Agent": "head-agent"})
    response = conn.getresponse()
    assert (response.status, response.getheader("Content-Length"), response.read()) == (
        200,
        "13",
        b"",
    )
    conn.request("GET", "http://site.example/")  # same connection: keep-alive after HEAD
    assert conn.getresponse().read() == b"<h1>Home</h1>"
    conn.close()
    assert [(r.method, r.path, r.user_agent) for r in proxy.requests] == [
        ("HEAD", "/", "head-agent"),
        ("GET", "/", ""),  # http.client sends no User-Agent
    ]


def test_head_status(proxy: VirtualWeb) -> None:
    status, headers, body = fetch(proxy, "http://site.example/no-head", method="HEAD")
    assert (status, headers["Allow"], body) == (405, "GET", b"")
    assert fetch(proxy, "http://site.example/no-head")[:3:2] == (200, b"<p>get works</p>")


def test_sequence_429_then_200(proxy: VirtualWeb) -> None:
    status, headers, _ = fetch(proxy, "http://site.example/busy")
    assert (status, headers["Retry-After"]) == (429, "1")
    assert fetch(proxy, "http://site.example/busy")[:3:2] == (200, b"<p>ok now</p>")
    assert fetch(proxy, "http://site.example/busy")[0] == 200  # the last answer repeats
    proxy.reset()
    assert fetch(proxy, "http://site.example/busy")[0] == 429


def test_unknown_host_is_dns_failure(proxy: VirtualWeb) -> None:
    status, headers, _ = fetch(proxy, "http://deadwidgets.example/")
    assert (status, headers["X-Squid-Error"]) == (503, "ERR_DNS_FAIL 0")


def test_refused_host(proxy: VirtualWeb) -> None:
    status, headers, _ = fetch(proxy, "http://refused.example/")
    assert (status, headers["X-Squid-Error"]) == (503, "ERR_CONNECT_FAIL 111")


def test_host_answering_everything(proxy: VirtualWeb) -> None:
    status, headers, _ = fetch(proxy, "http://blocked.example/robots.txt")
    assert (status, headers["cf-mitigated"]) == (403, "challenge")


def test_https_via_connect(proxy: VirtualWeb) -> None:
    conn = https_connection(proxy, "site.example")
    conn.request("GET", "/", headers={"User-Agent": "tls-agent"})
    response = conn.getresponse()
    assert (response.status, response.read()) == (200, b"<h1>Home</h1>")
    conn.request("GET", "/gone")  # keep-alive inside the tunnel
    response = conn.getresponse()
    assert response.status == 410
    response.read()
    conn.close()
    assert [(r.method, r.scheme, r.host, r.path) for r in proxy.requests] == [
        ("CONNECT", "https", "site.example", "site.example:443"),
        ("GET", "https", "site.example", "/"),
        ("GET", "https", "site.example", "/gone"),
    ]
    assert proxy.requests[1].url == "https://site.example/"
    assert proxy.requests[1].user_agent == "tls-agent"


def test_connect_to_unknown_host_fails_like_squid(proxy: VirtualWeb) -> None:
    conn = https_connection(proxy, "deadwidgets.example")
    with pytest.raises(OSError, match="503"):
        conn.request("GET", "/")
    conn.close()


def test_origin_form_with_host_header(proxy: VirtualWeb) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    conn.request("GET", "/gone", headers={"Host": "site.example"})
    assert conn.getresponse().status == 410
    conn.close()


def test_request_log(proxy: VirtualWeb) -> None:
    fetch(proxy, "http://site.example/robots.txt")
    fetch(proxy, "http://site.example/", method="HEAD")
    fetch(proxy, "http://site.example/")
    log = proxy.requests
    assert [(r.method, r.scheme, r.host, r.path, r.status) for r in log] == [
        ("GET", "http", "site.example", "/robots.txt", 200),
        ("HEAD", "http", "site.example", "/", 200),
        ("GET", "http", "site.example", "/", 200),
    ]
    assert {r.user_agent for r in log} == {"test-agent/1.0"}
    assert log[0].time <= log[1].time <= log[2].time <= time.time()
    assert log[0].url == "http://site.example/robots.txt"
    proxy.clear_log()
    assert proxy.requests == []


def test_reset_drops_the_connection(proxy: VirtualWeb) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    conn.request("GET", "http://site.example/reset")
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        conn.getresponse()
    conn.close()
    assert proxy.requests[0].status is None


def test_delay(proxy: VirtualWeb) -> None:
    start = time.monotonic()
    assert fetch(proxy, "http://site.example/slow")[2] == b"late"
    assert time.monotonic() - start >= 0.2


def test_load_web_directory(tmp_path: Path) -> None:
    site = tmp_path / "sites" / "blog.example"
    (site / "posts").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "about.html").write_text("<p>about</p>")
    (site / "posts" / "index.html").write_text("<p>posts</p>")
    (tmp_path / "routes.toml").write_text(
        '[hosts."blog.example"]\naliases = ["www.blog.example"]\n'
        '[hosts."blog.example".paths."/about"]\nstatus = 200\nhead_status = 501\n'
        '[hosts."blog.example".paths."/flaky"]\nsequence = [{status = 503}, {body = "fine"}]\n'
        '[hosts."down.example"]\ntimeout = true\n'
    )
    web = load_web(tmp_path)
    assert web.resolve("blog.example", "/")[1].body == b"<p>home</p>"
    assert web.resolve("www.blog.example", "/about.html")[1].body == b"<p>about</p>"
    about = web.resolve("blog.example", "/about")[1]
    assert (about.body, about.for_method("HEAD").status) == (b"<p>about</p>", 501)
    assert web.resolve("blog.example", "/posts/")[1].body == b"<p>posts</p>"
    redirect = web.resolve("blog.example", "/posts")[1]
    assert (redirect.status, redirect.location) == (301, "/posts/")
    flaky = web.resolve("blog.example", "/flaky")[1]
    assert [web.next_route(flaky).status for _ in range(3)] == [503, 200, 200]
    assert web.resolve("down.example", "/")[1].hang
    assert web.resolve("nowhere.example", "/")[0] is None


def test_load_web_rejects_unknown_keys(tmp_path: Path) -> None:
    (tmp_path / "routes.toml").write_text('[hosts."a.example".paths."/"]\nstatuss = 200\n')
    with pytest.raises(WebConfigError, match="unknown key"):
        load_web(tmp_path)


def test_sample_web_answers_as_documented() -> None:
    web = load_web(sample_web_dir())
    expected = {
        ("widgetblog.example", "/"): 200,
        ("widgetblog.example", "/robots.txt"): 200,
        ("widgetblog.example", "/private/insider/"): 200,
        ("gadgetnews.example", "/roundup"): 200,
        ("gadgetnews.example", "/reviews/sprocket"): 200,
        ("gadgetnews.example", "/old-review"): 301,
        ("oldwidgets.example", "/catalogue/blue-widget"): 404,
        ("widgetshop.example", "/products"): 200,
        ("widgetshop.example", "/discontinued"): 410,
        ("widgetshop.example", "/moved"): 301,
        ("widgetshop.example", "/gone-for-good"): 404,
        ("partnerwidgets.example", "/"): 403,
        ("busywidgets.example", "/"): 503,
        ("www.acmewidgets.com", "/"): 200,
        ("globexgadgets.com", "/"): 200,
        ("deadwidgets.example", "/"): 503,
    }
    assert {key: web.resolve(*key)[1].status for key in expected} == expected
    assert (
        "Disallow: /private/" in web.resolve("widgetblog.example", "/robots.txt")[1].body.decode()
    )
    assert web.resolve("deadwidgets.example", "/")[1].headers["X-Squid-Error"] == "ERR_DNS_FAIL 0"


def test_subprocess_prints_proxy_url() -> None:
    with VirtualWebProcess(sample_web_dir()) as process:
        assert process.url.startswith("http://127.0.0.1:")
        host, port = process.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"GET http://widgetblog.example/robots.txt HTTP/1.1\r\nHost: widgetblog.example\r\n"
                b"Connection: close\r\n\r\n"
            )
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert answer.endswith(b"User-agent: *\nDisallow: /private/\n")


def test_timeout_host_never_answers_and_stop_still_returns() -> None:
    web = Web()
    web.add_host("slow.example", timeout=True)
    server = VirtualWeb(web)
    server.start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=0.2) as sock:
        sock.sendall(b"GET http://slow.example/ HTTP/1.1\r\nHost: slow.example\r\n\r\n")
        with pytest.raises(TimeoutError):
            sock.recv(1024)
        start = time.monotonic()
        server.stop()  # with the connection still open
        assert time.monotonic() - start < 2
    assert [(r.host, r.status) for r in server.requests] == [("slow.example", None)]
