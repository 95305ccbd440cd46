"""Parse an HTML page once into visible text blocks and anchors, each with a placement.

No tree is built: :class:`~.stream.PageEvents` is an lxml parser *target*, so
libxml2's start/end/data events stream straight into the page's text. The visible
text of the whole page goes into one string, with a separator where a block-level
element starts or ends and marks where a link starts and ends; it is normalised
once (:func:`~.text.normalize_text`'s rules) and cut into blocks afterwards. Placement signals are collected as :class:`~.placement.Region`
objects during the stream and resolved at the end (see
:mod:`mentionspider.analysis.placement`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import Final, NamedTuple
from urllib.parse import urljoin, urlsplit

from ._html import as_cp1252, to_utf8
from .model import Anchor, LinkSpan, ParsedPage, TextBlock
from .placement import (
    AFTER,
    BETWEEN_PARAGRAPHS,
    BEFORE,
    CARD_LIST,
    CONTROL,
    FURNITURE_HEADING,
    IN_MAIN_REGION,
    IN_ZONE,
    INTRO,
    LINK_CARD_LIST,
    LINK_DENSE_MAIN,
    PROMO_IN_CONTENT,
    LINK_LIST,
    LINKS_OUTSIDE,
    MAIN_REGION_TEXT,
    MARKUP,
    NO_MAIN,
    NOTICE,
    PRODUCT,
    CALL_TO_ACTION,
    DATELINE,
    SHORT_LINE,
    SHELF,
    SHORT_LINE_CHARS,
    SHOP_LINE,
    SMALL_PRINT,
    THREAD_POSTS,
    Region,
    article_page,
    block_placement,
    control_label,
    find_main,
    furniture_heading,
    product_page,
    resolve_regions,
    shop_line,
    reader_notice,
    call_to_action,
    byline,
    dateline,
    hero_text,
    intro_text,
    promo_copy,
    promo_in_content,
    sentence_line,
    shows_price,
    signed,
    small_print,
    user_panel,
)
from .stream import BLOCK, CLOSE, NOT_URL_SCHEMES, OPEN, Meta, PageEvents, StreamedLink, stream
from .text import normalize_text

__all__ = ["PlacedBlock", "explain_placement", "parse_page"]

_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MARKS: Final = re.compile(f"([{OPEN}{CLOSE}])")
_URL_WHITESPACE: Final = re.compile(r"[\t\n\r]")
_LANG: Final = re.compile(r"[A-Za-z]{1,8}")
#: Running text the regions marked as main content need to be searched on their own.
_MARKED_MAIN: Final = 300
#: Running text outside the comments under which a page whose comments hold most of its
#: text is a thread (forum, Q&A) rather than an article with a lively discussion.
_THREAD_OPENING: Final = 1500
#: Most levels from a poster's panel up to the post that holds it.
_POST_CLIMB: Final = 4
#: Posters' panels (one per post) that make a page a thread.
_POSTERS: Final = 3
#: Running text of the first paragraph of a page's own text: the opening post on a thread.
_OPENING_POST: Final = 80
#: Linked titles of items in a row that make a list of cards, and the most blocks between two.
_CARD_RUN: Final = 3
_CARD_GAP: Final = 8
#: Most blocks between two titles laid out alike (at one depth below one container: the
#: tiles of a grid, however much text each holds), and most levels looked up for that.
_GRID_GAP: Final = 40
_GRID_DEPTH: Final = 12
#: Items from which a run of tiles most of which show a price is a shop's shelf, the page's
#: own list whatever text is denser beside it (unless that is an article container's).
_SHELF_ITEMS: Final = 8
#: Cards a run needs to be the page's own list when it holds more text than the densest part.
_CARD_LIST: Final = 4
#: Plain blocks (a price, a rating) a tile has after its title, at least, in a run of tiles.
_TILE_TEXT: Final = 2
#: Running text of the densest part from which the page is an article, not a listing.
_ARTICLE_TEXT: Final = 1000
# Rules that place a block beside the main content, which a listing's own list of cards
# overrides.
_BESIDE_THE_CONTENT: Final = frozenset({BEFORE, AFTER, LINKS_OUTSIDE, LINK_LIST, SHORT_LINE})
# Rules that place a block beside the main content by where it sits, which the span of a
# product's page overrides.
_BESIDE_THE_PRODUCT: Final = frozenset({BEFORE, AFTER, SHORT_LINE})
# Rules whose explanation names the element that made the region.
_WITH_SIGNAL: Final = frozenset({MARKUP, IN_MAIN_REGION, LINK_DENSE_MAIN, MAIN_REGION_TEXT})
# Builds the named tuples of a page (LinkSpan, TextBlock, Anchor: hundreds a page) in C:
# ``_new(TextBlock, (text, placement, links))`` is what ``TextBlock(...)`` does, without the
# Python call of its generated ``__new__``.
_new: Final = tuple.__new__


class _Resolver:
    """Resolve hrefs against the base URL (fragment removed), with a per-page cache."""

    __slots__ = ("base", "cache", "origin")

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
        if head.startswith(NOT_URL_SCHEMES):
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


def _spans(text: str, owners: Iterator[StreamedLink]) -> tuple[str, tuple[LinkSpan, ...], int]:
    """Block text that holds link marks: the text without them, its link spans and the
    number of linked characters. The text of each span is also added to its link's parts.
    """
    opened = text.find(OPEN)
    closed = text.find(CLOSE)
    if 0 <= opened < closed and text.find(OPEN, opened + 1) < 0 and text.find(
            CLOSE, closed + 1) < 0:
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
        text = (before + inside + after).removesuffix(" ")
        link = next(owners, None)
        if link is None or link.url is None:
            return text, (), 0
        # (what _found_spans does, for one link)
        start = len(before)
        end = min(start + len(inside), len(text))
        if start < end and text[start] == " ":
            start += 1
        if start < end and text[end - 1] == " ":
            end -= 1
        if start >= end:
            return text, (), 0
        link.parts.append(text[start:end])
        return text, (_new(LinkSpan, (start, end, link.url)),), end - start
    found: list[tuple[int, int, StreamedLink]] = []
    out: list[str] = []
    size = 0
    stack: list[tuple[int, StreamedLink]] = []
    for part in _MARKS.split(text):
        if part == OPEN:
            link = next(owners, None)
            if link is not None:
                stack.append((size, link))
        elif part == CLOSE:
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
    text = text.removesuffix(" ")
    for start, link in stack:
        found.append((start, len(text), link))
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    return _found_spans(text, found)


def _found_spans(text: str, found: list[tuple[int, int, StreamedLink]]
                 ) -> tuple[str, tuple[LinkSpan, ...], int]:
    """Trim link spans to the text, give each link its text; as :func:`_spans` returns."""
    spans = []
    linked = 0
    for start, end, link in found:
        end = min(end, len(text))
        if start < end and text[start] == " ":
            start += 1
        if start < end and text[end - 1] == " ":
            end -= 1
        if start < end and link.url is not None:
            link.parts.append(text[start:end])
            spans.append(_new(LinkSpan, (start, end, link.url)))
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
    return _parse(html, url, encoding, None)


class PlacedBlock(NamedTuple):
    """One block of a page with its placement and the rule that made it."""

    text: str
    placement: str
    rule: str


def explain_placement(html: bytes | str, url: str,
                      encoding: str | None = None) -> list[PlacedBlock]:
    """Every block of a page, in order, with its placement and the rule that made it:
    the markup (and which element) or the density evidence (see
    :func:`~.placement.block_placement`). The same placements as :func:`parse_page`.
    """
    why: list[str] = []
    page = _parse(html, url, encoding, why)
    return [PlacedBlock(block.text, block.placement, rule)
            for block, rule in zip(page.blocks, why)]


def _parse(html: bytes | str, url: str, encoding: str | None,
           why: list[str] | None) -> ParsedPage:
    try:
        raw, valid = to_utf8(html, encoding)
    except (ValueError, LookupError, TypeError):
        raw, valid = b"", True
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"")
    if not raw.strip():
        return ParsedPage(url=url, base_url=url, title="", lang=None)
    text, events, not_utf8 = stream(raw, check_utf8=not valid)
    if not_utf8:  # undeclared, and not UTF-8 after all
        text, events, _ = stream(as_cp1252(raw))
    base_url = url
    if events.base is not None:
        try:
            base_url = urljoin(url, events.base.strip()) or url
        except ValueError:
            pass
    page = ParsedPage(url=url, base_url=base_url,
                      title=normalize_text("".join(events.title)) if events.title else "",
                      lang=_lang(events.lang))
    _blocks(text, events, _Resolver(base_url), page, why)
    events.reset()  # drop references to this page
    return page


def _blocks(text: str, events: PageEvents, resolve: _Resolver, page: ParsedPage,
            why: list[str] | None) -> None:
    """Cut the page's text stream into blocks, then place blocks and anchors."""
    for link in events.links:
        link.url = resolve(link.href)
    pieces = normalize_text(text).split(BLOCK)
    owners = iter(events.mark_owners)
    # text, links, linked characters, meta, block number
    blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]] = []
    for seg, meta in enumerate(events.metas):
        piece = pieces[seg]
        if OPEN in piece or CLOSE in piece:
            block_text, links, linked = _spans(piece, owners)
        else:
            block_text, links, linked = piece.strip(), (), 0
        if block_text:
            blocks.append((block_text, links, linked, meta, seg))
    if not page.title:
        page.title = next((b[0] for b in blocks if b[3][2] == "h1"), "")
    _place(page, events, blocks, why)


