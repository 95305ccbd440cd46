"""The parser target behind :func:`mentionspider.analysis.document.parse_page`.

:class:`PageEvents` receives libxml2's start/end/data events (no tree is built)
and writes the visible text of the whole page into one list of strings, with
control-character marks where a link starts (:data:`OPEN`) and ends
(:data:`CLOSE`) and where a block ends (:data:`BLOCK`). For each block it records
where it sits (:data:`Meta`); for each link a :class:`StreamedLink`; for each
element that signals a placement a :class:`~.placement.Region`. Turning that into
blocks and anchors is :mod:`mentionspider.analysis.document`'s job.
"""

from __future__ import annotations

import re
import threading
from typing import Final

from lxml import etree

from ._html import invalid_utf8
from .placement import CLASS_SIGNALS, HIDDEN, LANDMARK_TAGS, Region, element_signal, post_type
from .streamed import inline_streamed

__all__ = ["BLOCK_TAGS", "SKIP_TAGS", "NOT_URL_SCHEMES", "OPEN", "CLOSE", "BLOCK",
           "StreamedLink", "Meta", "PageEvents", "stream"]

#: Elements whose text starts and ends a block.
BLOCK_TAGS: Final = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html "
    "legend li main menu nav ol p pre section summary table tbody td tfoot th thead tr ul"
    .split())
#: Elements whose content is never visible text (what follows them still is).
SKIP_TAGS: Final = frozenset(
    "head title meta link base script style noscript template svg iframe object embed "
    "canvas video audio select datalist textarea map param source track frame noframes"
    .split())
# What the stream does at an element's start, by tag (_IS_INLINE for any other tag).
# (Codes from _IS_BLOCK on start and end a block.)
_IS_INLINE, _IS_A, _IS_BR, _IS_IMG, _IS_SKIPPED, _IS_BLOCK, _IS_LANDMARK, _IS_ROOT = range(8)
_TAG_CODES: Final = {
    **dict.fromkeys(BLOCK_TAGS, _IS_BLOCK), **dict.fromkeys(LANDMARK_TAGS, _IS_LANDMARK),
    **dict.fromkeys(SKIP_TAGS, _IS_SKIPPED), "html": _IS_ROOT, "body": _IS_ROOT, "a": _IS_A,
    "br": _IS_BR, "img": _IS_IMG}
# Attributes that PageEvents.start reads of an inline element (for its placement, or to
# skip it as hidden): an inline element without any of them only opens a frame.
_SIGNAL_ATTRIBUTES: Final = frozenset(
    {"class", "id", "role", "itemprop", "itemtype", "hidden", "aria-hidden", "style"})
# Elements that PageEvents._skipped_start reads inside a subtree that is not visible.
_READ_WHEN_SKIPPED: Final = frozenset({"title", "base", "a", "img", "script"})
# Control characters that mark structure in the page's text stream. They are not
# whitespace to str.split, and keep an ASCII page's text ASCII (fast to normalise).
# A page whose own text holds them is streamed again with them removed.
OPEN: Final = "\x01"  # a link starts
CLOSE: Final = "\x02"  # a link ends
BLOCK: Final = "\x03"  # a block ends
_NO_MARKS: Final = dict.fromkeys(map(ord, OPEN + CLOSE + BLOCK))
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Characters of text a page's ``<noscript>`` needs to be read as the page (see stream()).
_NOSCRIPT_PAGE: Final = 1000
#: href schemes that never lead to a page.
NOT_URL_SCHEMES: Final = ("javascript:", "mailto:", "tel:", "data:")


def _is_hidden(attrib: dict[str, str]) -> bool:
    """``hidden``, ``aria-hidden="true"`` or an inline style that hides the element."""
    if "hidden" in attrib:
        return True
    aria = attrib.get("aria-hidden")
    if aria is not None and aria.strip().lower() == "true":
        return True
    style = attrib.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


#: Class or id words of a panel that folds away until the reader opens it: an accordion's
#: or an FAQ's answer, a tab's panel, a "read more" expander, a collapsed section.
_FOLDED: Final = re.compile(
    r"accordion|collaps|expand|tab[-_]?(?:pane|panel|content|body)|tabpanel|faq|answer"
    r"|read[-_]?more|show[-_]?more|more[-_]?text", re.I)


