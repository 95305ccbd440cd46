"""Shared fixtures: the virtual web in a thread, and sweeps run as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from mentionspider.virtualweb.testing import sample_web_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_web() -> Iterator[VirtualWeb]:
    """The bundled sample web, served by a local forward proxy for the whole session."""
    with VirtualWeb(sample_web_dir()) as web:
        yield web


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


def run_cli(args: Sequence[str], *, proxy: str | None = None, cwd: Path = ROOT,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``mentionspider ARGS`` in a fresh process (Twisted's reactor runs once per process),
    with its traffic sent through ``proxy``."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    if proxy:
        env.update(proxy_env(proxy))
    return subprocess.run([sys.executable, "-m", "mentionspider.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def write_campaign(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
