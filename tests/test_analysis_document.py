"""parse_page: visible text, inline joining, link spans, anchors, page metadata, robustness."""

from __future__ import annotations

import pytest

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.model import Anchor, LinkSpan, TextBlock

URL = "https://blog.example.com/posts/acme.html"


def texts(html: str | bytes) -> list[str]:
    return [block.text for block in parse_page(html, URL).blocks]


def test_inline_children_join_into_their_block() -> None:
    assert texts("<p>Acme <b>Widgets</b> are <em>very</em> <span>good</span>.</p>") == [
        "Acme Widgets are very good."]
    assert texts("<p>Ac<span>me</span> Wid<b>gets</b></p>") == ["Acme Widgets"]


def test_blocks_split_at_block_elements_and_text_directly_in_a_div() -> None:
    html = "<div>Intro <p>First</p> between <ul><li>one</li><li>two</li></ul>after</div>"
    assert texts(html) == ["Intro", "First", "between", "one", "two", "after"]
    assert texts("<table><tr><td>a</td><td>b</td></tr></table>") == ["a", "b"]
    assert texts("<p>line one<br>line two</p>") == ["line one line two"]


def test_text_is_normalised() -> None:
    assert texts("<p>  Acme\u00a0Widgets\u2019  \n\t new\u00adest   \u201cline\u201d </p>") == [
        "Acme Widgets' newest \"line\""]


@pytest.mark.parametrize("hidden", [
    "<script>var acme = 1;</script>",
    "<style>.acme { color: red }</style>",
    "<noscript>Acme noscript</noscript>",
    "<template><p>Acme template</p></template>",
    "<svg><text>Acme svg</text></svg>",
    "<!-- Acme comment -->",
    "<?php echo 'Acme'; ?>",
    "<p hidden>Acme hidden attribute</p>",
    "<div aria-hidden=\"true\">Acme aria</div>",
    "<span style=\"display: none\">Acme display</span>",
    "<span style=\"color:red;visibility:hidden\">Acme visibility</span>",
    "<input type=\"hidden\" value=\"Acme input\">",
    "<img alt=\"Acme alt\" title=\"Acme title\">",
    "<select><option>Acme option</option></select>",
    "<iframe>Acme iframe</iframe>",
    '<span class="hidden">Acme class hidden</span>',
    '<div class="modal d-none">Acme d-none</div>',
    '<a class="skip-link screen-reader-text" href="#main">Acme skip</a>',
    '<span class="sr-only">Acme screen reader</span>',
    '<span class="visually-hidden">Acme screen reader</span>',
    '<p class="is-hidden">Acme bulma</p>',
    '<span id="x" class="invisible">Acme invisible</span>',
])
def test_invisible_text_is_excluded(hidden: str) -> None:
    assert texts(f"<body><div>Before {hidden} after</div></body>") == ["Before after"]


@pytest.mark.parametrize("shown", [
    '<span class="hidden md:inline">Acme</span>',  # Tailwind: hidden on phones only
    '<span class="d-none d-lg-inline">Acme</span>',  # Bootstrap 4/5
    '<span class="hidden visible-lg">Acme</span>',  # Bootstrap 3
    '<span class="overflow-hidden">Acme</span>',
    '<span class="hidden-xs">Acme</span>',
    '<span class="is-hidden-mobile">Acme</span>',
    '<span class="hide-for-small-only">Acme</span>',
])
def test_classes_that_hide_only_on_some_screens_keep_text_visible(shown: str) -> None:
    assert texts(f"<body><div>Before {shown} after</div></body>") == ["Before Acme after"]


def test_a_hiding_class_on_html_or_body_does_not_hide_the_page() -> None:
    # pages that hide themselves until a script has run ("no flash of unstyled content")
    assert texts('<html class="hidden"><body class="hidden"><p>Acme</p></body></html>') == [
        "Acme"]


def test_head_content_is_not_visible_text() -> None:
    html = ("<html><head><title>Acme title</title><meta name=description content=Acme>"
            "<script>Acme</script></head><body><p>Body</p></body></html>")
    assert texts(html) == ["Body"]


def test_tail_text_after_an_excluded_element_is_kept() -> None:
    assert texts("<p>one<script>x</script>two<span hidden>h</span>three</p>") == [
        "onetwothree"]