def _place(page: ParsedPage, events: PageEvents,
           blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
           why: list[str] | None = None) -> None:
    """Resolve placements and fill the page's blocks and anchors; with ``why``, append
    the rule that placed each block to it."""
    for text, _links, linked, meta, _seg in blocks:
        region = meta[0]
        region.chars += len(text) - linked
        region.linked += linked
    regions = events.regions
    for region in reversed(regions):  # children were opened after their parents
        if region.parent is not None:
            region.parent.chars += region.chars
            region.parent.linked += region.linked
    page_chars = regions[0].chars
    resolve_regions(regions, page_chars)
    thread = _is_thread(events, blocks)
    if thread:
        resolve_regions(regions, page_chars, thread=True)
    # Markup beats density: when the regions marked as main content (<main>, <article>,
    # articleBody, entry-content...) hold real running text, the densest part of the
    # page is looked for among them only, not in an unmarked list of teasers next to them.
    candidates: list[tuple[int, int, int, int, int, int, int]] = []
    marked: list[tuple[int, int, int, int, int, int, int]] = []
    for text, _links, linked, meta, _seg in blocks:
        placement = meta[0].placement
        if placement is None or placement == "main":
            candidate = (meta[1], len(text), linked, text.count(","), meta[3], meta[4], meta[5])
            candidates.append(candidate)
            if placement == "main" and 2 * linked < len(text):
                marked.append(candidate)
    main = None
    density: tuple[int, int] | None = None  # the zone found by density, if posts stretch it
    if sum(chars - linked for _pos, chars, linked, *_rest in marked) >= _MARKED_MAIN:
        main = find_main(marked, events.elements)
    if main is None:
        main = find_main(candidates, events.elements)
    if main is not None:
        main.thread = thread
        main.marked = any(region.kind == "main" for region in regions)
        if thread:
            density = main.zone
            texts = [meta[1] for text, _links, linked, meta, _seg in blocks
                     if len(text) > linked]
            first, last = _with_posts(density, regions, events.elements, texts)
            # the thread's title: what follows it, up to the posts, is the opening post
            title = next((meta[1] for _t, _l, _k, meta, _s in blocks if meta[2] == "h1"), first)
            main.zone = (min(first, title), last)
        resolve_regions(regions, page_chars, main.zone, thread, main.spans[0])
    cards: set[int] | tuple[()] = ()
    shelves: set[int] | tuple[()] = ()
    grid: set[int] | tuple[()] = ()
    link_cards: set[int] | tuple[()] = ()
    link_grid: set[int] | tuple[()] = ()
    if main is not None:
        content = 0
        article = False  # the densest part is in an article container (not the page's <main>)
        for text, _links, linked, meta, _seg in blocks:
            if 2 * linked < len(text):
                pos = meta[1]
                for start, end in main.spans:
                    if start < pos < end:
                        content += len(text) - linked
                        top = meta[0].top
                        if top is not None and top.tag != "main" and (
                                top.attrib.get("role") != "main"):
                            article = True
                        break
        # (a list of cards beside an article's text is "more stories", however long)
        best = main.spans[0][0]
        main.short = content < _ARTICLE_TEXT and not any(
            region.tag == "article" and region.start <= best < region.end for region in regions)
        # (a shop's shelf beside a longer description or buying guide is still its list)
        shelf = _SHELF_ITEMS if not article else 1 << 30
        if not main.marked:
            main.lead = _landing_lead(blocks, main.zone[0])
        if not thread:  # (on a thread the posts are the items)
            cards, grid, shelves = _card_titles(
                blocks, content if content < _ARTICLE_TEXT else 1 << 62, events.elements, shelf)
        # (nor are cards that are each one link after an article container's short text)
        link_cards, link_grid, link_shelves = _link_cards(
            blocks, content if content < _ARTICLE_TEXT and not article else 1 << 62, shelf)
        shelves = set(shelves) | link_shelves
    product = _product_span(events, blocks) if main is not None else None
    under = _under_furniture_headings(blocks, events.elements) if main is not None else ()
    paragraphs = _paragraph_runs(blocks) if main is not None else {}
    # (the page's own <h1>, and whether the blocks after it may still be its intro: not
    # under an article's headline, whose standfirst is no part of its body)
    headline = _headline(blocks) if main is not None else len(blocks)
    intro = headline < len(blocks) and main is not None and not article_page(
        events.itemtypes, "".join(events.ld_json)) and not _signed_between(
        blocks, blocks[headline][3][1], main.zone[0])
    by_seg: dict[int, str] = {}
    out = page.blocks
    # (on a page that is no article, a promotion's copy between the page's own paragraphs
    # is its text: the offers of a landing page)
    landing = main.zone if main is not None and (not main.marked or main.short) else None
    for index, (text, links, linked, meta, seg) in enumerate(blocks):
        placement = meta[0].placement
        rule = MARKUP
        if (landing is not None and placement == "sidebar" and promo_copy(len(text), linked)
                and promo_in_content(meta[0], landing) and not call_to_action(text)
                and not reader_notice(text) and not small_print(text)):
            placement, rule = "main", PROMO_IN_CONTENT
        elif placement is None or placement == "main":
            if main is not None:
                placement, rule = block_placement(meta[0], meta[1], len(text), linked,
                                                  meta[2], main,
                                                  index in cards or index in link_cards)
                if rule == SHORT_LINE:
                    run = paragraphs.get(meta[0].top)
                    if run is not None and run[0] < meta[1] < run[1] and sentence_line(text):
                        placement, rule = "main", BETWEEN_PARAGRAPHS
                if intro and rule == BEFORE and index > headline and intro_text(
                        text, linked, meta[2] in _HEADINGS and index > headline + 1):
                    placement, rule = "main", INTRO
                if (product is not None and rule in _BESIDE_THE_PRODUCT
                        and product[0] <= meta[1] < product[1]):
                    placement, rule = "main", PRODUCT
                if index in grid and rule in _BESIDE_THE_CONTENT:
                    placement, rule = "main", CARD_LIST
                elif index in link_grid and rule in _BESIDE_THE_CONTENT:
                    placement, rule = "main", LINK_CARD_LIST
                elif index in shelves and rule in _BESIDE_THE_CONTENT:
                    placement, rule = "main", SHELF
                elif (rule in (IN_ZONE, IN_MAIN_REGION) and density is not None
                      and not density[0] <= meta[1] <= density[1]):
                    rule = THREAD_POSTS
                if placement == "main":
                    if index in under:
                        placement, rule = "sidebar", FURNITURE_HEADING
                    elif (line := _furniture_line(text)) is not None:
                        placement, rule = line
                    elif dateline(text):
                        # (before the text it dates, or after it)
                        run = paragraphs.get(meta[0].top)
                        start = run[0] if run is not None else main.spans[0][0]
                        placement = "header" if meta[1] < start else "footer"
                        rule = DATELINE
            else:
                # (a page without running text still has its buttons and small print)
                placement, rule = _furniture_line(text) or ("main", NO_MAIN)
        if intro and index > headline and placement != "main":
            intro = False
        if why is not None:
            why.append(f"{rule}: {_signal(meta[0])}" if rule in _WITH_SIGNAL else rule)
        by_seg[seg] = placement
        out.append(_new(TextBlock, (text, placement, links)))
    seen: set[tuple[str, str, str]] = set()
    for link in events.links:
        target = link.url
        if target is None or not target[:8].lower().startswith(("http://", "https://")):
            continue
        placement = by_seg.get(link.seg) or link.region.placement
        if placement is None:
            placement = (block_placement(link.region, link.pos, 1, 1, "a", main)[0] if main
                         else "main")
        text = " ".join(link.parts) if link.seg >= 0 else normalize_text("".join(link.parts))
        if not text and link.alt:
            text = normalize_text(link.alt)
        key = (target, text, placement)
        if key not in seen:
            seen.add(key)
            page.anchors.append(_new(Anchor, (target, text, _rel_tokens(link.rel), placement)))


