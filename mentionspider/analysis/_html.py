"""Private helpers: turn page bytes into an lxml tree without ever raising."""

from __future__ import annotations

import codecs
import re
import threading
from typing import Final

from lxml import etree

_BOMS: Final = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED: Final = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I)
# Browsers read these labels as windows-1252.
_AS_1252: Final = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_local = threading.local()


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True,
                                  encoding="utf-8", default_doctype=False)
        _local.parser = parser
    return parser


def _python_codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None
    return "cp1252" if name in _AS_1252 else name


def to_utf8(data: bytes | str, encoding: str | None = None) -> bytes:
    """Page content as UTF-8 bytes: given encoding, BOM, declaration, UTF-8, cp1252."""
    if isinstance(data, str):
        return data.encode("utf-8", "replace")
    codec = _python_codec(encoding)
    if codec is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                codec = name
                break
    if codec is None:
        declared = _DECLARED.search(data, 0, 4096)
        if declared is not None:
            codec = _python_codec(declared.group(1) or declared.group(2))
    if codec is None or codec == "utf-8":
        if data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            codec = "utf-8" if codec == "utf-8" else "cp1252"
        else:
            return data
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        # a document in UTF-16 that says so in ASCII is impossible; trust a BOM only
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                                codecs.BOM_UTF32_BE)):
            codec = "utf-8"
    return data.decode(codec, "replace").encode("utf-8", "replace")


def parse_tree(data: bytes | str, encoding: str | None = None) -> etree._Element | None:
    """The ``<html>`` element of the page, or None for an empty/unparseable one."""
    try:
        raw = to_utf8(data, encoding)
        if not raw.strip():
            return None
        if b"\x00" in raw:
            raw = raw.replace(b"\x00", b"")
        root = etree.fromstring(raw, _parser())
    except (etree.LxmlError, ValueError, LookupError, TypeError):
        return None
    return root
