"""The browser's setup without a browser: Chromium, proxy script, blocked resources, settings."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from mentionspider.campaign import load_campaign
from mentionspider.render.browser import (CHROMIUM_FLAGS, BrowserSetupError, ResourceBlocker,
                                          find_chromium, proxy_launch_options, proxy_script)
from mentionspider.render.policy import SiteRendering
from mentionspider.render.setup import HANDLER, configure_rendering
from mentionspider.runner import project_settings

CAMPAIGN = """
name = "r"
[brand]
names = ["Acme"]
domains = ["acme.example"]
[crawl]
seeds = ["https://blog.example/"]
render_js = "{mode}"
"""


def _campaign(tmp_path: Path, mode: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "c.toml"
    path.write_text(CAMPAIGN.format(mode=mode))
    return load_campaign(path)


def test_proxy_script_sends_chromium_services_nowhere_and_pages_through_the_proxy() -> None:
    script = proxy_script("http://127.0.0.1:3128", "http://127.0.0.1:3128",
                          ["localhost", ".internal.example", "*.corp.example:8080"])
    assert script.splitlines() == [
        "function FindProxyForURL(url, host) {",
        "  host = host.toLowerCase();",
        '  if (["accounts.google.com", "clients1.google.com", "clients2.google.com", '
        '"update.googleapis.com", "clientservices.googleapis.com", '
        '"safebrowsing.googleapis.com", "optimizationguide-pa.googleapis.com", '
        '"content-autofill.googleapis.com", "redirector.gvt1.com", "edgedl.me.gvt1.com"]'
        '.indexOf(host) >= 0) return "PROXY 127.0.0.1:9";',
        '  if (host == "localhost" || dnsDomainIs(host, ".localhost")) return "DIRECT";',
        '  if (host == "internal.example" || dnsDomainIs(host, ".internal.example")) '
        'return "DIRECT";',
        '  if (host == "corp.example" || dnsDomainIs(host, ".corp.example")) return "DIRECT";',
        '  if (url.substring(0, 6) == "https:") return "PROXY 127.0.0.1:3128";',
        '  return "PROXY 127.0.0.1:3128";',
        "}"]
    assert proxy_script(None, None).splitlines()[-3:] == [
        '  if (url.substring(0, 6) == "https:") return "DIRECT";', '  return "DIRECT";', "}"]
    assert proxy_script("http://a:1", "http://b:2").splitlines()[-3:-1] == [
        '  if (url.substring(0, 6) == "https:") return "PROXY b:2";', '  return "PROXY a:1";']


def test_launch_options_carry_the_script_or_the_credentials() -> None:
    options = proxy_launch_options({"http": "http://127.0.0.1:3128", "no": "localhost"})
    (arg,) = options["args"]
    prefix = "--proxy-pac-url=data:application/x-ns-proxy-autoconfig;base64,"
    assert arg.startswith(prefix)
    assert base64.b64decode(arg[len(prefix):]).decode() == proxy_script(
        "http://127.0.0.1:3128", None, ["localhost"])
    assert proxy_launch_options({"https": "http://bot:s%40cret@proxy.example:8080",
                                 "no": "localhost, .lan"}) == {"proxy": {
        "server": "http://proxy.example:8080", "username": "bot", "password": "s@cret",
        "bypass": "localhost,.lan"}}


def test_find_chromium(tmp_path: Path) -> None:
    missing = tmp_path / "chromium"
    with pytest.raises(BrowserSetupError) as caught:
        find_chromium(str(missing))
    assert str(caught.value) == f"MENTIONSPIDER_CHROMIUM: no executable at {str(missing)!r}"
    missing.write_text("#!/bin/sh\n")
    missing.chmod(0o755)
    assert find_chromium(str(missing)) == str(missing)


def test_images_fonts_and_media_are_blocked() -> None:
    block = ResourceBlocker(project_settings().getlist("MENTIONSPIDER_RENDER_BLOCK"))
    kinds = ["document", "script", "xhr", "fetch", "stylesheet", "image", "font", "media"]
    assert [k for k in kinds if block(SimpleNamespace(resource_type=k))] == [
        "image", "font", "media"]


def test_never_installs_nothing_and_the_reactor_is_asyncio(tmp_path: Path) -> None:
    settings = project_settings()
    assert settings["TWISTED_REACTOR"] == "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
    assert configure_rendering(settings, _campaign(tmp_path, "never")) is False
    assert settings.getdict("DOWNLOAD_HANDLERS") == {}
    assert "PLAYWRIGHT_LAUNCH_OPTIONS" not in settings
    # a site that asks for rendering installs it after all
    campaign = _campaign(tmp_path, "never")
    campaign = replace(campaign, crawl=replace(campaign.crawl, sites=(
        SiteRendering("spa.example", "always"),)))
    assert configure_rendering(settings, campaign) is True


def test_auto_installs_the_handler_with_debian_chromium(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:3128")
    settings = project_settings({"MENTIONSPIDER_CHROMIUM": str(chromium),
                                 "PLAYWRIGHT_MAX_CONTEXTS": 5})
    settings.set("USER_AGENT", "mentionspider/0.1.0 (+https://acme.example/bot)", "spider")
    assert configure_rendering(settings, _campaign(tmp_path, "auto")) is True
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"http": HANDLER, "https": HANDLER}
    launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert launch["executable_path"] == str(chromium)
    assert launch["headless"] is True
    assert launch["args"][:len(CHROMIUM_FLAGS)] == list(CHROMIUM_FLAGS)
    assert launch["args"][len(CHROMIUM_FLAGS)] == (
        "--user-agent=mentionspider/0.1.0 (+https://acme.example/bot)")
    assert launch["args"][-1].startswith("--proxy-pac-url=data:")
    assert "proxy" not in launch
    assert settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 4
    assert settings.getint("PLAYWRIGHT_MAX_CONTEXTS") == 5  # the command line wins
    assert settings.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 15000.0


def test_a_missing_browser_is_one_line_before_any_request(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    path = tmp_path / "c.toml"
    path.write_text(CAMPAIGN.format(mode="auto"))
    result = run_cli(["sweep", str(path), "--db", str(tmp_path / "x.db"),
                      "-s", f"MENTIONSPIDER_CHROMIUM={tmp_path / 'nope'}"])
    assert result.returncode == 2
    assert result.stderr == (f"Error: MENTIONSPIDER_CHROMIUM: no executable at "
                             f"{str(tmp_path / 'nope')!r}\n")