def _card_titles(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
                 content: int, elements: dict[int, tuple[int, int]], shelf: int
                 ) -> tuple[set[int], set[int], set[int]]:
    """The blocks that are the linked titles of a run of items with text of their own,
    and the blocks of each such run that holds more text than ``content`` (the
    running text of the densest part of the page): a listing's own list.

    A teaser card, a product tile or a search result is a link (its title)
    next to a line that is not a link (a summary, a price, a date, a rating),
    both inside the item's element: the block before or after it shares its
    parent or grandparent and is mostly plain text. Such titles count when at
    least :data:`_CARD_RUN` of them, of the same element but each in its own
    item (not one parent), follow each other with at most :data:`_CARD_GAP`
    blocks between them (a list, a grid), or at most :data:`_GRID_GAP` when
    they sit at one depth below one container (rich tiles: key features,
    prices, offers), not counting titles of other elements between them (a
    tile's linked review count): a menu or a list of related links is links
    only, a lone "Read more: ..." promo is one item, and links set as
    paragraphs between an article's paragraphs share their parent (or, far
    apart, are paragraphs: no tiles). On a thread the caller asks for none:
    its items are the posts. The titles of :func:`_tile_runs` that are no list
    (beside a longer text, a buying guide) are titles too. Third: the blocks of
    the runs that are no list but have ``shelf`` items or more, most of them
    priced (:func:`_priced`): a shop's shelf.
    """
    titles: list[int] = []
    last = len(blocks) - 1
    for index, (text, _links, linked, meta, _seg) in enumerate(blocks):
        if not linked or 2 * linked < len(text) or meta[0].placement not in (None, "main"):
            continue  # (a card's tags or share bar, marked up as such, are no title)
        near = (meta[3], meta[4])
        for other in (index - 1, index + 1):
            if 0 <= other <= last:
                o_text, _o_links, o_linked, o_meta, _o_seg = blocks[other]
                if 2 * o_linked < len(o_text) and (o_meta[3] in near or o_meta[4] in near):
                    titles.append(index)
                    break
    found: set[int] = set()
    lists: set[int] = set()
    shelves: set[int] = set()

    def close(run: list[int]) -> None:
        if len(run) < _CARD_RUN:
            return
        found.update(run)
        end = min(last, run[-1] + run[-1] - run[-2])  # the last item's own text too
        if len(run) >= _CARD_LIST and sum(len(blocks[i][0]) for i in range(run[0], end + 1)
                                         ) > content:
            lists.update(range(run[0], end + 1))
        elif len(run) >= shelf and _priced(blocks, run, end):
            shelves.update(range(run[0], end + 1))

    # one run per element (a card's other linked lines, its rating or its "more options",
    # are of another element and do not break the run of its titles)
    runs: dict[str, tuple[list[int], tuple[int, int] | None]] = {}
    for index in titles:
        meta = blocks[index][3]
        run, grid = runs.get(meta[2], ([], None))
        if run:
            previous = blocks[run[-1]][3]
            gap = index - run[-1]
            laid = (_laid_out_alike(previous, meta, elements)
                    if gap <= _GRID_GAP and meta[2] != "p" else None)
            if meta[3] == previous[3] or not (
                    gap <= _CARD_GAP or laid is not None and grid in (None, laid)):
                close(run)
                run, laid = [], None
            grid = laid
        else:
            grid = None
        run.append(index)
        runs[meta[2]] = (run, grid)
    for run, _grid in runs.values():
        close(run)
    tiles, tile_lists, tile_shelves = _tile_runs(blocks, content, shelf)
    found.update(tiles)
    lists.update(tile_lists)
    shelves.update(tile_shelves)
    return found, lists, shelves


