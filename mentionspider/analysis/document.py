"""Parse an HTML page once into visible text blocks and anchors, each with a placement.

No tree is built: :class:`_PageEvents` is an lxml parser *target*, so libxml2's
start/end/data events stream straight into the page's text. The visible text of
the whole page goes into one string, with a separator where a block-level
element starts or ends and marks where a link starts and ends; it is
normalised once (:func:`~.text.normalize_text`'s rules) and cut into blocks
afterwards. Placement signals are collected as :class:`~.placement.Region`
objects during the stream and resolved at the end (see
:mod:`mentionspider.analysis.placement`).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ._html import as_cp1252, invalid_utf8, to_utf8
from .model import Anchor, LinkSpan, ParsedPage, TextBlock
from .placement import (CLASS_SIGNALS, HIDDEN, LANDMARK_TAGS, Region, block_placement,
                        element_signal, main_spans, resolve_regions)
from .text import normalize_text

__all__ = ["parse_page"]

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
# What the stream does at an element's start, by tag (_INLINE for any other tag).
# (Codes from _IS_BLOCK on start and end a block.)
_IS_INLINE, _IS_A, _IS_BR, _IS_IMG, _IS_SKIPPED, _IS_BLOCK, _IS_LANDMARK, _IS_ROOT = range(8)
_TAG_CODES: Final = {
    **dict.fromkeys(BLOCK_TAGS, _IS_BLOCK), **dict.fromkeys(LANDMARK_TAGS, _IS_LANDMARK),
    **dict.fromkeys(SKIP_TAGS, _IS_SKIPPED), "html": _IS_ROOT, "body": _IS_ROOT, "a": _IS_A,
    "br": _IS_BR, "img": _IS_IMG}
# Elements that _PageEvents._skipped_start reads inside a subtree that is not visible.
_READ_WHEN_SKIPPED: Final = frozenset({"title", "base", "a", "img"})
# Control characters that mark structure in the page's text stream. They are not
# whitespace to str.split, and keep an ASCII page's text ASCII (fast to normalise).
# A page whose own text holds them is streamed again with them removed.
_OPEN: Final = "\x01"  # a link starts
_CLOSE: Final = "\x02"  # a link ends
_BLOCK: Final = "\x03"  # a block ends
_MARKS: Final = re.compile("([\x01\x02])")
_NO_MARKS: Final = dict.fromkeys(map(ord, "\x01\x02\x03"))
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NOT_URL_SCHEMES: Final = ("javascript:", "mailto:", "tel:", "data:")
_URL_WHITESPACE: Final = re.compile(r"[\t\n\r]")
_LANG: Final = re.compile(r"[A-Za-z]{1,8}")
_HIDDEN: Final = "hidden"  # the kind of a skipped subtree whose links still count


class _Resolver:
    """Resolve hrefs against the base URL (fragment removed), with a per-page cache."""

    __slots__ = ("base", "origin", "cache")

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        self.cache: dict[str, str | None] = {}

    def __call__(self, href: str) -> str | None:
        """The absolute URL of ``href``, or None for javascript:, mailto:, tel:, data:."""
        try:
            return self.cache[href]
        except KeyError:
            pass
        value = href.strip()
        head = value[:11].lower()
        url: str | None
        if head.startswith(_NOT_URL_SCHEMES):
            url = None
        else:
            if "\t" in value or "\n" in value or "\r" in value:
                value = _URL_WHITESPACE.sub("", value)
            if head.startswith(("http://", "https://")) and "[" not in value:
                url = value
            elif (value[:1] == "/" and value[1:2] != "/" and self.origin
                  and "/." not in value and "\\" not in value):
                url = self.origin + value
            else:
                try:
                    url = urljoin(self.base, value)
                except ValueError:
                    url = None
            if url is not None and "#" in url:
                url = url.split("#", 1)[0]
        self.cache[href] = url
        return url


def _is_hidden(attrib: dict[str, str]) -> bool:
    """``hidden``, ``aria-hidden="true"`` or an inline style that hides the element."""
    if "hidden" in attrib:
        return True
    aria = attrib.get("aria-hidden")
    if aria is not None and aria.strip().lower() == "true":
        return True
    style = attrib.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


class _Link:
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
_Meta = tuple[Region, int, str, int, int, int]
# One frame per open element: region, is a block boundary, start tick, is a link, tag.
_Frame = tuple[Region, bool, int, bool, str]


class _PageEvents:
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
        self.frames: list[_Frame] = []
        self.tick = 0
        self.parts: list[str] = []  # the page's text stream
        self.dirty = False  # parts hold text or a link mark since the last block ended
        self.metas: list[_Meta] = []  # one per _BLOCK in parts
        self.links: list[_Link] = []
        self.mark_owners: list[_Link] = []  # the link of each _OPEN in parts, in order
        self.link: _Link | None = None  # the link being streamed, if any
        self.elements: dict[int, tuple[int, int]] = {}  # block element id -> (end, parent id)
        self.skip = 0  # depth inside a subtree that is not visible text
        self.skip_kind = ""  # tag of that subtree's root, or _HIDDEN
        self.hidden_region = self.top  # region of the hidden subtree being skipped
        self.hidden_link: _Link | None = None  # the link being read in a hidden subtree
        self.capture: list[str] | None = None  # where text of a skipped subtree goes
        self.title: list[str] | None = None
        self.base: str | None = None
        self.lang: str | None = None

    # -- parser target interface --------------------------------------------------

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.skip:
            self.skip += 1
            if tag in _READ_WHEN_SKIPPED:
                self._skipped_start(tag, attrib)
            return
        tick = self.tick = self.tick + 1
        code = _TAG_CODES.get(tag, _IS_INLINE)
        if code == _IS_SKIPPED:
            self.skip, self.skip_kind = 1, tag
            self._skipped_start(tag, attrib)
            return
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
            if hidden or ("hidden" in attrib or "aria-hidden" in attrib
                           or "style" in attrib) and _is_hidden(attrib):
                if kind is not None:
                    region = self._open_region(kind, landmark, region)
                self.skip, self.skip_kind, self.hidden_region = 1, _HIDDEN, region
                self._skipped_start(tag, attrib)
                return
        elif code == _IS_LANDMARK:
            kind, landmark = element_signal(tag, None, None, None) or (None, False)
        if kind is not None:
            region = self._open_region(kind, landmark, region)
            boundary = True
        if boundary and self.dirty:
            self._end_block(self.region)
        self.region = region
        is_link = False
        if code == _IS_A:
            if self.link is None:
                href = attrib.get("href")
                if href is not None and not href.strip()[:11].lower().startswith(
                        _NOT_URL_SCHEMES):
                    link = self.link = _Link(href, attrib.get("rel"), region, 2 * tick - 1,
                                             len(self.metas))
                    self.links.append(link)
                    self.mark_owners.append(link)
                    self.parts.append(_OPEN)
                    self.dirty = is_link = True
        elif code == _IS_BR:
            self.parts.append(" ")
        elif code == _IS_IMG and self.link is not None and self.link.alt is None and attrib:
            self.link.alt = attrib.get("alt")
        self.frames.append((region, boundary, tick, is_link, tag))

    def end(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            if not self.skip or (self.capture is not None and tag in ("a", "title")):
                self.capture = self.hidden_link = None
            return
        tick = self.tick = self.tick + 1
        frames = self.frames
        if not frames:
            return
        region, boundary, start, is_link, _tag = frames[-1]
        if is_link:
            self.parts.append(_CLOSE)
            self.link = None
        if boundary:
            if self.dirty:
                self._end_block(region)
            frames.pop()
            self.elements[start] = (tick, frames[-1][2] if frames else 0)
        else:
            frames.pop()
        parent = self.region = frames[-1][0] if frames else self.top
        if region is not parent:
            region.end = 2 * tick

    def data(self, text: str) -> None:
        if self.skip:
            if self.capture is not None:
                self.capture.append(text)
            return
        self.parts.append(text)
        if not self.dirty and not text.isspace():
            self.dirty = True

    def close(self) -> None:
        if self.dirty:
            self._end_block(self.region)

    # -- helpers ------------------------------------------------------------------

    def _open_region(self, kind: str, landmark: bool, parent: Region) -> Region:
        region = Region(kind, landmark, parent)
        region.start = region.end = 2 * self.tick
        self.regions.append(region)
        return region

    def _skipped_start(self, tag: str, attrib: dict[str, str]) -> None:
        """An element inside (or at the root of) a subtree that is not visible text."""
        if tag == "title":
            if self.title is None and self.skip_kind in ("head", "title"):
                self.title = self.capture = []
        elif tag == "base":
            if self.base is None and attrib.get("href") is not None:
                self.base = attrib["href"]
        elif tag == "a":
            # links in a hidden subtree still count; their text is read for the anchor
            href = attrib.get("href")
            if self.skip_kind == _HIDDEN and href is not None:
                link = _Link(href, attrib.get("rel"), self.hidden_region, 2 * self.tick - 1, -1)
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
        depth = len(frames)
        link = self.link
        parts = self.parts
        if link is not None:
            parts.append(_CLOSE)
        parts.append(_BLOCK)
        self.metas.append((region, 2 * self.tick - 1, frames[-1][4] if depth else "",
                           frames[-2][2] if depth > 1 else 0,
                           frames[-3][2] if depth > 2 else 0,
                           frames[-4][2] if depth > 3 else 0))
        if link is not None:
            parts.append(_OPEN)
            self.mark_owners.append(link)
        self.dirty = False


class _CleanPageEvents(_PageEvents):
    """For the rare page whose own text holds the mark characters: removes them."""

    def data(self, text: str) -> None:
        super().data(text.translate(_NO_MARKS))


_local = threading.local()


def _parser(clean: bool = False) -> tuple[etree.HTMLParser, _PageEvents]:
    """This thread's parser and its target (reset before each page); ``clean``: the
    one that removes mark characters from the page's text."""
    pairs = getattr(_local, "pairs", None)
    if pairs is None:
        pairs = _local.pairs = {}
    pair = pairs.get(clean)
    if pair is None:
        events = _CleanPageEvents() if clean else _PageEvents()
        parser = etree.HTMLParser(target=events, remove_comments=True, remove_pis=True,
                                  huge_tree=True, encoding="utf-8", default_doctype=False)
        pair = pairs[clean] = (parser, events)
    return pair


