"""Parse an HTML page once into visible text blocks and anchors, each with a placement.

One pass over the tree (``lxml.etree.iterwalk``) collects the visible text of
every block-level element, the link spans inside it and every ``<a href>``;
placement signals are passed down as :class:`~.placement.Region` objects and
resolved once at the end (see :mod:`mentionspider.analysis.placement`).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ._html import parse_tree
from .model import Anchor, LinkSpan, ParsedPage, TextBlock
from .placement import (LANDMARK_TAGS, Region, block_placement, element_signal, main_spans,
                        resolve_regions)
from .text import normalize_text

__all__ = ["parse_page"]

#: Elements whose text starts and ends a block.
BLOCK_TAGS: Final = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html "
    "legend li main menu nav ol p pre section summary table tbody td tfoot th thead tr ul"
    .split())
#: Elements whose content is never visible text (their tail still is).
SKIP_TAGS: Final = frozenset(
    "head title meta link base script style noscript template svg iframe object embed "
    "canvas video audio select datalist textarea map param source track frame noframes"
    .split())
_ATTRS: Final = {"class": 1, "id": 1, "role": 2, "itemprop": 3, "hidden": 4, "aria-hidden": 5,
                 "style": 6}
_NO_REGION: Final = frozenset({"html", "body", "a"})  # their class names say nothing
_OPEN: Final = "\ufdd0"  # non-characters: mark where a link starts/ends in block text
_CLOSE: Final = "\ufdd1"
_MARKS: Final = re.compile("([\ufdd0\ufdd1])")
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NOT_URL_SCHEMES: Final = ("javascript:", "mailto:", "tel:", "data:")
_URL_WHITESPACE: Final = re.compile(r"[\t\n\r]")
_LANG: Final = re.compile(r"[A-Za-z]{1,8}")


class _Resolver:
    """Resolve hrefs against the base URL (fragment removed), with a per-page cache."""

    __slots__ = ("base", "origin", "scheme", "cache")

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.scheme = parts.scheme
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


# An anchor while the walk runs: [url, text parts, rel, region, position, segment, element].
_AnchorRec = list


def _with_spans(raw: str, opened_links: list[_AnchorRec]) -> tuple[str, tuple[LinkSpan, ...]]:
    """Normalise text that holds link marks; return it without them, plus the spans.

    The text of each span is also added to its anchor's text parts.
    """
    out: list[str] = []
    size = 0
    stack: list[tuple[int, _AnchorRec]] = []
    found: list[tuple[int, int, _AnchorRec]] = []
    pending = iter(opened_links)
    for part in _MARKS.split(normalize_text(raw)):
        if part == _OPEN:
            record = next(pending, None)
            if record is not None:
                stack.append((size, record))
        elif part == _CLOSE:
            if stack:
                start, record = stack.pop()
                found.append((start, size, record))
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
    for start, record in stack:
        found.append((start, len(text), record))
    spans = []
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    for start, end, record in found:
        if end > len(text):
            end = len(text)
        if start < end and text[start] == " ":
            start += 1
        if start < end and text[end - 1] == " ":
            end -= 1
        if start < end:
            record[1].append(text[start:end])
            spans.append(LinkSpan(start, end, record[0]))
    return text, tuple(spans)


def _lang(root: etree._Element) -> str | None:
    value = root.get("lang") or root.get("xml:lang")
    if not value:
        return None
    match = _LANG.match(value.strip())
    return match.group(0).lower() if match else None


def _title(root: etree._Element) -> str:
    for path in ("head/title", ".//title", ".//h1"):
        element = root.find(path)
        if element is not None:
            text = normalize_text("".join(element.itertext()))
            if text:
                return text
    return ""


def _base_url(root: etree._Element, url: str) -> str:
    base = root.find(".//base[@href]")
    if base is None:
        return url
    try:
        return urljoin(url, (base.get("href") or "").strip()) or url
    except ValueError:
        return url


def parse_page(html: bytes | str, url: str, encoding: str | None = None) -> ParsedPage:
    """Parse ``html`` (fetched from ``url``) into visible text blocks and anchors.

    Never raises on bad markup: an empty or unparseable document gives a page
    with no blocks and no anchors.
    """
    root = parse_tree(html, encoding)
    if root is None or not isinstance(root.tag, str):
        return ParsedPage(url=url, base_url=url, title="", lang=None)
    base_url = _base_url(root, url)
    page = ParsedPage(url=url, base_url=base_url, title=_title(root), lang=_lang(root))
    _walk(root, _Resolver(base_url), page)
    return page


# A block while the walk runs: text, links, region, position, segment, link characters,
# parent element id, grandparent element id, tag of its element.
_BlockRec = tuple[str, tuple[LinkSpan, ...], Region, int, int, int, int, int, str, int]


def _walk(root: etree._Element, resolve: _Resolver, page: ParsedPage) -> None:
    """Fill ``page.blocks`` and ``page.anchors`` from one pass over ``root``.

    Positions are ticks of the walk (two per element): an element spans
    ``[2 * start, 2 * end]`` and a block or anchor sits at an odd position, so
    containment is a comparison. Element ids are their start ticks.
    """
    top = Region(None, True, None)
    regions: list[Region] = [top]
    blocks: list[_BlockRec] = []
    anchors: list[_AnchorRec] = []
    elements: dict[int, tuple[int, int]] = {}  # block-level element id -> (end tick, parent id)
    # One frame per open element: (region, is block boundary, start tick, anchor, tag).
    frames: list[tuple[Region, bool, int, _AnchorRec | None, str]] = []
    region = top
    buf: list[str] = []
    opened: list[_AnchorRec] = []  # anchors whose link mark opens in buf, in order
    link: _AnchorRec | None = None  # the anchor being walked, if any
    seg = 0  # number of the current text segment (one per block)
    tick = 0
    skipping = False

    def flush(region: Region) -> None:
        """End the current block: normalise its text and record it."""
        nonlocal buf, opened, seg
        if link is not None:
            buf.append(_CLOSE)
        raw = "".join(buf)
        if not raw.isspace():
            if len(opened) == 1 and raw[0] == _OPEN and raw[-1] == _CLOSE and (
                    raw.count(_OPEN) == 1 and raw.count(_CLOSE) == 1):
                # the whole block is one link (menus, link lists)
                text = normalize_text(raw[1:-1])
                links: tuple[LinkSpan, ...] = (
                    (LinkSpan(0, len(text), opened[0][0]),) if text else ())
                linked = len(text)
                if text:
                    opened[0][1].append(text)
            elif opened:
                text, links = _with_spans(raw, opened)
                linked = sum([span.end - span.start for span in links])
            else:
                text, links, linked = normalize_text(raw), (), 0
            if text:
                depth = len(frames)
                blocks.append((text, links, region, 2 * tick - 1, seg, linked,
                               frames[-2][2] if depth > 1 else 0,
                               frames[-3][2] if depth > 2 else 0,
                               frames[-1][4] if depth else "",
                               frames[-4][2] if depth > 3 else 0))
        seg += 1
        if link is not None:
            buf = [_OPEN]
            opened = [link]
        else:
            buf = []
            opened = []

    def hidden_anchors(element: etree._Element, region: Region) -> None:
        """Anchors of a hidden subtree: still links, though their text is not visible."""
        for a in element.iter("a"):
            href = a.get("href")
            target = resolve(href) if href is not None else None
            if target is not None:
                text = normalize_text("".join(a.itertext()))
                anchors.append([target, [text] if text else [], a.get("rel"), region,
                                2 * tick - 1, -1, a])

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tick += 1
        if event == "start":
            tag = element.tag
            if tag in SKIP_TAGS or tag.__class__ is not str:
                walker.skip_subtree()
                skipping = True
                continue
            names = role = itemprop = None
            hidden = False
            for key, value in element.items():
                attr = _ATTRS.get(key)
                if attr is None:
                    continue
                if attr == 1:  # class, id
                    names = f"{names} {value}" if names else value
                elif attr == 2:
                    role = value
                elif attr == 3:
                    itemprop = value
                elif attr == 4:  # hidden
                    hidden = True
                elif attr == 5:  # aria-hidden
                    hidden = hidden or value.strip().lower() == "true"
                elif _HIDDEN_STYLE.search(value):  # style
                    hidden = True
            boundary = tag in BLOCK_TAGS
            new_region = region
            if (names or role or itemprop or tag in LANDMARK_TAGS) and tag not in _NO_REGION:
                signal = element_signal(tag, role, names, itemprop)
                if signal is not None:
                    new_region = Region(signal[0], signal[1], region)
                    new_region.start = new_region.end = 2 * tick
                    regions.append(new_region)
                    boundary = True
            if hidden:
                hidden_anchors(element, new_region)
                walker.skip_subtree()
                skipping = True
                continue
            if boundary and buf:
                flush(region)
            region = new_region
            record = None
            if tag == "a":
                href = element.get("href")
                if href is not None and link is None:
                    target = resolve(href)
                    if target is not None:
                        record = link = [target, [], element.get("rel"), region, 2 * tick - 1,
                                         seg, element]
                        anchors.append(record)
                        buf.append(_OPEN)
                        opened.append(record)
            elif tag == "br":
                buf.append(" ")
            frames.append((region, boundary, tick, record, tag))
            text = element.text
            if text:
                buf.append(text)
        else:
            if skipping:
                skipping = False
            else:
                own_region, boundary, start, record, _tag = frames.pop()
                if record is not None:
                    buf.append(_CLOSE)
                    link = None
                if boundary:
                    if buf:
                        frames.append((own_region, boundary, start, record, _tag))
                        flush(own_region)
                        frames.pop()
                    elements[start] = (tick, frames[-1][2] if frames else 0)
                region = frames[-1][0] if frames else top
                if own_region is not region:
                    own_region.end = 2 * tick
            tail = element.tail
            if tail:
                buf.append(tail)
    if buf:
        flush(region)
    _place(page, regions, blocks, anchors, elements)


def _place(page: ParsedPage, regions: list[Region], blocks: list[_BlockRec],
           anchors: list[_AnchorRec], elements: dict[int, tuple[int, int]]) -> None:
    """Resolve placements and fill the page's blocks and anchors."""
    page_chars = 0
    for text, _links, block_region, _pos, _seg, linked, *_rest in blocks:
        chars = len(text) - linked
        page_chars += chars
        region: Region | None = block_region
        while region is not None:
            region.chars += chars
            region = region.parent
    resolve_regions(regions, page_chars)
    candidates = [(pos, len(text), linked, text.count(","), p1, p2, p3)
                  for text, _links, region, pos, _seg, linked, p1, p2, _tag, p3 in blocks
                  if region.placement is None or region.placement == "main"]
    spans = main_spans(candidates, elements)
    if spans:
        resolve_regions(regions, page_chars, spans[0])
    by_seg: dict[int, str] = {}
    out = page.blocks
    for text, links, region, pos, seg, linked, _p1, _p2, tag, _p3 in blocks:
        placement = region.placement
        if spans and (placement is None or placement == "main"):
            placement = block_placement(placement, pos, len(text), linked, tag, spans)
        elif placement is None:
            placement = "main"
        by_seg[seg] = placement
        out.append(TextBlock(text, placement, links))
    seen: set[tuple[str, str, str]] = set()
    for target, parts, rel, region, pos, seg, element in anchors:
        if not target[:8].lower().startswith(("http://", "https://")):
            continue
        placement = by_seg.get(seg) or region.placement
        if placement is None:
            placement = block_placement(None, pos, 1, 1, "a", spans) if spans else "main"
        text = " ".join(parts)
        if not text:
            image = element.find(".//img[@alt]")
            if image is not None:
                text = normalize_text(image.get("alt") or "")
        key = (target, text, placement)
        if key not in seen:
            seen.add(key)
            page.anchors.append(Anchor(target, text, frozenset(rel.lower().split()) if rel
                                       else frozenset(), placement))
