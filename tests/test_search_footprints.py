"""Footprint templates expand to queries; operators a provider lacks are enforced on results."""

from __future__ import annotations

from mentionspider.search.footprints import FOOTPRINTS, expand
from mentionspider.search.operators import ResultFilter, rewrite
from mentionspider.search.brave import Brave
from mentionspider.search.searxng import SearXNG

VALUES = {"brand": ("Acme Widgets", "AcmeWidgets"), "domain": ("acmewidgets.com", "acme.io"),
          "keyword": ("widgets",), "competitor": ("Globex",), "competitor_domain": ("globex.com",)}


def test_a_list_placeholder_is_one_query_per_value_and_negations_take_every_value() -> None:
    assert expand('"{brand}" -site:{domain}', VALUES) == [
        '"Acme Widgets" -site:acmewidgets.com -site:acme.io',
        '"AcmeWidgets" -site:acmewidgets.com -site:acme.io',
    ]
    assert expand('"{competitor}" -"{brand}" -site:{competitor_domain}', VALUES) == [
        '"Globex" -"Acme Widgets" -"AcmeWidgets" -site:globex.com']
    assert expand('best {keyword} "{brand}"', VALUES) == [
        'best widgets "Acme Widgets"', 'best widgets "AcmeWidgets"']


def test_a_template_whose_placeholder_has_no_values_gives_no_query() -> None:
    assert expand('"{competitor}" review', {**VALUES, "competitor": ()}) == []


def test_every_footprint_set_expands() -> None:
    for footprint in FOOTPRINTS.values():
        queries = [q for t in footprint.templates for q in expand(t, VALUES)]
        assert queries, footprint.name
        assert all("{" not in q for q in queries)


def test_brave_has_no_inurl_so_it_is_removed_and_enforced() -> None:
    sent, rules = rewrite('"widgets" inurl:links -site:spam.example', Brave("k").operators)
    assert sent == '"widgets" -site:spam.example'
    assert rules == ResultFilter((("inurl", "links", False), ("site", "spam.example", True)))
    assert rules.allows("https://blog.example/links/widgets")
    assert not rules.allows("https://blog.example/about")
    assert not rules.allows("https://www.spam.example/links/")


def test_searxng_keeps_every_operator_and_minus_site_is_still_enforced() -> None:
    sent, rules = rewrite('"Acme" intitle:resources -site:acme.com', SearXNG("http://s/").operators)
    assert sent == '"Acme" intitle:resources -site:acme.com'
    assert rules == ResultFilter((("site", "acme.com", True),))
    assert not rules.allows("https://shop.acme.com/x")
    assert rules.allows("https://notacme.com/x")


def test_removed_site_intitle_and_filetype_rules() -> None:
    sent, rules = rewrite('"w" site:edu intitle:resources -filetype:pdf', frozenset())
    assert sent == '"w"'
    assert rules.allows("https://lib.state.edu/guide", "Widget resources")
    assert not rules.allows("https://lib.state.edu/guide", "Widget guide")
    assert not rules.allows("https://lib.example.com/guide", "Widget resources")
    assert not rules.allows("https://lib.state.edu/guide.pdf", "Widget resources")
