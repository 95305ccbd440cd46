"""The virtual web: a local forward proxy answering for many made-up hostnames.

Tests and the demo crawl it instead of the internet; the crawler reaches it
through the standard ``http_proxy``/``https_proxy`` variables.
"""

from .server import LoggedRequest, ProxyServer, VirtualWeb, VirtualWebProcess, proxy_env
from .testing import proxy_environment, running_web, sample_web_dir, use_proxy
from .web import CONNECT_FAIL, DNS_FAIL, Host, Route, Web, WebConfigError, load_web, normalize_host

__all__ = [
    "CONNECT_FAIL",
    "DNS_FAIL",
    "Host",
    "LoggedRequest",
    "ProxyServer",
    "Route",
    "VirtualWeb",
    "VirtualWebProcess",
    "Web",
    "WebConfigError",
    "load_web",
    "normalize_host",
    "proxy_env",
    "proxy_environment",
    "running_web",
    "sample_web_dir",
    "use_proxy",
]