def test_link_spans_give_offsets_into_normalised_text() -> None:
    page = parse_page('<p>See  <a href="/w#top"> Acme <b>Widgets</b> </a>, then '
                      '<a href="https://x.example/">x</a>.</p>', URL)
    block = page.blocks[0]
    assert block.text == "See Acme Widgets , then x."
    assert block.links == (LinkSpan(4, 16, "https://blog.example.com/w"),
                           LinkSpan(24, 25, "https://x.example/"))
    assert [block.text[s.start:s.end] for s in block.links] == ["Acme Widgets", "x"]


def test_link_spans_skip_non_web_schemes() -> None:
    block = parse_page('<p><a href="javascript:go()">go</a> <a href="mailto:a@b.c">mail</a> '
                       '<a href="tel:123">call</a> <a href="data:text/plain,x">data</a> '
                       '<a href="ftp://files.example/f">ftp</a></p>', URL).blocks[0]
    assert block.text == "go mail call data ftp"
    assert block.links == (LinkSpan(18, 21, "ftp://files.example/f"),)


def test_a_link_around_blocks_gives_a_span_in_each_block() -> None:
    page = parse_page('<a href="/card"><h3>Acme</h3><p>All tools</p></a>', URL)
    assert page.blocks == [
        TextBlock("Acme", "main", (LinkSpan(0, 4, "https://blog.example.com/card"),)),
        TextBlock("All tools", "main", (LinkSpan(0, 9, "https://blog.example.com/card"),))]
    assert page.anchors == [Anchor("https://blog.example.com/card", "Acme All tools",
                                   frozenset(), "main")]


def test_anchors_resolve_filter_and_deduplicate() -> None:
    page = parse_page(
        '<p><a href="/a#x">A</a> <a href="/a#y">A</a> <a href="/a">other text</a> '
        '<a href=" ../up.html ">Up</a> <a href="//cdn.example.net/f">CDN</a> '
        '<a href="mailto:x@y.z">mail</a> <a href="ftp://f.example/">ftp</a> '
        '<a name="anchor">no href</a> <a href="HTTPS://Upper.example/P">upper</a></p>', URL)
    assert [(a.url, a.text) for a in page.anchors] == [
        ("https://blog.example.com/a", "A"),
        ("https://blog.example.com/a", "other text"),
        ("https://blog.example.com/up.html", "Up"),
        ("https://cdn.example.net/f", "CDN"),
        ("HTTPS://Upper.example/P", "upper"),
    ]


def test_anchor_rel_is_lower_cased_token_set() -> None:
    page = parse_page('<p><a href="/x" rel="NoFollow  UGC sponsored">x</a>'
                      '<a href="/y">y</a></p>', URL)
    assert [a.rel for a in page.anchors] == [frozenset({"nofollow", "ugc", "sponsored"}),
                                             frozenset()]


def test_anchor_text_falls_back_to_image_alt() -> None:
    page = parse_page('<p><a href="/logo"><img src="l.png" alt=" Acme  logo "></a></p>', URL)
    assert page.anchors == [Anchor("https://blog.example.com/logo", "Acme logo", frozenset(),
                                   "main")]


def test_hidden_anchors_still_count_but_template_and_noscript_do_not() -> None:
    page = parse_page('<p>Text <span hidden><a href="/hidden">Acme</a></span></p>'
                      '<noscript><a href="/ns">ns</a></noscript>'
                      '<template><a href="/tpl">tpl</a></template>', URL)
    assert [block.text for block in page.blocks] == ["Text"]
    assert [(a.url, a.text) for a in page.anchors] == [("https://blog.example.com/hidden",
                                                        "Acme")]


def test_base_href_is_resolved_against_the_page_url() -> None:
    page = parse_page('<html><head><base href="/static/"></head>'
                      '<body><p><a href="page.html">p</a></p></body></html>', URL)
    assert page.base_url == "https://blog.example.com/static/"
    assert page.anchors[0].url == "https://blog.example.com/static/page.html"
    assert page.blocks[0].links == (LinkSpan(0, 1, "https://blog.example.com/static/page.html"),)
    assert parse_page("<p>x</p>", URL).base_url == URL


@pytest.mark.parametrize(("attribute", "lang"), [
    ('lang="en-US"', "en"), ('lang="NL"', "nl"), ('lang="pt_BR"', "pt"), ('lang=""', None),
    ("", None), ('xml:lang="de-AT"', "de"),
])
def test_lang_is_the_lower_cased_primary_subtag(attribute: str, lang: str | None) -> None:
    assert parse_page(f"<html {attribute}><body><p>x</p></body></html>", URL).lang == lang


