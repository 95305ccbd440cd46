"""Soft-404 evidence: phrases, redirect to the home page, the host's answer to a random path."""

from __future__ import annotations

import pytest

from mentionspider.linkcheck.softnotfound import (HostProfile, SoftNotFound, not_found_phrase,
                                                  probe_path, redirected_home, same_page,
                                                  sketch_page, soft_404_evidence, url_words)

ARTICLE = ("<html><head><title>{title}</title></head><body><h1>{h1}</h1><p>{text}</p>"
           "<script>var notfound = 'page not found';</script></body></html>")
TEXT = ("Our review of the blue widget covers springs, gears, the finish and how it ages over "
        "ten years of daily use in a busy workshop, with photos and measurements.")


def page(title: str = "Blue widget review", h1: str = "Blue widget", text: str = TEXT) -> str:
    return ARTICLE.format(title=title, h1=h1, text=text)


@pytest.mark.parametrize("title,h1,expected", [
    ("Page not found | Shop", "Shop", 'title says "page not found" (en)'),
    ("Shop", "Sorry, we couldn’t find the page", 'heading says "couldn\'t find the page" (en)'),
    ("Pagina niet gevonden", "Helaas", 'title says "pagina niet gevonden" (nl)'),
    ("Seite nicht gefunden", "Fehler", 'title says "seite nicht gefunden" (de)'),
    ("Page introuvable", "Oups", 'title says "page introuvable" (fr)'),
    ("Página no encontrada", "Error", 'title says "pagina no encontrada" (es)'),
    ("Erreur 404", "Oups", 'title says "erreur 404" (fr)'),
])
def test_phrases_in_many_languages(title: str, h1: str, expected: str) -> None:
    assert not_found_phrase(sketch_page(page(title, h1))) == expected


@pytest.mark.parametrize("title,h1", [
    ("Blue widget review", "Blue widget"),
    ("Not foundational: why widgets matter", "Widgets"),  # a word that contains the phrase
    ("A very long article title that happens to discuss the famous page not found error in "
     "depth, with examples from twenty well known shops and what they did about it", "Essay"),
])
def test_real_pages_have_no_phrase(title: str, h1: str) -> None:
    assert not_found_phrase(sketch_page(page(title, h1))) is None


def test_script_text_is_ignored() -> None:
    sketch = sketch_page(page())
    assert "notfound" not in sketch.words and len(sketch.words) > 20


@pytest.mark.parametrize("requested,final,expected", [
    ("http://shop.example/old/item", "http://shop.example/", True),
    ("http://shop.example/old/item", "https://www.shop.example/index.php", True),
    ("http://shop.example/old/item", "http://shop.example/items/item", False),
    ("http://shop.example/", "http://shop.example/", False),          # the home page itself
    ("http://shop.example/old", "http://other.example/", False),      # another site
    ("http://shop.example/old", "http://shop.example/?lang=en", False),
    ("http://shop.example/old", "", False),
])
def test_redirected_home(requested: str, final: str, expected: bool) -> None:
    assert redirected_home(requested, final) is expected


SOFT = ("<html><head><title>Shop</title></head><body><h1>Hmm</h1><p>We looked everywhere for "
        "{path} but there is nothing here any more, try the search box or the categories "
        "below to find what you need today.</p></body></html>")


def test_same_page_as_the_probe_despite_the_echoed_path() -> None:
    probe = sketch_page(SOFT.format(path="/mentionspider-probe-0123"))
    soft = sketch_page(SOFT.format(path="/blue-widget"))
    ignore = url_words("http://shop.example/mentionspider-probe-0123",
                       "http://shop.example/blue-widget")
    assert same_page(soft, probe) is None  # the echoed path, compared as is, differs
    score = same_page(soft, probe, ignore)
    assert score is not None and score >= 0.85
    assert same_page(sketch_page(page("Shop")), probe, ignore) is None


def test_host_profile_from_probe() -> None:
    url = "http://shop.example" + probe_path()
    assert HostProfile.from_probe(url, 404, url, b"").honest
    home = HostProfile.from_probe(url, 200, "http://shop.example/", b"<title>Home</title>")
    assert not home.honest and home.sketch is None
    soft = HostProfile.from_probe(url, 200, url, SOFT.format(path="x").encode())
    assert not soft.honest and soft.sketch is not None


def test_probe_cache_states() -> None:
    cache = SoftNotFound()
    assert cache.state("shop.example") == "unknown"
    cache.start("shop.example")
    assert cache.state("shop.example") == "pending"
    cache.settle("shop.example", HostProfile(status=200, honest=False))
    assert cache.state("shop.example") == "soft"
    cache.settle("b.example", HostProfile())
    assert cache.state("b.example") == "honest"
    assert probe_path() != probe_path()


def test_evidence_order_and_kinds() -> None:
    url = "http://shop.example/blue-widget"
    probe = HostProfile.from_probe("http://shop.example/p", 200, "http://shop.example/p",
                                   SOFT.format(path="/p"))
    assert soft_404_evidence(url, "http://shop.example/", None, probe) == (
        "redirect: a deep URL was redirected to the home page http://shop.example/")
    assert soft_404_evidence(url, url, None, probe) is None  # HEAD: no body to read
    assert soft_404_evidence(url, url, sketch_page(page("Page not found")), probe) == (
        'phrase: title says "page not found" (en)')
    evidence = soft_404_evidence(url, url, sketch_page(SOFT.format(path=url)), probe)
    assert evidence is not None and evidence.startswith("probe: same page as the host's answer")
    assert soft_404_evidence(url, url, sketch_page(page()), probe) is None
    # a host that answers unknown paths with 404 never makes a 200 a soft 404 by likeness
    honest = HostProfile.from_probe("http://shop.example/p", 404, "http://shop.example/p", b"")
    assert soft_404_evidence(url, url, sketch_page(SOFT.format(path=url)), honest) is None