def _priced(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
            starts: list[int], end: int) -> bool:
    """Whether most of the items that start at ``starts`` (and the last up to ``end``)
    show a price: the tiles of a shop's shelf, not a list of stories."""
    bounds = [*starts[1:], end + 1]
    priced = sum(1 for first, stop in zip(starts, bounds)
                 if any(shows_price(blocks[i][0]) for i in range(first, stop)))
    return 2 * priced >= len(starts)


def _laid_out_alike(first: Meta, second: Meta, elements: dict[int, tuple[int, int]]
                    ) -> tuple[int, int] | None:
    """(container, depth) when two blocks sit at the same depth below their nearest common
    ancestor (two tiles of one grid), else None."""
    chain = _ancestry(first, elements)
    depth_of = {element: depth for depth, element in enumerate(chain)}
    for depth, element in enumerate(_ancestry(second, elements)):
        if element in depth_of:
            return (element, depth) if depth_of[element] == depth else None
    return None


def _ancestry(meta: Meta, elements: dict[int, tuple[int, int]]) -> list[int]:
    """The ids of a block's parent and of its next ancestors, up to :data:`_GRID_DEPTH`."""
    chain = [meta[3], meta[4], meta[5]]
    element = meta[5]
    while element in elements and len(chain) < _GRID_DEPTH:
        element = elements[element][1]
        chain.append(element)
    return chain


