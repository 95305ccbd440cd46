"""Helpers for tests and demos: the bundled sample web and proxy environments.

A conftest fixture can be as short as::

    @pytest.fixture(scope="session")
    def virtual_web():
        with VirtualWeb(sample_web_dir()) as vw:
            yield vw

    @pytest.fixture
    def sample_proxy(virtual_web, monkeypatch):
        virtual_web.reset()
        use_proxy(virtual_web.url, monkeypatch.setenv)
        return virtual_web
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .server import VirtualWeb, proxy_env
from .web import Web

__all__ = ["proxy_environment", "running_web", "sample_web_dir", "use_proxy"]


def sample_web_dir() -> Path:
    """The bundled sample web directory (``mentionspider/sampleweb``)."""
    return Path(__file__).resolve().parent.parent / "sampleweb"


def use_proxy(url: str, setenv: Callable[[str, str], object] = os.environ.__setitem__) -> None:
    """Point ``http_proxy``/``https_proxy`` (and upper-case forms) at ``url``.

    Pass ``monkeypatch.setenv`` as ``setenv`` in pytest so it is undone.
    """
    for name, value in proxy_env(url).items():
        setenv(name, value)


@contextmanager
def proxy_environment(url: str) -> Iterator[None]:
    """Set the proxy variables to ``url`` for the duration of the block, then restore them."""
    names = proxy_env(url)
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def running_web(
    web: Web | str | Path | None = None, *, set_env: bool = True
) -> Iterator[VirtualWeb]:
    """Serve ``web`` (default: the sample web) in a thread, with the proxy variables set."""
    with VirtualWeb(web if web is not None else sample_web_dir()) as vw:
        if set_env:
            with proxy_environment(vw.url):
                yield vw
        else:
            yield vw
