"""Does a page's raw HTML look like an application shell that only a browser fills in?

Pure: no Scrapy, no I/O. :func:`shell_reason` answers with the reason (stored with
the rendered page) or ``None``. A page is a shell when it loads a script and
has less than :data:`RICH_TEXT` characters of visible text, and one of:

- an **empty mount node**: an element that single-page-app frameworks fill in
  (``#root``, ``#app``, ``#__next``, ``#__nuxt``, ``#___gatsby``, ``#svelte``,
  ``[data-reactroot]``, ``<app-root>``) holds no visible text;
- a **noscript notice**: a ``<noscript>`` asking to enable JavaScript ("You need to
  enable JavaScript to run this app", "doesn't work properly without JavaScript",
  "JavaScript aktivieren", "activer JavaScript", ...);
- **little visible text for its size**: under :data:`LITTLE_TEXT` characters, and
  under :data:`TEXT_SHARE` of the page's bytes (the rest is scripts and markup).

A page without any ``<script`` is never a shell: nothing could fill it in. A page
with :data:`RICH_TEXT` visible characters or more is never one either, so an
article that also carries an empty widget ``<div id="app">`` is read as it is.
Checking a page with much text costs one comparison; the byte scans and the
parse of the mount nodes run only for pages with little text.
"""

from __future__ import annotations

import re
from typing import Final

import lxml.html
from lxml import etree

from mentionspider.analysis.document import parse_page

__all__ = ["LITTLE_TEXT", "RICH_TEXT", "TEXT_SHARE", "shell_reason", "visible_chars"]

#: Pages with at least this many characters of visible text are never shells.
RICH_TEXT: Final = 1500
#: "Little visible text": fewer characters than this...
LITTLE_TEXT: Final = 300
#: ...and less than this share of the page's bytes.
TEXT_SHARE: Final = 0.02

_SCRIPT = re.compile(rb"<script\b", re.I)
# Cheap pre-filter for mount nodes; the parse below decides.
_MOUNT_HINT = re.compile(
    rb"""\bid\s*=\s*["']?(?:root|app|__next|__nuxt|___gatsby|svelte)(?![\w-])"""
    rb"""|\bdata-reactroot\b|<app-root\b""", re.I)
_MOUNT_IDS: Final = ("root", "app", "__next", "__nuxt", "___gatsby", "svelte")
_MOUNT_XPATH = etree.XPath(
    "//*[" + " or ".join(f"@id='{i}'" for i in _MOUNT_IDS) + " or @data-reactroot]"
    " | //app-root")
_INVISIBLE = ("script", "style", "noscript", "template")
_TEXT_XPATH = etree.XPath(
    ".//text()[not(" + " or ".join(f"ancestor::{t}" for t in _INVISIBLE) + ")]")
_NOSCRIPT = re.compile(rb"<noscript\b[^>]*>(.*?)</noscript\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
# "JavaScript" (or "JS") near a word asking for it, in the languages the analysis reads.
_ASK = (r"enabl|activat|turn(?:ed)?\s+on|switch(?:ed)?\s+on|allow|requir|disabl|need|"
        r"without|must|support|aktivier|einschalt|erforderlich|benötig|activ|habilit|"
        r"schakel|aanzetten|vereist|nodig|abilit|attiv|necessari|ativ|requer|"
        r"włącz|wymag|включ|требу|aktiver|aktivoi|kräv|kræv")
_NOTICE = re.compile(
    rf"(?:{_ASK})\w*\W+(?:\w+\W+){{0,4}}?(?:javascript|js)\b"
    rf"|\b(?:javascript|js)\W+(?:\w+\W+){{0,4}}?(?:{_ASK})", re.I)


def visible_chars(html: bytes | str, url: str = "http://page.invalid/") -> int:
    """Characters of visible text on a page, as the page analysis reads it."""
    return sum(len(block.text) for block in parse_page(html, url).blocks)


def shell_reason(html: bytes | str, visible: int | None = None) -> str | None:
    """Why ``html`` looks like an application shell, or None when it does not.

    ``visible`` is the page's visible text length when the caller has it already
    (the sweep does: it analyses every page); otherwise it is computed.
    """
    if visible is not None and visible >= RICH_TEXT:
        return None
    body = html.encode("utf-8") if isinstance(html, str) else html
    if not _SCRIPT.search(body):
        return None
    if visible is None:
        visible = visible_chars(body)
        if visible >= RICH_TEXT:
            return None
    if _MOUNT_HINT.search(body):
        mount = _empty_mount(body)
        if mount:
            return f"empty mount node {mount}"
    for match in _NOSCRIPT.finditer(body):
        text = _TAG.sub(" ", match.group(1).decode("utf-8", "replace"))
        if _NOTICE.search(text):
            return "noscript asks to enable JavaScript"
    if visible < LITTLE_TEXT and visible < TEXT_SHARE * len(body):
        return f"little visible text: {visible} characters in {_size(len(body))}"
    return None


def _empty_mount(body: bytes) -> str | None:
    """The first mount node holding no visible text, as a CSS selector."""
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    for element in _MOUNT_XPATH(root):
        if "".join(_TEXT_XPATH(element)).strip():
            continue
        if element.tag == "app-root":
            return "app-root"
        element_id = element.get("id")
        if element_id in _MOUNT_IDS:
            return f"#{element_id}"
        return "[data-reactroot]"
    return None


def _size(n: int) -> str:
    return f"{n} bytes" if n < 10_000 else f"{n // 1000} KB"