def _spans(text: str, owners: Any) -> tuple[str, tuple[LinkSpan, ...], int]:
    """Block text that holds link marks: the text without them, its link spans and the
    number of linked characters. The text of each span is also added to its link's parts.
    """
    found: list[tuple[int, int, _Link]] = []
    opened = text.find(_OPEN)
    closed = text.find(_CLOSE)
    if 0 <= opened < closed and text.find(_OPEN, opened + 1) < 0 and text.find(
            _CLOSE, closed + 1) < 0:
        # one link (most blocks with links: menu items, link lists); the same rules as
        # the loop below, without it
        before, inside, after = text[:opened], text[opened + 1:closed], text[closed + 1:]
        if before[:1] == " ":
            before = before[1:]
        if inside[:1] == " " and (not before or before[-1] == " "):
            inside = inside[1:]
        last = inside or before
        if after[:1] == " " and (not last or last[-1] == " "):
            after = after[1:]
        text = before + inside + after
        if text.endswith(" "):
            text = text[:-1]
        link = next(owners, None)
        if link is not None:
            found.append((len(before), len(before) + len(inside), link))
        return _found_spans(text, found)
    out: list[str] = []
    size = 0
    stack: list[tuple[int, _Link]] = []
    for part in _MARKS.split(text):
        if part == _OPEN:
            link = next(owners, None)
            if link is not None:
                stack.append((size, link))
        elif part == _CLOSE:
            if stack:
                start, link = stack.pop()
                found.append((start, size, link))
        elif part:
            if part[0] == " " and (not size or out[-1][-1] == " "):
                part = part[1:]
                if not part:
                    continue
            out.append(part)
            size += len(part)
    text = "".join(out)
    if text.endswith(" "):
        text = text[:-1]
    for start, link in stack:
        found.append((start, len(text), link))
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    return _found_spans(text, found)