def _folded(attrib: dict[str, str]) -> bool:
    """Whether a hidden element is a folded panel of the page's text (see _FOLDED), by its
    class, id or ``role="tabpanel"``."""
    if attrib.get("role") == "tabpanel":
        return True
    names = attrib.get("class", "") + " " + attrib.get("id", "")
    return _FOLDED.search(names) is not None


class StreamedLink:
    """An ``<a href>`` while the page streams in."""

    __slots__ = ("href", "url", "parts", "rel", "region", "pos", "seg", "alt")

    def __init__(self, href: str, rel: str | None, region: Region, pos: int, seg: int) -> None:
        self.href = href
        self.url: str | None = None  # resolved once the whole page (and its <base>) is known
        self.parts: list[str] = []  # its visible text, one part per block it spans
        self.rel = rel
        self.region = region
        self.pos = pos
        self.seg = seg  # the block it opens in; -1 inside a hidden subtree
        self.alt: str | None = None  # alt text of the first image inside it


# A block while the page streams in: region, position, tag of its element, and the ids
# (start ticks) of that element's parent, grandparent and great-grandparent.
Meta = tuple[Region, int, str, int, int, int]
# One frame per open element: region, is a block boundary, start tick, is a link, tag.
_Frame = tuple[Region, bool, int, bool, str]
# Frames under the page's first element, standing for "no element" (tick 0, no tag), so that
# a block's parent, grandparent and great-grandparent are read without a test of depth.
_GROUND: Final = 4


