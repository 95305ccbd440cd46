"""A page's findings for a campaign: linked or not, nofollow, competitors, cues, language."""

from __future__ import annotations

import pytest

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.model import BrandName
from mentionspider.analysis.urls import canonical_url
from mentionspider.analysis.page import PageAnalyser
from mentionspider.opportunities import page_opportunity

ANALYSER = PageAnalyser(
    brand_names=[BrandName("Acme Widgets"), BrandName("Acme", "with-cue")],
    brand_domains=["acmewidgets.com"], competitor_names=[BrandName("Globex")],
    competitor_domains=["globex.com"], keywords=["widgets"])


def page(body: str, *, head: str = "", lang: str = ' lang="en"',
         url: str = "https://blog.example/post/") -> str:
    return (f"<!doctype html><html{lang}><head><title>A post</title>{head}</head><body>"
            f"<header><nav><a href='/'>Home</a></nav></header><main><article>{body}</article>"
            f"</main><footer><p>Blog footer</p></footer></body></html>")


def analyse(html: str, url: str = "https://blog.example/post/"):
    return ANALYSER.analyse(parse_page(html.encode(), url))


@pytest.mark.parametrize("href", [
    "https://acmewidgets.com/", "http://www.acmewidgets.com/shop", "https://SHOP.AcmeWidgets.COM/x",
    "https://acmewidgets.com./", "//acmewidgets.com/protocol-relative",
])
def test_any_link_to_a_brand_domain_makes_the_page_linked(href: str) -> None:
    result = analyse(page(f"<p>We reviewed Acme Widgets last week.</p><p><a href='{href}'>shop</a></p>"))
    assert result.linked and [m.name for m in result.mentions] == ["Acme Widgets"]
    assert page_opportunity("c", "u", result, depth=1, brand_domains=("acmewidgets.com",)) is None


def test_relative_link_under_a_brand_base_href_counts() -> None:
    html = page("<p>Acme Widgets <a href='/about'>about</a></p>",
                head="<base href='https://www.acmewidgets.com/'>")
    assert analyse(html).linked


def test_lookalike_domains_do_not_count_as_linked() -> None:
    result = analyse(page("<p>Acme Widgets is great. <a href='https://notacmewidgets.com/'>x</a> "
                          "<a href='https://acmewidgets.com.evil.example/'>y</a></p>"))
    assert not result.linked and not result.brand_link_rels


def test_mention_inside_its_own_brand_link() -> None:
    result = analyse(page("<p>Buy from <a href='https://acmewidgets.com'>Acme Widgets</a>.</p>"))
    assert [m.in_link for m in result.mentions] == [True]
    assert result.linked


@pytest.mark.parametrize("rel", ["nofollow", "sponsored", "ugc", "nofollow ugc", "NoFollow"])
def test_nofollow_only_links_make_a_nofollow_mention(rel: str) -> None:
    result = analyse(page(f"<p>Acme Widgets <a rel='{rel}' href='https://acmewidgets.com'>here</a></p>"))
    assert result.nofollow_only and not result.linked
    opportunity = page_opportunity("c", "u", result, depth=1, brand_domains=("acmewidgets.com",))
    assert opportunity is not None and opportunity.kind == "nofollow_mention"


def test_one_followed_link_beats_a_nofollow_one() -> None:
    result = analyse(page("<p>Acme Widgets <a rel='nofollow' href='https://acmewidgets.com'>a</a>"
                          " <a href='https://acmewidgets.com/b'>b</a></p>"))
    assert result.linked and not result.nofollow_only


def test_competitor_page_without_the_brand_is_a_link_gap() -> None:
    result = analyse(page("<p>Globex makes the best widgets. "
                          "<a href='https://globex.com/'>their shop</a></p>"))
    opportunity = page_opportunity("c", "https://blog.example/post/", result, depth=2,
                                   brand_domains=("acmewidgets.com",))
    assert opportunity is not None
    # the name as written is matched_text; anchor_text only holds a link's text
    assert (opportunity.kind, opportunity.placement, opportunity.matched_text,
            opportunity.anchor_text) == ("competitor_mention", "main", "Globex", "")
    assert opportunity.reasons.startswith("mentions or links competitor Globex, globex.com")


def test_competitor_page_that_also_names_the_brand_is_a_brand_prospect() -> None:
    result = analyse(page("<p>Globex and Acme Widgets both make widgets.</p>"))
    opportunity = page_opportunity("c", "u", result, depth=2, brand_domains=("acmewidgets.com",))
    assert opportunity is not None and opportunity.kind == "unlinked_mention"