def _link_cards(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
                content: int, shelf: int) -> tuple[set[int], set[int], set[int]]:
    """The blocks of runs of cards that are each one link (title, summary, price, byline
    inside one ``<a>``), and those of such runs that hold more text than ``content``.

    A card whose whole text is one link shows as two or more blocks in a row that
    are all link text to one URL; a menu's items are one block each. :data:`_CARD_RUN`
    such cards, one after the other with at most :data:`_CARD_GAP` blocks between
    them and each to another URL, are a list of cards; :data:`_CARD_LIST` of them
    that hold more text than the densest part, the listing's own list. Third, the
    blocks of the other runs of ``shelf`` cards or more, most of them priced (a
    shop's shelf).
    """
    cards: list[tuple[int, int]] = []  # (first block, last block) of each one-link card
    start = -1
    url = ""
    for index, (text, links, linked, _meta, _seg) in enumerate(blocks):
        whole = len(links) == 1 and linked == len(text)
        if whole and links[0].url == url and start >= 0:
            continue
        if start >= 0 and index - 1 > start:
            cards.append((start, index - 1))
        start, url = (index, links[0].url) if whole else (-1, "")
    if start >= 0 and len(blocks) - 1 > start:
        cards.append((start, len(blocks) - 1))
    found: set[int] = set()
    lists: set[int] = set()
    shelves: set[int] = set()
    run: list[tuple[int, int]] = []

    def close(run: list[tuple[int, int]]) -> None:
        if len(run) < _CARD_RUN:
            return
        first, last = run[0][0], run[-1][1]
        found.update(range(first, last + 1))
        if len(run) >= _CARD_LIST and sum(len(blocks[i][0]) for i in range(first, last + 1)
                                         ) > content:
            lists.update(range(first, last + 1))
        elif len(run) >= shelf and _priced(blocks, [card[0] for card in run], last):
            shelves.update(range(first, last + 1))

    for card in cards:
        if run and (card[0] - run[-1][1] > _CARD_GAP
                    or blocks[card[0]][3][2] != blocks[run[-1][0]][3][2]):
            close(run)
            run = []
        run.append(card)
    close(run)
    return found, lists, shelves


