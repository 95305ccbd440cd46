"""React's streamed server rendering, put back in place.

A page rendered by React 18+ on the server (Next.js's app router and others) may
send a suspended part of itself late: where it belongs the HTML holds a
placeholder, ``<template id="B:0">`` (after it, up to the boundary's closing
``<!--/$-->`` comment, a fallback such as a spinner); at the end of the body comes
the part itself in a hidden element, ``<div hidden id="S:0">``, and a script
(``$RC("B:0","S:0")``) moves it into the placeholder. A reader with JavaScript
sees the part in its place; a reader without sees nothing of it, as it is hidden.
Often the whole page is such a part.

:func:`inline_streamed` does that move on a tree, so that the page is read as a
reader sees it: each hidden segment ``S:n`` replaces its placeholder ``B:n`` and
the fallback, and the page's text is what the browser shows, in its order.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

__all__ = ["inline_streamed"]

#: Comments that open a Suspense boundary (done, pending, client-rendered), and
#: the one that closes it.
_BOUNDARY_OPEN: Final = frozenset({"$", "$?", "$!"})
_BOUNDARY_CLOSE: Final = "/$"
_SEGMENTS: Final = etree.XPath('//*[@hidden][starts-with(@id, "S:")]')


def inline_streamed(raw: bytes) -> bytes | None:
    """The UTF-8 bytes of a page with its streamed segments moved into their
    placeholders; None when no segment has a placeholder. (The stream calls it only
    for a page where it met a hidden element with an ``S:`` id: an extra parse.)"""
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=False,
                              remove_pis=True, default_doctype=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.LxmlError:
        return None
    if root is None:
        return None
    holes = {hole.get("id"): hole for hole in root.iter("template")}
    moved = 0
    for segment in _SEGMENTS(root):
        hole = holes.get("B:" + segment.get("id", "")[2:])
        if hole is None or hole.getparent() is None or _inside(hole, segment):
            continue
        _fill(hole, segment)
        moved += 1
    if not moved:
        return None
    return etree.tostring(root, encoding="utf-8", method="html")


def _inside(node: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in node.iterancestors())


def _fill(hole: etree._Element, segment: etree._Element) -> None:
    """Put ``segment``'s content where ``hole`` is, in place of the hole and of the
    fallback after it, and drop the emptied segment."""
    parent = hole.getparent()
    assert parent is not None
    fallback = _fallback(hole)
    if fallback is not None:  # the boundary's end was found: the fallback goes
        for node in fallback:
            parent.remove(node)  # with its tail, which is fallback text too
        hole.tail = None
    _append_text(hole, segment.text)
    index = parent.index(hole)
    for offset, child in enumerate(list(segment)):
        parent.insert(index + offset, child)  # moves the child, with its tail
    _drop(hole)
    segment.text = None
    _drop(segment)


def _fallback(hole: etree._Element) -> list[etree._Element] | None:
    """The siblings after ``hole`` up to the closing comment of its boundary, or
    None when that comment is not among them."""
    nodes: list[etree._Element] = []
    depth = 0
    node = hole.getnext()
    while node is not None:
        if node.tag is etree.Comment:
            data = (node.text or "").strip()
            if data == _BOUNDARY_CLOSE:
                if depth == 0:
                    return nodes
                depth -= 1
            elif data in _BOUNDARY_OPEN:
                depth += 1
        nodes.append(node)
        node = node.getnext()
    return None


def _append_text(before: etree._Element, text: str | None) -> None:
    """Add ``text`` to the document just before the element ``before``."""
    if not text:
        return
    previous = before.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = before.getparent()
        assert parent is not None
        parent.text = (parent.text or "") + text


def _drop(node: etree._Element) -> None:
    """Remove ``node`` and its content from the tree, keeping the text after it."""
    parent = node.getparent()
    assert parent is not None
    _append_text(node, node.tail)
    parent.remove(node)