def test_cue_only_name_needs_another_cue() -> None:
    assert analyse(page("<p>Acme is a classic cartoon company.</p>")).mentions == []
    result = analyse(page("<p>Acme is great, and acmewidgets.com ships fast.</p>"))
    assert [m.name for m in result.mentions] == ["Acme", "acmewidgets.com"]


def test_script_attribute_comment_and_hidden_text_are_not_mentions() -> None:
    html = page("<script>var b = 'Acme Widgets';</script><!-- Acme Widgets -->"
                "<img alt='Acme Widgets' src='x.png'><p title='Acme Widgets'>Plain text.</p>"
                "<div hidden>Acme Widgets</div><span style='display:none'>Acme Widgets</span>"
                "<p aria-hidden='true'>Acme Widgets</p>")
    assert analyse(html).mentions == []


def test_best_mention_prefers_main_content_and_snippet_is_its_sentence() -> None:
    html = ("<html lang='en'><body><footer><p>Thanks to Acme Widgets.</p></footer><main><p>"
            "Widgets matter. Our favourite maker is Acme Widgets, by far. Other text.</p></main>"
            "</body></html>")
    best = analyse(html).best_mention
    assert best is not None
    assert (best.placement, best.snippet) == (
        "main", "Widgets matter. Our favourite maker is Acme Widgets, by far. Other text.")


def test_language_from_html_lang_else_from_text() -> None:
    assert analyse(page("<p>Acme Widgets.</p>", lang=' lang="nl-NL"')).lang == "nl"
    dutch = ("<p>Wij hebben de widgets van Acme Widgets getest en het is een van de beste "
             "merken die we in jaren hebben gezien, maar de prijs is niet voor iedereen.</p>")
    assert analyse(page(dutch, lang="")).lang == "nl"
    assert analyse(page("<p>widgets widgets</p>", lang="")).keywords == ["widgets"]


@pytest.mark.parametrize("href", [
    "https://go.skimresources.com/?id=1X2&xs=1&url=https%3A%2F%2Fwww.acmewidgets.com%2Ftrowel",
    "https://www.awin1.com/cread.php?awinmid=123&awinaffid=9&p=https://acmewidgets.com/trowel",
    "https://prf.hn/click/camref:1l3/destination:https%253A%252F%252Fshop.acmewidgets.com%252F",
    "https://www.google.com/url?q=https://acmewidgets.com/&sa=D",
])
def test_a_link_through_an_affiliate_or_tracking_redirect_is_a_brand_link(href: str) -> None:
    result = analyse(page(f"<p>We love Acme Widgets: <a rel='sponsored nofollow' href='{href}'>"
                          "buy one</a>.</p>"))
    assert result.brand_link_rels == ["nofollow sponsored"] and result.nofollow_only
    # still checked, under its canonical URL (query sorted, tracking parameters dropped)
    assert [link.url for link in result.outlinks] == [canonical_url(href)]


@pytest.mark.parametrize("href", [
    "https://web.archive.org/web/2020/https://acmewidgets.com/",  # an archived copy
    "https://twitter.com/intent/tweet?url=https%3A%2F%2Fblog.example%2Fpost%2F",  # share
    "https://example.net/?next=https://acmewidgets.com.evil.example/",  # a lookalike
])
def test_urls_carried_elsewhere_do_not_make_a_brand_link(href: str) -> None:
    result = analyse(page(f"<p>We love Acme Widgets: <a href='{href}'>x</a>.</p>"))
    assert result.brand_link_rels == [] and not result.linked


def test_a_competitor_affiliate_link_is_a_competitor_link() -> None:
    href = "https://go.skimresources.com/?url=https%3A%2F%2Fglobex.com%2Fgadget"
    result = analyse(page(f"<p>A gadget <a href='{href}'>on sale</a>.</p>"))
    assert result.competitor_links == ["globex.com"]


def test_a_mention_that_is_itself_an_affiliate_link_is_in_a_link() -> None:
    href = "https://go.skimresources.com/?url=https%3A%2F%2Facmewidgets.com%2F"
    result = analyse(page(f"<p>Buy from <a href='{href}'>Acme Widgets</a> today.</p>"))
    assert [m.in_link for m in result.mentions] == [True] and result.linked


def test_a_mention_in_the_comments_beats_one_in_the_sidebar_as_the_score_says() -> None:
    body = ("<p>We tested many garden tools this spring, in heavy clay and in sand, and wrote "
            "down what broke first and what kept going through the whole season.</p>")
    html = page(body).replace("</main>", "</main><aside><p>Sponsor: Acme Widgets</p></aside>"
                              "<section id='comments'><p>I use Acme Widgets too.</p></section>")
    result = analyse(html)
    assert [m.placement for m in result.mentions] == ["sidebar", "comments"]
    assert result.best_mention is not None and result.best_mention.placement == "comments"