def test_title_is_normalised_and_falls_back_to_the_first_h1() -> None:
    assert parse_page("<title>\n Acme &ndash; Widgets\u00a0 </title><p>x</p>", URL).title == (
        "Acme - Widgets")
    assert parse_page("<body><h1> Acme <i>Widgets</i></h1><h1>Two</h1></body>", URL).title == (
        "Acme Widgets")
    assert parse_page("<p>x</p>", URL).title == ""


@pytest.mark.parametrize("garbage", [
    b"", "", b"   \n ", b"\x00\x00\x00", b"\xff\xfe\x00", b"<<<>>>", b"<html><body></body>",
    b"<!-- only a comment -->", "\ud800 lone surrogate", b"<?xml version='1.0'?>",
    b"<p>unclosed <b>bold <i>italic", b"<a href='http://[bad'>bad url</a>",
])
def test_garbage_never_raises(garbage: bytes | str) -> None:
    page = parse_page(garbage, URL)
    assert page.url == URL
    assert all(block.text for block in page.blocks)


def test_empty_document_has_no_blocks() -> None:
    page = parse_page(b"", URL)
    assert (page.blocks, page.anchors, page.title, page.lang, page.base_url) == (
        [], [], "", None, URL)


def test_unparseable_url_in_href_is_skipped() -> None:
    page = parse_page("<p><a href='http://[bad'>bad</a> ok</p>", URL)
    assert page.blocks == [TextBlock("bad ok", "main")]
    assert page.anchors == []


@pytest.mark.parametrize(("data", "encoding"), [
    ("<p>caf\u00e9 \u20ac</p>".encode("utf-8"), None),
    ('<meta charset="iso-8859-1"><p>caf\xe9 \x80</p>'.encode("latin-1"), None),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
     "<p>caf\xe9 \x80</p>".encode("latin-1"), None),
    ("<p>caf\u00e9 \u20ac</p>".encode("cp1252"), None),  # undeclared, not UTF-8
    ("<p>caf\u00e9 \u20ac</p>".encode("cp1252"), "windows-1252"),
    ('<?xml version="1.0" encoding="utf-8"?><p>caf\u00e9 \u20ac</p>'.encode("utf-8"), None),
    ('<?xml version="1.0" encoding="utf-8"?><p>caf\u00e9 \u20ac</p>', None),
    ("\ufeff<p>caf\u00e9 \u20ac</p>".encode("utf-8"), None),
    ("<p>caf\u00e9 \u20ac</p>".encode("utf-16"), None),
])
def test_encodings(data: bytes | str, encoding: str | None) -> None:
    assert [block.text for block in parse_page(data, URL, encoding).blocks] == ["caf\u00e9 \u20ac"]


def test_given_encoding_beats_the_declared_one() -> None:
    data = '<meta charset="utf-8"><p>caf\u00e9</p>'.encode("latin-1")
    assert texts(data) == ["caf\ufffd"]  # declared UTF-8 wins, as in browsers
    assert [b.text for b in parse_page(data, URL, "iso-8859-15").blocks] == ["caf\u00e9"]


def test_deep_nesting_and_big_pages() -> None:
    deep = "<div>" * 2000 + "Acme" + "</div>" * 2000
    assert texts(deep) == ["Acme"]
    # beyond libxml2's depth limit: no error, and the text streamed so far is kept
    assert texts("<div>" * 20_000 + "Acme") == ["Acme"]
    big = "<p>" + "Acme Widgets " * 200_000 + "</p>"
    assert len(texts(big)[0]) == len("Acme Widgets " * 200_000) - 1


def test_control_characters_in_the_page_text_do_not_confuse_blocks_or_links() -> None:
    # the parser streams text with control characters as its own block and link marks
    page = parse_page('<p>one\x01two&#2;<a href="/x">link&#3;</a> three</p><p>four\x03</p>', URL)
    assert page.blocks == [
        TextBlock("onetwolink three", "main", (LinkSpan(6, 10, "https://blog.example.com/x"),)),
        TextBlock("four", "main")]
    assert [(a.url, a.text) for a in page.anchors] == [("https://blog.example.com/x", "link")]


def test_image_alt_in_a_hidden_image_or_a_noscript_copy_still_names_the_link() -> None:
    page = parse_page('<p><a href="/a"><img aria-hidden="true" alt="Avatar"></a>'
                      '<a href="/b"><img data-src="b.png"><noscript><img alt="Lazy"></noscript></a>'
                      '<span aria-hidden="true"><a href="/c"><img alt="Hidden link"></a></span></p>',
                      URL)
    assert [(a.url[-2:], a.text) for a in page.anchors] == [
        ("/a", "Avatar"), ("/b", "Lazy"), ("/c", "Hidden link")]