def _found_spans(text: str, found: list[tuple[int, int, _Link]]
                 ) -> tuple[str, tuple[LinkSpan, ...], int]:
    """Trim link spans to the text, give each link its text; as :func:`_spans` returns."""
    spans = []
    linked = 0
    for start, end, link in found:
        if end > len(text):
            end = len(text)
        if start < end and text[start] == " ":
            start += 1
        if start < end and text[end - 1] == " ":
            end -= 1
        if start < end and link.url is not None:
            link.parts.append(text[start:end])
            spans.append(LinkSpan(start, end, link.url))
            linked += end - start
    return text, tuple(spans), linked


def _lang(value: str | None) -> str | None:
    match = _LANG.match(value.strip()) if value else None
    return match.group(0).lower() if match else None


def parse_page(html: bytes | str, url: str, encoding: str | None = None) -> ParsedPage:
    """Parse ``html`` (fetched from ``url``) into visible text blocks and anchors.

    Never raises on bad markup: an empty or unparseable document gives a page
    with no blocks and no anchors.
    """
    try:
        raw, valid = to_utf8(html, encoding)
    except (ValueError, LookupError, TypeError):
        raw, valid = b"", True
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"")
    if not raw.strip():
        return ParsedPage(url=url, base_url=url, title="", lang=None)
    parser, events = _parser()
    text = _stream(raw, parser, events)
    if not valid and invalid_utf8(parser):
        raw = as_cp1252(raw)
        text = _stream(raw, parser, events)
    if (text.count(_BLOCK) != len(events.metas) or text.count(_OPEN) != len(events.mark_owners)
            or text.count(_CLOSE) != len(events.mark_owners)):
        parser, events = _parser(clean=True)  # the page's own text holds a mark
        text = _stream(raw, parser, events)
    base_url = url
    if events.base is not None:
        try:
            base_url = urljoin(url, events.base.strip()) or url
        except ValueError:
            pass
    page = ParsedPage(url=url, base_url=base_url,
                      title=normalize_text("".join(events.title)) if events.title else "",
                      lang=_lang(events.lang))
    _blocks(text, events, _Resolver(base_url), page)
    events.reset()  # drop references to this page
    return page


