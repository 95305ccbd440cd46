"""What a page's markup says about itself: canonical, robots, author, dates."""

from __future__ import annotations

from datetime import date

from mentionspider.analysis.signals import age_in_days, page_signals, parse_date, robots_tokens

URL = "https://blog.example/post/?utm_source=x"


def test_canonical_and_robots_meta() -> None:
    signals = page_signals('<html><head><LINK REL="Canonical" HREF="/post/#top">'
                           '<meta name="robots" content="NOINDEX, follow"></head>', URL)
    assert (signals.canonical, signals.robots, signals.noindex) == (
        "https://blog.example/post/", frozenset({"noindex", "follow"}), True)
    assert not page_signals("<head><meta name=robots content='index, follow'></head>", URL).noindex
    assert page_signals("<head><meta name=googlebot content=none></head>", URL).noindex
    # only the head's tags count: a <meta> quoted in the article body is not the page's
    assert not page_signals("<head></head><body><meta name=robots content=noindex>", URL).noindex


def test_x_robots_tag() -> None:
    assert page_signals("<p>x</p>", URL, x_robots_tag="noindex, nofollow").noindex
    assert page_signals("<p>x</p>", URL, x_robots_tag="googlebot: noindex").noindex
    assert robots_tokens("max-snippet:50, noarchive") == {"max-snippet:50", "noarchive"}


def test_author_from_json_ld_meta_and_byline() -> None:
    json_ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@graph":'
               '[{"@type":"WebSite","name":"Blog"},{"@type":"BlogPosting","author":'
               '[{"@type":"Person","name":"Jo Baker"},{"name":"Sam &amp; Co"}],'
               '"datePublished":"2026-03-02T09:00:00+01:00","dateModified":"2026-11-20"}]}'
               '</script>')
    signals = page_signals(f"<head>{json_ld}<meta name=author content='Someone Else'></head>", URL)
    assert (signals.author, signals.published, signals.modified, signals.types) == (
        "Jo Baker, Sam & Co", "2026-03-02", "2026-11-20", ["WebSite", "BlogPosting"])
    assert page_signals("<head><meta name='author' content='By Ann Lee'></head>", URL).author \
        == "Ann Lee"
    assert page_signals("<head><meta property='article:author' "
                        "content='https://facebook.com/ann'></head>", URL).author is None
    assert page_signals('<p class="byline">By <a href="/a" rel="author">Tom K</a></p>',
                        URL).author == "Tom K"
    assert page_signals('<p class="comment-author">Lee</p>', URL).author is None


def test_dates_from_meta_and_time_never_from_a_copyright_line() -> None:
    meta = page_signals("<head><meta property='article:published_time' "
                        "content='2025-01-31T10:00:00Z'><meta property='og:updated_time' "
                        "content='2025-02-01'></head>", URL)
    assert (meta.published, meta.modified) == ("2025-01-31", "2025-02-01")
    assert page_signals('<article><time datetime="2024-07-04">July 4</time></article>',
                        URL).published == "2024-07-04"
    footer = page_signals("<footer>&copy; 2026 Blog. Updated 2026-11-30.</footer>", URL)
    assert (footer.published, footer.modified) == (None, None)
    assert parse_date("2025-02-30") is None
    assert age_in_days(meta, today=date(2025, 3, 3)) == 30
    assert age_in_days(footer) is None


def test_broken_json_ld_is_ignored() -> None:
    signals = page_signals('<script type="application/ld+json">{"@type": "Article",</script>'
                           '<script type="application/ld+json">[1, "x", null]</script>', URL)
    assert (signals.author, signals.types) == (None, [])
