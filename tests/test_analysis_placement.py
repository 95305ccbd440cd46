"""Placement of blocks and anchors: landmarks, ARIA roles, class vocabulary, text density."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.model import PLACEMENTS
from mentionspider.analysis.placement import class_signal

PAGES = Path(__file__).parent / "files" / "pages"
ARTICLE = ("<p>Acme Widgets makes the sturdiest garden tools we have tested this year, "
           "and we have tested a great many of them over the seasons.</p>"
           "<p>Their trowel, their fork and their hoe all survived a season of heavy clay, "
           "frost, and being left out in the rain by careless gardeners.</p>")


def placements(html: str) -> dict[str, str]:
    return {block.text: block.placement
            for block in parse_page(html, "https://site.example/p").blocks}


def load(name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    page = parse_page((PAGES / f"{name}.html").read_bytes(), f"https://site.example/{name}/")
    return ([(b.placement, b.text) for b in page.blocks],
            [(a.placement, a.url) for a in page.anchors])


@pytest.mark.parametrize(("wrapper", "placement"), [
    ("<nav>{}</nav>", "nav"),
    ('<div role="navigation">{}</div>', "nav"),
    ("<header>{}</header>", "header"),
    ('<div role="banner">{}</div>', "header"),
    ("<footer>{}</footer>", "footer"),
    ('<div role="contentinfo">{}</div>', "footer"),
    ("<aside>{}</aside>", "sidebar"),
    ('<div role="complementary">{}</div>', "sidebar"),
    ('<div class="site-footer">{}</div>', "footer"),
    ('<div id="sidebar-1">{}</div>', "sidebar"),
    ('<div class="widget widget_text">{}</div>', "sidebar"),
    ('<ul class="mainMenu">{}</ul>', "nav"),
    ('<div class="breadcrumbs">{}</div>', "nav"),
    ('<div class="pagination">{}</div>', "nav"),
    ('<div id="comments">{}</div>', "comments"),
    ('<ol class="commentlist">{}</ol>', "comments"),
    ('<div class="related-posts">{}</div>', "sidebar"),
    ('<div class="social-share">{}</div>', "sidebar"),
    ('<div class="newsletter-signup">{}</div>', "sidebar"),
    ('<div class="cookie-banner">{}</div>', "footer"),
    ('<div id="masthead">{}</div>', "header"),
    ('<div class="modal-body">{}</div>', "sidebar"),
    ('<div class="nrplus-cta">{}</div>', "sidebar"),
    ('<div class="popup-newsletter">{}</div>', "sidebar"),
])
def test_signals_place_furniture(wrapper: str, placement: str) -> None:
    html = f"<body><main>{ARTICLE}</main>{wrapper.format('<p>Acme furniture</p>')}</body>"
    assert placements(html)["Acme furniture"] == placement


@pytest.mark.parametrize("value", ["has-sidebar", "no-sidebar", "layout-sidebar-right"])
def test_a_sidebar_class_on_a_wrapper_of_the_content_is_ignored(value: str) -> None:
    html = f'<body><div class="{value}"><div class="entry">{ARTICLE}</div></div></body>'
    assert set(placements(html).values()) == {"main"}


def test_header_inside_an_article_is_main_and_its_footer_is_footer() -> None:
    html = (f"<body><header><p>Site name</p></header><article><header><h1>The headline</h1>"
            f"</header>{ARTICLE}<footer><p>Posted in Tools. Please keep comments civil.</p>"
            "</footer></article><footer><p>Site footer</p></footer></body>")
    result = placements(html)
    assert result["Site name"] == "header"
    assert result["The headline"] == "main"
    assert result["Posted in Tools. Please keep comments civil."] == "footer"
    assert result["Site footer"] == "footer"


def test_everything_inside_comments_is_comments() -> None:
    html = (f"<body><article>{ARTICLE}</article><section id='comments'><article>"
            "<footer>Sam says:</footer><p>Great post about Acme!</p></article></section></body>")
    result = placements(html)
    assert (result["Sam says:"], result["Great post about Acme!"]) == ("comments", "comments")


def test_main_inside_furniture_stays_furniture() -> None:
    html = f"<body><main>{ARTICLE}</main><aside><article><p>Teaser</p></article></aside></body>"
    assert placements(html)["Teaser"] == "sidebar"


def test_teaser_articles_away_from_the_content_are_not_main() -> None:
    teasers = "".join(f'<article><h3><a href="/s{i}">Story {i}</a></h3></article>'
                      for i in range(3))
    html = f"<body><article>{ARTICLE}</article><div>{teasers}</div></body>"
    result = placements(html)
    assert [result[f"Story {i}"] for i in range(3)] == ["nav", "nav", "nav"]


def test_link_lists_inside_the_content_are_sidebar() -> None:
    html = (f"<body><div>{ARTICLE}<p><a href='/a'>Related: Acme rake review</a></p>"
            f"{ARTICLE.replace('Acme', 'Acme Co')}</div></body>")
    assert placements(html)["Related: Acme rake review"] == "sidebar"


def test_placements_are_known_values_on_every_page() -> None:
    for path in PAGES.glob("*.html"):
        blocks, anchors = load(path.stem)
        assert {placement for placement, _ in blocks + anchors} <= set(PLACEMENTS)


def test_wordpress_post() -> None:
    blocks, anchors = load("wordpress_post")
    assert blocks == [  # "Skip to content" is screen-reader text: not visible
        ("header", "Green Thumb Blog"),
        ("header", "Notes from a small allotment"),
        ("nav", "Home"),
        ("nav", "Tools"),
        ("nav", "About"),
        ("main", "Five garden tools we love"),
        ("header", "Posted on March 3, 2024 by Jo Digger"),
        ("main", "Every spring we test the tools that make allotment work lighter. This year "
                 "the Acme Widgets hand trowel surprised us: it is light, it is sharp, and it "
                 "survived a whole season of clay."),
        ("main", "Our second pick is the Fork Master 3000, a digging fork with a long handle "
                 "and a lifetime guarantee, which we bought after reading a long review."),
        ("sidebar", "The trowel after a season of clay."),
        ("main", "Third comes a pair of secateurs that we have sharpened twice, and they still "
                 "cut cleanly through woody stems without crushing them, which is all we ask "
                 "of them."),
        ("sidebar", "Share this:"),
        ("sidebar", "Twitter"),
        ("sidebar", "Facebook"),
        ("footer", "Posted in Tools"),
        ("comments", '2 thoughts on "Five garden tools we love"'),
        ("comments", "Sam says:"),
        ("comments", "I have had my Acme trowel for ten years and it is still going strong."),
        ("comments", "Alex says:"),
        ("comments", "Which fork would you choose for sandy soil?"),
        ("sidebar", "Search for:"),
        ("sidebar", "Recent Posts"),
        ("sidebar", "Chitting seed potatoes"),
        ("sidebar", "Acme Widgets: a winter review"),
        ("sidebar", "We are two gardeners writing about what works on a small plot."),
        ("footer", "\u00a9 2024 Green Thumb Blog. Proudly powered by WordPress."),
    ]
    assert anchors == [
        ("nav", "https://site.example/wordpress_post/"),
        ("header", "https://site.example/"),
        ("nav", "https://site.example/"),
        ("nav", "https://site.example/category/tools/"),
        ("nav", "https://site.example/about/"),
        ("main", "https://tools.example.org/fork?ref=blog"),
        ("main", "https://reviews.example.net/forks"),
        ("sidebar", "https://twitter.com/share?url=x"),
        ("sidebar", "https://www.facebook.com/sharer.php?u=x"),
        ("footer", "https://site.example/category/tools/"),
        ("comments", "https://spam.example.com/"),
        ("sidebar", "https://site.example/2024/02/seed-potatoes/"),
        ("sidebar", "https://site.example/2024/01/acme-review/"),
        ("footer", "https://wordpress.org/"),
    ]


def test_div_soup_with_class_names_only() -> None:
    blocks, anchors = load("div_soup")
    assert blocks == [
        ("header", "Tuinnieuws"),
        ("nav", "Nieuws Tips Contact"),
        ("nav", "Home > Nieuws > Schoffels"),
        ("main", "Acme komt met nieuwe schoffel"),
        ("main", "De nieuwe schoffel van Acme Widgets is lichter dan zijn voorganger en heeft "
                 "een blad van gehard staal dat volgens de fabrikant jaren scherp blijft."),
        ("main", "Wij probeerden de schoffel een maand lang in een moestuin met zware klei. Het "
                 "gewicht valt mee, de steel is lang genoeg voor lange mensen, en het blad glijdt "
                 "vlak onder de grond door."),
        ("main", "De schoffel kost 39 euro en ligt vanaf volgende week in de winkel. Meer "
                 "informatie staat op de site van Acme."),
        ("sidebar", "Lees ook"),
        ("sidebar", "Nieuwe hark van Acme getest"),
        ("sidebar", "De beste spade van 2024"),
        ("comments", "Piet"),
        ("comments", "Ik heb hem al besteld, ben benieuwd!"),
        ("sidebar", "Nieuwsbrief"),
        ("sidebar", "Elke week de beste tuintips in je mailbox."),
        ("sidebar", "Advertentie"),
        ("footer", "Privacy Over ons \u00a9 Tuinnieuws"),
    ]
    assert [a for a in anchors if a[0] == "main"] == [("main", "https://acme.example/schoffel")]


def test_page_without_semantic_markup_uses_text_density() -> None:
    blocks, anchors = load("no_markup")
    assert [placement for placement, _ in blocks] == [
        "nav", "main", "main", "main", "main", "nav"]
    assert blocks[0] == ("nav", "Home | Links | Guestbook | Mail me")
    assert blocks[-1] == ("nav", "Prev | Widget Webring | Next")
    assert {placement for placement, _ in anchors} == {"nav"}


@pytest.mark.parametrize(("value", "placement"), [
    ("site-footer", "footer"), ("mainNav", "nav"), ("commentlist", "comments"),
    ("ad-slot", "sidebar"), ("address", None), ("national", None), ("footnote", None),
    ("entry-content", "main"), ("comment-navigation", "comments"), ("header-menu", "nav"),
    ("RightRailContainer", "sidebar"), ("", None),
    # Elementor wraps all content, article text included, in "elementor-widget..."
    ("elementor-widget elementor-widget-text-editor", None),
    ("elementor-widget-container", None), ("elementor-widget elementor-widget-nav-menu", "nav"),
    ("elementor-location-footer", "footer"),
])
def test_class_vocabulary(value: str, placement: str | None) -> None:
    assert class_signal(value) == placement


def test_marked_article_beats_a_denser_unmarked_list_of_teasers() -> None:
    teaser = ("<li><a href='/n{0}'>Headline number {0} about the news</a> NEW DELHI: a summary "
              "of story {0}, with details, names, places, and more details, that runs on for "
              "a good while, as news summaries do, before it ends.</li>")
    story = ("<p>Acme Widgets said on Monday, in a short statement, that its new trowel "
             "would ship in March.</p>"
             "<p>The company, based in Leeds, makes garden tools, forks, hoes and rakes.</p>"
             "<p>Its chief executive said demand, which fell last year, had recovered.</p>"
             "<p>Shares rose, then fell, and closed the day slightly higher.</p>"
             "<p>Analysts, who had expected a delay, said the launch was on time.</p>"
             "<p>The trowel, its first new product in years, will cost 25 pounds.</p>"
             "<p>Rivals, including Globex, have not announced anything similar.</p>")
    html = (f"<body><div class='breaking'><ul>{''.join(teaser.format(i) for i in range(10))}"
            f"</ul></div><article>{story}</article></body>")
    result = placements(html)
    assert result["Shares rose, then fell, and closed the day slightly higher."] == "main"
    assert {result[t] for t in result if t.startswith("Headline number")} == {"header"}
    # without the <article> the list is the densest text and would be the content
    unmarked = placements(html.replace("article>", "div>"))
    assert unmarked["Shares rose, then fell, and closed the day slightly higher."] == "footer"
