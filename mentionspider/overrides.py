"""Check ``-s NAME=VALUE`` setting overrides before anything runs.

Each value is read as the type of the setting's default (Scrapy's, or mentionspider's
in :mod:`mentionspider.settings`), so a bad one is one line naming the setting, not a
traceback from deep inside the crawl. Settings Scrapy does not know (a plugin's) pass
through as text; an unknown ``MENTIONSPIDER_*`` name is a typo and is refused.
"""

from __future__ import annotations

import json
import math
from typing import Any

from scrapy.settings import default_settings

from mentionspider import settings as project

__all__ = ["SettingError", "parse_overrides"]

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
#: Settings whose value is one of a few words.
_CHOICES = {"MENTIONSPIDER_PROGRESS": ("auto", "tty", "log", "off")}


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` override that cannot be used."""


def _default(name: str) -> tuple[bool, Any]:
    for module in (project, default_settings):
        if hasattr(module, name):
            return True, getattr(module, name)
    return False, None


def _convert(name: str, text: str, default: Any) -> Any:
    if isinstance(default, bool):
        if text.strip().lower() in _TRUE:
            return True
        if text.strip().lower() in _FALSE:
            return False
        raise SettingError(f"{name}: expected true or false, got {text!r}")
    if isinstance(default, int | float):
        try:  # an integer default may still be read as a float (DOWNLOAD_TIMEOUT = 2.5)
            value: int | float = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise SettingError(f"{name}: expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise SettingError(f"{name}: expected a finite number, got {text!r}")
        if name.startswith("MENTIONSPIDER_") and value < 0:
            raise SettingError(f"{name}: expected a number >= 0, got {text!r}")
        return value
    if isinstance(default, dict):
        try:
            value_ = json.loads(text)
        except ValueError:
            value_ = None
        if not isinstance(value_, dict):
            raise SettingError(f"{name}: expected a JSON object, got {text!r}")
        return value_
    if name in _CHOICES and text not in _CHOICES[name]:
        raise SettingError(f"{name}: expected one of {', '.join(_CHOICES[name])}, got {text!r}")
    return text  # strings, lists (Scrapy splits "a,b"), None defaults


def parse_overrides(values: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``["NAME=VALUE", ...]`` -> settings, each value of its setting's type."""
    settings: dict[str, Any] = {}
    for value in values:
        name, sep, text = value.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SettingError(f"expected NAME=VALUE, got {value!r}")
        known, default = _default(name)
        if not known and name.startswith("MENTIONSPIDER_"):
            raise SettingError(f"{name}: unknown setting (see the README's settings table)")
        settings[name] = _convert(name, text, default) if known else text
    return settings
