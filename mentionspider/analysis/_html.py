"""Private helpers: page bytes as UTF-8 for the parser, whatever they came in."""

from __future__ import annotations

import codecs
import re
from typing import Final

from lxml import etree

_BOMS: Final = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED: Final = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I)
# Browsers read these labels as windows-1252.
_AS_1252: Final = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_INVALID_ENCODING: Final = etree.ErrorTypes.ERR_INVALID_ENCODING


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


def to_utf8(data: bytes | str, encoding: str | None = None) -> tuple[bytes, bool]:
    """Page content as UTF-8 bytes: given encoding, BOM, declaration, else UTF-8.

    The second value is False for bytes that are only *assumed* to be UTF-8 (no
    encoding given or declared): decoding them just to check would cost as much as
    a third of the parse, so the parser checks them (:func:`invalid_utf8`) and the
    caller falls back to :func:`as_cp1252` if they were not.
    """
    if isinstance(data, str):
        return data.encode("utf-8", "replace"), True
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
        # declared UTF-8: the parser replaces bad bytes with U+FFFD, as browsers do
        return data, codec == "utf-8"
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        # a document in UTF-16 that says so in ASCII is impossible; trust a BOM only
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                                codecs.BOM_UTF32_BE)):
            return data, False
    return data.decode(codec, "replace").encode("utf-8", "replace"), True


def as_cp1252(data: bytes) -> bytes:
    """Undeclared bytes that are not UTF-8, read as windows-1252 (as browsers do)."""
    return data.decode("cp1252", "replace").encode("utf-8", "replace")


def invalid_utf8(parser: etree._FeedParser) -> bool:
    """True if the last parse met bytes that are not UTF-8."""
    return any(entry.type == _INVALID_ENCODING for entry in parser.error_log)