class PageEvents:
    """An lxml parser target that turns the parser's events into text blocks and links.

    Positions are ticks of the stream (one per start or end event): an element
    spans ``[2 * start, 2 * end]`` and a block or link sits at an odd position,
    so containment is a comparison. Element ids are their start ticks.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.top = Region(None, True, None)
        self.region = self.top
        self.regions: list[Region] = [self.top]
        self.frames: list[_Frame] = [(self.top, False, 0, False, "")] * _GROUND
        self.tick = 0
        self.parts: list[str] = []  # the page's text stream
        self.dirty = False  # parts hold text or a link mark since the last block ended
        self.metas: list[Meta] = []  # one per BLOCK in parts
        self.links: list[StreamedLink] = []
        self.mark_owners: list[StreamedLink] = []  # the link of each OPEN in parts, in order
        self.link: StreamedLink | None = None  # the link being streamed, if any
        self.elements: dict[int, tuple[int, int]] = {}  # block element id -> (end, parent id)
        self.skip = 0  # depth inside a subtree that is not visible text
        self.skip_kind = ""  # tag of that subtree's root, or HIDDEN (its links still count)
        self.hidden_region = self.top  # region of the hidden subtree being skipped
        self.hidden_link: StreamedLink | None = None  # the link being read in a hidden subtree
        self.capture: list[str] | None = None  # where text of a skipped subtree goes
        self.title: list[str] | None = None
        self.base: str | None = None
        self.lang: str | None = None
        self.thread = False  # the page has schema.org forum posts, questions or answers
        self.itemtypes: list[str] = []  # the page's itemtype values
        self.ld_json: list[str] = []  # the text of its JSON-LD scripts
        self.noscript = 0  # characters of text inside <noscript> (not read as visible)
        self.read_noscript = False  # read <noscript> as visible text (see stream())
        self.segments = False  # the page has React's hidden streamed segments (see stream())

    # -- parser target interface --------------------------------------------------

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """An element starts: skip it if it is invisible; open its region if its tag,
        role or class names signal one; end the running block if it is block-level;
        open a link mark for an ``<a href>``. (The hottest code of a sweep: one call
        per element of every page, hence one long method.)"""
        if self.skip:
            self.skip += 1
            if tag in _READ_WHEN_SKIPPED:
                self._skipped_start(tag, attrib)
            return
        tick = self.tick = self.tick + 1
        code = _TAG_CODES.get(tag, _IS_INLINE)
        if code == _IS_INLINE and (not attrib or _SIGNAL_ATTRIBUTES.isdisjoint(attrib)):
            # (most elements of a page: a <span>, <b>, <i> that signals nothing)
            self.frames.append((self.region, False, tick, False, tag))
            return
        if code == _IS_SKIPPED:
            if tag != "noscript" or not self.read_noscript:
                self.skip, self.skip_kind = 1, tag
                self._skipped_start(tag, attrib)
                return
            code = _IS_BLOCK
        region = self.region
        boundary = code >= _IS_BLOCK
        kind: str | None = None
        landmark = False
        if attrib:
            # (`key in attrib` first: most keys are absent, and it is cheaper than .get)
            hidden = False
            if code == _IS_ROOT:  # its class names say nothing (and never hide the page)
                if tag == "html" and self.lang is None:
                    self.lang = attrib.get("lang") or attrib.get("xml:lang")
                if "itemtype" in attrib:  # (the page's own type: <html itemtype=...NewsArticle>)
                    self.itemtypes.append(attrib["itemtype"])
            else:
                names = attrib["class"] if "class" in attrib else None
                if "id" in attrib:
                    ident = attrib["id"]
                    names = ident if names is None else f"{names} {ident}"
                if names is not None:
                    kind = CLASS_SIGNALS[names]
                    if kind == HIDDEN:
                        hidden, kind = True, None
                if code == _IS_A:
                    kind = None  # a link's class names say nothing about where it sits
                elif "role" in attrib or "itemprop" in attrib or code == _IS_LANDMARK:
                    signal = element_signal(tag, attrib.get("role"), names,
                                            attrib.get("itemprop"))
                    if signal is not None:
                        kind, landmark = signal
                if "itemtype" in attrib:
                    self.itemtypes.append(attrib["itemtype"])
                    if not self.thread and post_type(attrib["itemtype"]):
                        self.thread = True
            if (hidden or ("hidden" in attrib or "aria-hidden" in attrib
                           or "style" in attrib) and _is_hidden(attrib)) and not _folded(attrib):
                if kind is not None:
                    region = self._open_region(kind, landmark, region, tag, attrib)
                if "hidden" in attrib and attrib.get("id", "").startswith("S:"):
                    self.segments = True
                self.skip, self.skip_kind, self.hidden_region = 1, HIDDEN, region
                self._skipped_start(tag, attrib)
                return
        elif code == _IS_LANDMARK:
            kind, landmark = element_signal(tag, None, None, None) or (None, False)
        if kind is not None:
            region = self._open_region(kind, landmark, region, tag, attrib)
            boundary = True
        if boundary and self.dirty:
            self._end_block(self.region)
        self.region = region
        is_link = False
        if code == _IS_A:
            if self.link is None:
                href = attrib.get("href")
                if href is not None and not href.strip()[:11].lower().startswith(
                        NOT_URL_SCHEMES):
                    link = self.link = StreamedLink(href, attrib.get("rel"), region,
                                                    2 * tick - 1, len(self.metas))
                    self.links.append(link)
                    self.mark_owners.append(link)
                    self.parts.append(OPEN)
                    self.dirty = is_link = True
        elif code == _IS_BR:
            self.parts.append(" ")
        elif code == _IS_IMG and self.link is not None and self.link.alt is None and attrib:
            self.link.alt = attrib.get("alt")
        self.frames.append((region, boundary, tick, is_link, tag))

    def end(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            if not self.skip or (self.capture is not None and tag in ("a", "title", "script")):
                self.capture = self.hidden_link = None
            return
        tick = self.tick = self.tick + 1
        frames = self.frames
        if len(frames) == _GROUND:
            return
        region, boundary, start, is_link, _tag = frames[-1]
        if is_link:
            self.parts.append(CLOSE)
            self.link = None
        if boundary:
            if self.dirty:
                self._end_block(region)
            frames.pop()
            self.elements[start] = (tick, frames[-1][2])
        else:
            frames.pop()
        parent = self.region = frames[-1][0]
        if region is not parent:
            region.end = 2 * tick

    def data(self, text: str) -> None:
        if self.skip:
            if self.capture is not None:
                self.capture.append(text)
            elif self.skip_kind == "noscript":
                self.noscript += len(text.strip())
            return
        if not self.dirty:
            if text.isspace():
                return  # (whitespace before a block's first text is never block text)
            self.dirty = True
        self.parts.append(text)

    def close(self) -> None:
        if self.dirty:
            self._end_block(self.region)

    # -- helpers ------------------------------------------------------------------

    def _open_region(self, kind: str, landmark: bool, parent: Region, tag: str,
                     attrib: dict[str, str]) -> Region:
        region = Region(kind, landmark, parent, 2 * self.tick, tag, attrib)
        self.regions.append(region)
        return region

    def _skipped_start(self, tag: str, attrib: dict[str, str]) -> None:
        """An element inside (or at the root of) a subtree that is not visible text."""
        if tag == "title":
            if self.title is None and self.skip_kind in ("head", "title"):
                self.title = self.capture = []
        elif tag == "script":
            # JSON-LD: the schema.org types it names are read after the stream
            if self.capture is None and "ld+json" in attrib.get("type", ""):
                self.ld_json.append("\n")
                self.capture = self.ld_json
        elif tag == "base":
            if self.base is None and attrib.get("href") is not None:
                self.base = attrib["href"]
        elif tag == "a":
            # links in a hidden subtree still count; their text is read for the anchor
            href = attrib.get("href")
            if self.skip_kind == HIDDEN and href is not None:
                link = StreamedLink(href, attrib.get("rel"), self.hidden_region, 2 * self.tick - 1, -1)
                self.links.append(link)
                self.capture = link.parts
                self.hidden_link = link
        elif tag == "img" and attrib:
            # e.g. the <noscript> copy of a lazy image, or an image in a hidden link
            owner = self.link if self.link is not None else self.hidden_link
            if owner is not None and owner.alt is None:
                owner.alt = attrib.get("alt")

    def _end_block(self, region: Region) -> None:
        """End the current block: mark it in the stream and record where it sits."""
        frames = self.frames
        link = self.link
        parts = self.parts
        if link is not None:
            parts.append(CLOSE)
        parts.append(BLOCK)
        self.metas.append((region, 2 * self.tick - 1, frames[-1][4], frames[-2][2], frames[-3][2],
                           frames[-4][2]))
        if link is not None:
            parts.append(OPEN)
            self.mark_owners.append(link)
        self.dirty = False


class _CleanPageEvents(PageEvents):
    """For the rare page whose own text holds the mark characters: removes them."""

    def data(self, text: str) -> None:
        super().data(text.translate(_NO_MARKS))


_local = threading.local()


def _parser(clean: bool) -> tuple[etree.HTMLParser, PageEvents]:
    """This thread's parser and its target; ``clean``: the pair whose target removes
    mark characters from the page's own text."""
    pairs = getattr(_local, "pairs", None)
    if pairs is None:
        pairs = _local.pairs = {}
    pair = pairs.get(clean)
    if pair is None:
        events = _CleanPageEvents() if clean else PageEvents()
        parser = etree.HTMLParser(target=events, remove_comments=True, remove_pis=True,
                                  huge_tree=True, encoding="utf-8", default_doctype=False)
        pair = pairs[clean] = (parser, events)
    return pair