def _tile_runs(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
               content: int, shelf: int) -> tuple[set[int], set[int], set[int]]:
    """The titles of runs of tiles, the blocks of those runs that hold more text than
    ``content`` (the titles of the other runs only are returned as titles), and the
    blocks of the other runs of ``shelf`` tiles or more, most of them priced.

    A product tile whose title is the text of the item's own element
    (``<li><a>title</a><div>price</div>...</li>``) has its price, rating and
    specifications nested deeper, so no neighbour of the title shares its
    parent for :func:`_card_titles` to see. The tiles of a grid still show
    as linked titles of the same element under one parent, each followed by
    at least :data:`_TILE_TEXT` plain blocks of its own before the next (a
    menu's items follow each other with nothing between).
    :data:`_CARD_LIST` of them in a row, with the text between, are a grid.
    """
    titles: set[int] = set()
    lists: set[int] = set()
    shelves: set[int] = set()
    run: list[int] = []
    plain = 0

    def close(run: list[int]) -> None:
        if len(run) < _CARD_LIST:
            return
        end = min(len(blocks) - 1, run[-1] + run[-1] - run[-2])
        if sum(len(blocks[i][0]) for i in range(run[0], end + 1)) > content:
            lists.update(range(run[0], end + 1))
        else:  # (beside a longer text, a buying guide: its titles are still titles)
            titles.update(i for i in run if blocks[i][3][0].placement in (None, "main"))
            if len(run) >= shelf and _priced(blocks, run, end):
                shelves.update(range(run[0], end + 1))

    for index, (text, _links, linked, meta, _seg) in enumerate(blocks):
        if not linked or 2 * linked < len(text):
            if not linked:
                plain += 1
            continue
        if run:
            previous = blocks[run[-1]][3]
            if plain >= _TILE_TEXT and meta[2] == previous[2] and meta[3] == previous[3]:
                run.append(index)
                plain = 0
                continue
            if plain < _TILE_TEXT and meta[3] != previous[3] and index - run[-1] <= 1:
                plain = 0
                continue  # a link inside the tile (its image, its brand)
            close(run)
        run, plain = [index], 0
    close(run)
    return titles, lists, shelves


