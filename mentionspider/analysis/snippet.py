"""The sentence around a mention, for outreach staff to read at a glance."""

from __future__ import annotations

import re

__all__ = ["snippet", "sentence_spans", "ELLIPSIS"]

ELLIPSIS = "…"

# Punctuation that may end a sentence, closing quotes/brackets, then whitespace. Spelt
# "[.!?][.!?]*", not "[.!?]+": a pattern that starts with a character set lets the regex
# engine skip to the next "." instead of trying every position (twice as fast).
_END = re.compile(r"[.!?][.!?]*[\"')\]]*\s+")
# Initialisms: "e.g", "i.e", "U.S", "z.B", "a.m"; a lone capital is an initial ("J. Smith").
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]|[^\W\d_]")
# Lower-cased words that are usually abbreviations when followed by ".".
_ABBREVIATIONS = frozenset("""
    mr mrs ms dr prof sr jr st mt rev hon gen col lt sgt capt gov sen rep
    vs cf fig figs approx dept est no nos vol pp ed eds al ca
    jan feb mar apr jun jul aug sep sept oct nov dec
    nr bzw vgl bijv mme mlle sig sra srta
""".split())


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    nxt = m.end()
    if nxt >= len(text) or not (text[nxt] in "\"'(" or text[nxt].isupper()):
        return False
    punct = m.group().rstrip().rstrip("\"')]")
    if punct != ".":
        return True  # "!", "?", "...", "?!"
    word_start = text.rfind(" ", 0, m.start()) + 1
    word = text[word_start:m.start()].lstrip("\"'([")
    if not word:
        return True
    return not (_INITIALISM.fullmatch(word) and (len(word) > 1 or word.isupper())
                or word.lower() in _ABBREVIATIONS)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, trailing whitespace excluded.

    A sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes/brackets) followed
    by whitespace and a capital letter or an opening quote, but not after
    abbreviations such as "e.g.", "Dr." or "U.S."; "3.5" has no space so never ends one.
    """
    spans, start = [], 0
    for m in _END.finditer(text):
        if _ends_sentence(text, m):
            end = m.start() + len(m.group().rstrip())
            spans.append((start, end))
            start = m.end()
    if start < len(text.rstrip()) or not spans:
        spans.append((start, len(text.rstrip())))
    return spans


def snippet(text: str, start: int, end: int, width: int = 200) -> str:
    """About ``width`` characters of ``text`` around ``text[start:end]``, which stays whole.

    The sentence holding the mention is returned whole when it fits, extended by
    whole neighbouring sentences while they fit too. A longer sentence is cut on
    word boundaries, about evenly around the mention, and ``…`` marks each cut.
    Whitespace is collapsed.
    """
    if len(text) <= width:  # every sentence fits: the whole text (most links' blocks)
        return _collapse(text)
    spans = sentence_spans(text)
    first = next(i for i, (_, e) in enumerate(spans) if e > start or i == len(spans) - 1)
    last = next((i for i in range(first, len(spans)) if spans[i][1] >= end), len(spans) - 1)
    a, b = spans[first][0], spans[last][1]
    if b - a <= width:
        while True:  # grow by whole sentences, the shorter side of context first
            grow_left = first > 0 and b - spans[first - 1][0] <= width
            grow_right = last + 1 < len(spans) and spans[last + 1][1] - a <= width
            if grow_left and (not grow_right or start - a <= b - end):
                first -= 1
                a = spans[first][0]
            elif grow_right:
                last += 1
                b = spans[last][1]
            else:
                break
        return _collapse(text[a:b])
    return _cut(text, a, b, start, end, width)


def _cut(text: str, a: int, b: int, start: int, end: int, width: int) -> str:
    """Cut sentence ``text[a:b]`` to about ``width`` around ``start:end``."""
    budget = max(width - (end - start) - 2, 0)  # two ellipses
    left_room, right_room = start - a, b - end
    left = min(left_room, budget // 2)
    right = min(right_room, budget - left)
    left = min(left_room, budget - right)
    if left == left_room:  # no ellipsis needed on the left
        right = min(right_room, right + 1)
    if right == right_room:
        left = min(left_room, left + 1)
    lo, hi = start - left, end + right
    if lo > a and not text[lo - 1].isspace():  # mid-word: drop the partial word
        space = text.find(" ", lo, start)
        lo = start if space < 0 else space + 1
    if hi < b and not text[hi].isspace():
        space = text.rfind(" ", end, hi)
        hi = end if space < 0 else space
    body = _collapse(text[lo:hi])
    if hi < b:
        body = body.rstrip(" ,;:-") + ELLIPSIS if hi > end else body + ELLIPSIS
    if lo > a:
        body = ELLIPSIS + body
    return body


def _collapse(text: str) -> str:
    return " ".join(text.split())