def _run(raw: bytes, clean: bool, check_utf8: bool,
         noscript: bool = False) -> tuple[str, PageEvents, bool]:
    parser, events = _parser(clean)
    events.reset()
    events.read_noscript = noscript
    try:
        etree.fromstring(raw, parser)
    except etree.LxmlError:
        events.close()  # keep what was streamed before the error
    return "".join(events.parts), events, check_utf8 and invalid_utf8(parser)


def stream(raw: bytes, check_utf8: bool = False) -> tuple[str, PageEvents, bool]:
    """Stream the UTF-8 bytes of a page through this thread's parser.

    Returns the page's text stream, the events (valid until the next call in this
    thread; ``reset()`` them when done) and, with ``check_utf8``, whether the parser
    met bytes that are not UTF-8 (it replaced them with U+FFFD).

    A page whose ``<noscript>`` holds more text than the rest of it (and at least
    :data:`_NOSCRIPT_PAGE` characters) is an application shell around a copy of the
    page for readers without JavaScript (Discourse's and Flarum's crawler view of a
    thread): what such a reader (and this crawler) sees is that copy, so the page is
    streamed again with ``<noscript>`` read as visible text.

    A page of React's streamed server rendering is read with its late segments in
    their placeholders (:func:`~.streamed.inline_streamed`), as a browser shows it.
    """
    text, events, not_utf8 = _run(raw, False, check_utf8)
    if events.segments:
        inlined = inline_streamed(raw)
        if inlined is not None:  # (whether the bytes were UTF-8 is known by now)
            raw, check_utf8 = inlined, False
            text, events, _ = _run(raw, False, False)
    clean = (text.count(BLOCK) != len(events.metas)
             or text.count(OPEN) != len(events.mark_owners)
             or text.count(CLOSE) != len(events.mark_owners))  # the page's own text holds a mark
    noscript = events.noscript >= _NOSCRIPT_PAGE and events.noscript > len("".join(text.split()))
    if clean or noscript:
        text, events, again = _run(raw, clean, check_utf8, noscript)
        not_utf8 = not_utf8 or again
    return text, events, not_utf8