def _landing_lead(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
                  start: int) -> int | None:
    """Where the text of a landing page starts, before ``start`` (its main content's
    zone): the headline or the first paragraph of running text (a pitch), whichever
    comes first; None when there is neither, or when a line between it and the zone
    dates or signs the page (a byline, "5 min read": an article's headline)."""
    lead = None
    for text, _links, linked, meta, _seg in blocks:
        if meta[1] >= start:
            break
        if lead is None:
            if not (meta[2] == "h1" and 2 * linked < len(text) or hero_text(len(text), linked)):
                continue
            lead = meta[1]
        if byline(text):
            return None
    return lead


def _headline(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]]) -> int:
    """The index of the page's own ``<h1>``: the first one that is mostly not links and
    sits in no furniture (a site's name in its header is none); ``len(blocks)`` if none."""
    for index, (text, _links, linked, meta, _seg) in enumerate(blocks):
        if meta[2] == "h1" and 2 * linked < len(text) and meta[0].placement in (None, "main"):
            return index
    return len(blocks)


def _signed_between(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
                    start: int, end: int) -> bool:
    """Whether a line between the positions ``start`` and ``end`` dates or signs the page
    (a byline, "5 min read"): what lies between them is an article's headline and standfirst."""
    for text, _links, _linked, meta, _seg in blocks:
        if meta[1] >= end:
            break
        if meta[1] > start and signed(text):
            return True
    return False


def _paragraph_runs(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]]
                    ) -> dict[Region | None, tuple[int, int]]:
    """For each outermost main region, the positions of its first and last paragraph of
    running text (at least ``SHORT_LINE_CHARS`` characters besides links, mostly not links)."""
    runs: dict[Region | None, tuple[int, int]] = {}
    for text, _links, linked, meta, _seg in blocks:
        top = meta[0].top
        if top is None or len(text) - linked < SHORT_LINE_CHARS or 2 * linked >= len(text):
            continue
        pos = meta[1]
        run = runs.get(top)
        runs[top] = (pos, pos) if run is None else (run[0], pos)
    return runs


def _furniture_line(text: str) -> tuple[str, str] | None:
    """(placement, rule) of a short line that is page furniture wherever it sits: a
    control's label, small print, a shop's service line, a notice to the reader, a call
    to action; None for any other text."""
    if control_label(text):
        return "sidebar", CONTROL
    if small_print(text):
        return "footer", SMALL_PRINT
    if shop_line(text):
        return "sidebar", SHOP_LINE
    if reader_notice(text):
        return "sidebar", NOTICE
    if call_to_action(text):
        return "sidebar", CALL_TO_ACTION
    return None


def _under_furniture_headings(blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]],
                              elements: dict[int, tuple[int, int]]) -> set[int]:
    """Indexes of the headings that name page furniture ("Related posts", "You may
    also like", "Discussion about this post") and of the blocks after each, up to
    the next heading or the end of the element that holds the heading and the
    block after it."""
    found: set[int] = set()
    last = len(blocks) - 1
    index = 0
    while index <= last:
        text, _links, _linked, meta, _seg = blocks[index]
        if meta[2] not in _HEADINGS or not furniture_heading(text):
            index += 1
            continue
        found.add(index)
        if index == last:
            break
        following = blocks[index + 1][3][1]
        holder = meta[3] if meta[3] in elements else meta[4]
        for _climb in range(3):
            if holder not in elements or 2 * elements[holder][0] > following:
                break
            holder = elements[holder][1]
        end = 2 * elements[holder][0] if holder in elements else 0
        index += 1
        while index <= last and blocks[index][3][1] < end and blocks[index][3][2] not in _HEADINGS:
            found.add(index)
            index += 1
    return found


def _product_span(events: PageEvents,
                  blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]]
                  ) -> tuple[int, int] | None:
    """On a product's page (schema.org Product, no article), the positions from its
    ``<h1>`` (the product's name) to the start of the page's footer (the first footer
    region after it that is not inside another region), or to the end of the page; else None.

    A product's page is its name, price, options, description and specifications, spread
    over a gallery, a buy box, tabs and tables: no part of it is dense enough to stand
    for the rest, as an article's text does.
    """
    if not product_page(events.itemtypes, "".join(events.ld_json)):
        return None
    start = next((meta[1] for _t, _l, _k, meta, _s in blocks if meta[2] == "h1"), None)
    if start is None:
        return None
    end = next((region.start for region in events.regions
                if region.kind == "footer" and region.placement == "footer"
                and region.start > start and region.parent is not None
                and region.parent.placement is None), 1 << 62)
    return start, end


