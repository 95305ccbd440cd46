"""The browser side of rendering: which Chromium, its flags and proxy, what it loads, when a
page is done. No Scrapy here; :mod:`mentionspider.render.setup` turns this into settings.

- Chromium is Debian's (``/usr/bin/chromium``): Playwright cannot download its own
  browsers on machines without internet access. :func:`find_chromium` finds it.
- The crawl's proxy (``http_proxy``/``https_proxy``/``no_proxy``, as Scrapy reads
  them) is given to the browser at launch, so every page and every script, style
  and XHR it loads goes the way the raw crawl goes; Chromium's calls to its own
  services go nowhere. The browser sends the crawl's User-Agent, CONNECTs included.
- Images, fonts and media are never downloaded (:class:`ResourceBlocker`).
- A page is done when the network has been idle for 500 ms, or when a given CSS
  selector is in the DOM (:func:`settle`), within a timeout; never at ``load``
  alone, which fires before most applications have fetched their content.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit
from urllib.request import getproxies

__all__ = ["CHROMIUM_FLAGS", "CHROMIUM_SERVICES", "NETWORK_IDLE", "BrowserSetupError", "ResourceBlocker",
           "find_chromium", "proxy_launch_options", "proxy_script", "settle", "without_proxy_headers"]

#: Flags for Chromium in containers and on machines that must not phone home.
CHROMIUM_FLAGS: Final = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync")
#: The ``wait_for`` value that means "network idle" rather than a CSS selector.
NETWORK_IDLE: Final = "networkidle"
_CANDIDATES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserSetupError(Exception):
    """Rendering was asked for but the browser cannot be set up (one line for the user)."""


def find_chromium(configured: str | None = None) -> str:
    """The Chromium executable: ``configured`` when given (it must exist), else the first of
    ``chromium``, ``chromium-browser``, ``google-chrome`` on ``PATH``, else ``/usr/bin/chromium``."""
    if configured:
        path = shutil.which(configured)
        if path is None:
            raise BrowserSetupError(
                f"MENTIONSPIDER_CHROMIUM: no executable at {configured!r}")
        return path
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    raise BrowserSetupError(
        "render_js needs Chromium and none was found: install Debian's chromium package "
        "(apt-get install chromium), set MENTIONSPIDER_CHROMIUM to its path, "
        'or set render_js = "never"')


#: Chromium's own services, which it calls on its own even with the flags above (component
#: updates, network time, account lookups). The proxy script sends them nowhere: a crawler
#: does not phone home.
CHROMIUM_SERVICES: Final = ("accounts.google.com", "clients1.google.com", "clients2.google.com",
                            "update.googleapis.com", "clientservices.googleapis.com",
                            "safebrowsing.googleapis.com", "optimizationguide-pa.googleapis.com",
                            "content-autofill.googleapis.com", "redirector.gvt1.com",
                            "edgedl.me.gvt1.com")
_NOWHERE: Final = "PROXY 127.0.0.1:9"  # the discard port: refused at once


def proxy_launch_options(proxies: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Launch options that send the browser through the crawl's proxy and keep Chromium's own
    service calls (:data:`CHROMIUM_SERVICES`) from leaving the machine.

    ``proxies`` is what :func:`urllib.request.getproxies` returns (the default): the
    environment Scrapy's ``HttpProxyMiddleware`` reads too. Normally a proxy
    auto-config script (``--proxy-pac-url``) does both; a proxy URL with a user name and
    password is given to Playwright instead (a script cannot carry credentials), and then
    Chromium's service calls go through that proxy like everything else.
    """
    proxies = getproxies() if proxies is None else proxies
    http, https = proxies.get("http"), proxies.get("https")
    bypass = [h.strip().lower() for h in (proxies.get("no") or "").split(",") if h.strip()]
    with_credentials = [p for p in (http, https) if p and urlsplit(_absolute(p)).username]
    if with_credentials:
        parts = urlsplit(_absolute(with_credentials[0]))
        proxy = {"server": f"{parts.scheme}://{_hostport(with_credentials[0])}",
                 "username": unquote(parts.username or ""),
                 "password": unquote(parts.password or "")}
        if bypass:
            proxy["bypass"] = ",".join(bypass)
        return {"proxy": proxy}
    return {"args": ["--proxy-pac-url=data:application/x-ns-proxy-autoconfig;base64,"
                     + base64.b64encode(proxy_script(http, https, bypass).encode()).decode()]}


def proxy_script(http: str | None, https: str | None, bypass: Iterable[str] = ()) -> str:
    """A proxy auto-config script: :data:`CHROMIUM_SERVICES` nowhere, ``bypass`` hosts
    (``no_proxy`` entries: ``example.com``, ``.example.com``, ``*``) direct, the rest
    through ``http`` / ``https`` (or direct when there is none)."""
    def route(proxy: str | None) -> str:
        return f"PROXY {_hostport(proxy)}" if proxy else "DIRECT"

    lines = ["function FindProxyForURL(url, host) {", "  host = host.toLowerCase();"]
    services = ", ".join(f'"{h}"' for h in CHROMIUM_SERVICES)
    lines.append(f"  if ([{services}].indexOf(host) >= 0) return \"{_NOWHERE}\";")
    for entry in bypass:
        if entry == "*":
            lines.append('  return "DIRECT";')
            break
        domain = entry.lstrip("*").lstrip(".").split(":")[0]
        if domain:
            lines.append(f'  if (host == "{domain}" || dnsDomainIs(host, ".{domain}")) '
                         'return "DIRECT";')
    lines.append(f'  if (url.substring(0, 6) == "https:") return "{route(https or http)}";')
    lines.append(f'  return "{route(http)}";')
    lines.append("}")
    return "\n".join(lines)


def _absolute(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def _hostport(url: str) -> str:
    parts = urlsplit(_absolute(url))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


class ResourceBlocker:
    """``PLAYWRIGHT_ABORT_REQUEST``: abort requests for these resource types."""

    def __init__(self, resource_types: Iterable[str]) -> None:
        self.resource_types = frozenset(resource_types)

    def __call__(self, request: Any) -> bool:
        return bool(request.resource_type in self.resource_types)


async def settle(page: Any, wait_for: str, timeout_ms: float) -> None:
    """Wait until the page is done: network idle, or ``wait_for`` (a CSS selector) attached."""
    if wait_for == NETWORK_IDLE:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)
    else:
        await page.wait_for_selector(wait_for, state="attached", timeout=timeout_ms)


async def without_proxy_headers(*, browser_type_name: str, playwright_request: Any,
                                scrapy_request_data: dict[str, Any]) -> dict[str, str]:
    """``PLAYWRIGHT_PROCESS_REQUEST_HEADERS``: Scrapy's headers for the page itself (its
    User-Agent for everything), minus ``Proxy-Authorization``, which the browser sends to
    the proxy itself and must never reach a site."""
    from scrapy_playwright.headers import use_scrapy_headers

    headers = await use_scrapy_headers(browser_type_name=browser_type_name,
                                       playwright_request=playwright_request,
                                       scrapy_request_data=scrapy_request_data)
    return {k: v for k, v in headers.items() if k.lower() != "proxy-authorization"}