def test_a_page_that_is_a_shell_around_its_noscript_copy_is_read_from_that_copy() -> None:
    # a forum engine's crawler view (Discourse, Flarum): a script app whose only text,
    # for readers without JavaScript, is the <noscript> copy of the thread
    post = ("<div itemtype='http://schema.org/DiscussionForumPosting' itemscope>"
            "<span class='creator'>user{n}</span><p>Reply {n}: the Acme trowel held up well,"
            " after a whole season of digging in clay.</p></div>")
    html = ("<html><head><script src='app.js'></script></head><body>"
            "<section id='main'><p>Loading</p></section>"
            "<noscript data-path='/t/acme/1'><header><a href='/'>Garden Forum</a></header>"
            "<div id='main-outlet' role='main'><h1>Is the Acme trowel worth it?</h1>"
            + "".join(post.format(n=n) for n in range(20)) + "</div>"
            "<footer><a href='/privacy'>Privacy</a></footer></noscript></body></html>")
    page = parse_page(html, URL)
    placed = {block.text: block.placement for block in page.blocks}
    assert placed["Is the Acme trowel worth it?"] == "main"
    assert placed["Reply 7: the Acme trowel held up well, after a whole season of digging"
                  " in clay."] == "main"
    assert placed["Privacy"] == "footer"
    # a notice or a lazy image's copy in <noscript> is still not text
    assert texts("<p>Acme</p><noscript>Please enable JavaScript to use this site."
                 "</noscript>") == ["Acme"]


def test_a_folded_panel_is_text_though_hidden_until_the_reader_opens_it() -> None:
    # an FAQ's answer, a tab's panel, an accordion's body: hidden by markup until a click
    html = ("<div><h3>Does Acme ship abroad?</h3>"
            "<div class='faq__answer' style='display: none'>Yes, Acme ships to 40 countries.</div>"
            "<div role='tabpanel' hidden>Acme specifications</div>"
            "<div class='accordion-body' aria-hidden='true'>Acme care guide</div>"
            "<div class='read-more-text hidden'>Acme history</div>"
            "<div class='menu' hidden>Acme menu</div></div>")
    assert texts(html) == ["Does Acme ship abroad?", "Yes, Acme ships to 40 countries.",
                           "Acme specifications", "Acme care guide", "Acme history"]


def test_react_streamed_segments_are_read_in_their_placeholders() -> None:
    # React's streamed server rendering (Next.js app router): the page's late part comes
    # at the end of the body in a hidden <div id="S:n">, and a script moves it into its
    # placeholder <template id="B:n">, in place of the fallback up to <!--/$-->
    html = ("<html><body><header><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>"
            "</header><main><h1>Trowel reviews</h1><!--$?--><template id='B:0'></template>"
            "<p>Loading reviews</p><!--/$--><p>Last updated in May.</p></main>"
            "<footer><p>Garden Weekly, 12 High Street</p></footer>"
            "<div hidden id='S:0'>Our verdict: <p>The Acme trowel held up for a whole season"
            " of digging in clay.</p><!--$?--><template id='B:1'></template><!--/$-->"
            "<p>Second place went to Brand B.</p></div>"
            "<div hidden id='S:1'><p>Readers rate Acme four stars out of five.</p></div>"
            "<script>$RC('B:0','S:0');$RC('B:1','S:1')</script>"
            "<div hidden id='S:7'><p>An orphan segment stays hidden.</p></div></body></html>")
    page = parse_page(html, URL)
    assert [(block.text, block.placement) for block in page.blocks] == [
        ("Home Shop", "nav"), ("Trowel reviews", "main"), ("Our verdict:", "main"),
        ("The Acme trowel held up for a whole season of digging in clay.", "main"),
        ("Readers rate Acme four stars out of five.", "main"),
        ("Second place went to Brand B.", "main"), ("Last updated in May.", "main"),
        ("Garden Weekly, 12 High Street", "footer")]


def test_a_streamed_segment_without_its_boundary_end_keeps_what_follows_the_placeholder() -> None:
    html = ("<body><main><p>Intro to Acme.</p><template id='B:0'></template><p>Kept.</p></main>"
            "<div hidden id='S:0'><p>Acme in the streamed part.</p></div></body>")
    assert texts(html) == ["Intro to Acme.", "Acme in the streamed part.", "Kept."]
    assert texts(b"<body><p>Caf\xe9 Acme</p><div hidden id='S:0'><p>x</p></div>"
                 b"<template id='B:0'></template></body>") == ["Caf\u00e9 Acme", "x"]
