"""Text normalisation shared by every analysis step.

Block text, mention matching and snippets all work on text passed through
:func:`normalize_text`, so character offsets computed by one step are valid in
the others.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "collapse_whitespace"]

# Characters that render as nothing or as a plain space on a page.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                                 "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\r\n\f\v"), " ")
_QUOTES = {ord("\u2019"): "'", ord("\u2018"): "'", ord("\u02bc"): "'", ord("\u2032"): "'",
           ord("\u201c"): '"', ord("\u201d"): '"', ord("\u2010"): "-", ord("\u2011"): "-",
           ord("\u2013"): "-", ord("\u2014"): "-"}
_TABLE = {**_INVISIBLE, **_SPACES, **_QUOTES}
_RUNS_OF_SPACE = re.compile(r" {2,}")


def collapse_whitespace(text: str) -> str:
    """Turn every run of whitespace into one space and strip the ends."""
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """NFKC-normalise ``text`` and make it plain.

    Soft hyphens and zero-width characters are dropped, every kind of space
    becomes ``" "`` (runs collapsed, ends stripped), curly apostrophes and
    quotes become straight ones and typographic dashes become ``-``.
    """
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    return _RUNS_OF_SPACE.sub(" ", text).strip()