def _is_thread(events: PageEvents,
               blocks: list[tuple[str, tuple[LinkSpan, ...], int, Meta, int]]) -> bool:
    """Whether the comments of a page are its content: a forum thread or a Q&A page.

    So when the page marks posts up as schema.org forum posts, questions or
    answers, when the first paragraph of the page's own text (the opening post)
    sits in a comment region, or when its comment regions hold more than twice the running text of
    everything else that could be main content and that text is short and not
    marked as main content (no article: the opening post is often just the first
    "comment").
    """
    threads = panels = 0
    for region in events.regions:
        if region.placement == "comments" and (region.parent is None
                                               or region.parent.placement != "comments"):
            threads += region.chars
        elif user_panel(region):
            panels += 1
    if events.thread or panels >= _POSTERS:
        return True
    if not threads:
        return False
    for text, _links, linked, meta, _seg in blocks:
        if len(text) - linked >= _OPENING_POST and 2 * linked < len(text):
            placement = meta[0].placement
            if placement == "comments":
                return True  # the first post is one of the "comments"
            if placement is None or placement == "main":
                break
    rest = marked = 0
    for text, _links, linked, meta, _seg in blocks:
        placement = meta[0].placement
        if (placement is None or placement == "main") and 2 * linked < len(text):
            rest += len(text) - linked
            if placement == "main":
                marked += len(text) - linked
    return threads > 2 * rest and rest < _THREAD_OPENING and marked < _MARKED_MAIN


def _with_posts(zone: tuple[int, int], regions: list[Region],
                elements: dict[int, tuple[int, int]], texts: list[int]) -> tuple[int, int]:
    """The main content's zone on a thread, stretched over its posts: from the first
    poster's panel to the end of the post that holds the last one. The post is the
    element around the panel (its body sits next to it) or, when the panel is nested
    deeper (XenForo's user details inside the post's user cell), the nearest ancestor
    that also holds text after the panel, short of one that holds the next panel too.
    Density alone stops at the longest posts and leaves short replies out. (The caller
    stretches it back to the thread's title too: an opening post whose poster's card
    comes after it, as on Q&A sites.) ``texts`` are the sorted positions of the blocks
    that hold text besides links."""
    first, last = zone
    panels = [region for region in regions if user_panel(region)]
    depth = 0  # levels from the panel up to its post, as the posts before the last show
    ends_of = [_ancestor_ends(region, elements) for region in panels]
    for number, region in enumerate(panels):
        first = min(first, region.start)
        ends = ends_of[number]
        # (the next post's panel: one of the same parent is this post's, as XenForo's
        # user details and user extras)
        following = next((panels[later].start for later in range(number + 1, len(panels))
                          if ends_of[later][:1] != ends[:1]), None)
        if following is not None:
            after = bisect_right(texts, region.end)
            text_after = texts[after] if after < len(texts) else following
            depth = 0
            # (the first ancestor that holds text after the panel, short of the next panel)
            while (depth + 1 < len(ends) and ends[depth] <= text_after
                   and ends[depth + 1] <= following):
                depth += 1
        if ends:
            last = max(last, ends[min(depth, len(ends) - 1)])
        else:
            last = max(last, region.end)
    return first, last


def _ancestor_ends(region: Region, elements: dict[int, tuple[int, int]]) -> list[int]:
    """The end positions of the parent of a region's element and of its next
    ancestors, up to ``_POST_CLIMB`` of them."""
    ends: list[int] = []
    element = elements.get(region.start // 2)
    while element is not None and element[1] in elements and len(ends) < _POST_CLIMB:
        ends.append(2 * elements[element[1]][0])
        element = elements[element[1]]
    return ends


def _signal(region: Region) -> str:
    """The element whose markup decided a region's placement."""
    while region.parent is not None and region.parent.placement == region.placement and (
            region.kind != region.placement):
        region = region.parent
    return region.describe()


_NO_REL: Final[frozenset[str]] = frozenset()


@lru_cache(maxsize=1024)
def _rel_tokens(rel: str | None) -> frozenset[str]:
    """The lower-cased tokens of a rel attribute."""
    return frozenset(rel.lower().split()) if rel else _NO_REL
