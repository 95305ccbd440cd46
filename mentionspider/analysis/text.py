"""Text normalisation shared by every analysis step.

Block text, mention matching and snippets all work on text passed through
:func:`normalize_text`, so character offsets computed by one step are valid in
the others. It is written to be fast on a whole page of text at once (no
per-character Python, and nothing at all but a whitespace collapse for ASCII).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

__all__ = ["normalize_text", "collapse_whitespace", "find_all"]

# Non-ASCII characters that render as nothing, or that have a plain ASCII form.
# str.split knows every kind of space; the common ones are replaced here as well
# (as NFKC would) so that most pages need no NFKC pass at all.
_PLAIN: Final = (
    *((char, "") for char in "\u00ad\u200b\u200c\u200d\u2060\ufeff"),  # invisible
    *((char, " ") for char in "\u00a0\u2002\u2003\u2009\u200a\u202f"),  # spaces
    ("\u2026", "..."),  # ellipsis
    ("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u2032", "'"),  # apostrophes
    ("\u201c", '"'), ("\u201d", '"'),  # quotes
    ("\u2010", "-"), ("\u2011", "-"), ("\u2013", "-"), ("\u2014", "-"),  # dashes
)


def collapse_whitespace(text: str) -> str:
    """Turn every run of whitespace into one space and strip the ends."""
    return " ".join(text.split())


def _plain(text: str) -> str:
    for char, replacement in _PLAIN:
        if char in text:
            text = text.replace(char, replacement)
    return text


def normalize_text(text: str) -> str:
    """NFKC-normalise ``text`` and make it plain.

    Soft hyphens and zero-width characters are dropped, every kind of space
    becomes ``" "`` (runs collapsed, ends stripped), curly apostrophes and
    quotes become straight ones and typographic dashes become ``-``.
    """
    if not text.isascii():
        text = _plain(text)
        normal = unicodedata.normalize("NFKC", text)
        # (a copy, equal to the text, when the quick check could not prove it normal)
        if normal != text:  # NFKC can yield characters _PLAIN maps (U+FE58 -> U+2014)
            text = _plain(normal)
    return collapse_whitespace(text)


def find_all(text: str, needles: Sequence[str]) -> list[int]:
    """Where in ``text`` any of ``needles`` (strings, or the characters of one string)
    starts, in order.

    ``str.find`` runs at C speed and skips most of a page, where a regex search would
    try every position that holds any needle's first character.
    """
    found: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + 1)
    if len(needles) > 1:
        found.sort()
    return found