def _stream(raw: bytes, parser: etree.HTMLParser, events: _PageEvents) -> str:
    """Parse ``raw`` into ``events``; return the page's text stream."""
    events.reset()
    try:
        etree.fromstring(raw, parser)
    except etree.LxmlError:
        events.close()  # keep what was streamed before the error
    return "".join(events.parts)


def _blocks(text: str, events: _PageEvents, resolve: _Resolver, page: ParsedPage) -> None:
    """Cut the page's text stream into blocks, then place blocks and anchors."""
    for link in events.links:
        link.url = resolve(link.href)
    pieces = normalize_text(text).split(_BLOCK)
    owners = iter(events.mark_owners)
    # text, links, linked characters, meta, block number
    blocks: list[tuple[str, tuple[LinkSpan, ...], int, _Meta, int]] = []
    for seg, meta in enumerate(events.metas):
        piece = pieces[seg]
        if _OPEN in piece or _CLOSE in piece:
            block_text, links, linked = _spans(piece, owners)
        else:
            block_text, links, linked = piece.strip(), (), 0
        if block_text:
            blocks.append((block_text, links, linked, meta, seg))
    if not page.title:
        page.title = next((b[0] for b in blocks if b[3][2] == "h1"), "")
    _place(page, events, blocks)


def _place(page: ParsedPage, events: _PageEvents,
           blocks: list[tuple[str, tuple[LinkSpan, ...], int, _Meta, int]]) -> None:
    """Resolve placements and fill the page's blocks and anchors."""
    for text, _links, linked, meta, _seg in blocks:
        meta[0].chars += len(text) - linked
    regions = events.regions
    for region in reversed(regions):  # children were opened after their parents
        if region.parent is not None:
            region.parent.chars += region.chars
    page_chars = regions[0].chars
    resolve_regions(regions, page_chars)
    candidates = [(meta[1], len(text), linked, text.count(","), meta[3], meta[4], meta[5])
                  for text, _links, linked, meta, _seg in blocks
                  if meta[0].placement is None or meta[0].placement == "main"]
    spans = main_spans(candidates, events.elements)
    if spans:
        resolve_regions(regions, page_chars, spans[0])
    by_seg: dict[int, str] = {}
    out = page.blocks
    for text, links, linked, meta, seg in blocks:
        placement = meta[0].placement
        if spans and (placement is None or placement == "main"):
            placement = block_placement(placement, meta[1], len(text), linked, meta[2], spans)
        elif placement is None:
            placement = "main"
        by_seg[seg] = placement
        out.append(TextBlock(text, placement, links))
    seen: set[tuple[str, str, str]] = set()
    for link in events.links:
        target = link.url
        if target is None or not target[:8].lower().startswith(("http://", "https://")):
            continue
        placement = by_seg.get(link.seg) or link.region.placement
        if placement is None:
            placement = block_placement(None, link.pos, 1, 1, "a", spans) if spans else "main"
        text = " ".join(link.parts) if link.seg >= 0 else normalize_text("".join(link.parts))
        if not text and link.alt:
            text = normalize_text(link.alt)
        key = (target, text, placement)
        if key not in seen:
            seen.add(key)
            page.anchors.append(Anchor(target, text, _rel_tokens(link.rel), placement))


_NO_REL: Final[frozenset[str]] = frozenset()


@lru_cache(maxsize=1024)
def _rel_tokens(rel: str | None) -> frozenset[str]:
    """The lower-cased tokens of a rel attribute."""
    return frozenset(rel.lower().split()) if rel else _NO_REL
