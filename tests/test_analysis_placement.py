"""Placement of blocks and anchors: landmarks, ARIA roles, class vocabulary, text density."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentionspider.analysis.document import explain_placement, parse_page
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
    # without the <article> the list is the densest text, and the story, after it and
    # with paragraphs that score as well, is between the main content's first and last
    # paragraphs: main too
    unmarked = placements(html.replace("article>", "div>"))
    assert unmarked["Shares rose, then fell, and closed the day slightly higher."] == "main"


POSTS = ["I bought the Acme Widgets trowel last spring and it has held up well in clay soil.",
         "Mine bent after a month, but their support sent a new one without any questions.",
         "Has anyone tried the long-handled version? My back would thank me for it.",
         "Yes, it is the same blade on a longer shaft, and it is worth the extra money."]


def _thread(container: str, post: str) -> str:
    posts = "".join(post.format(i=i, text=text) for i, text in enumerate(POSTS))
    return (f"<body><header><a href='/'>Garden Forum</a></header><h1>Acme trowel: worth it?</h1>"
            f"{container.format(posts)}<footer><p>Forum rules and privacy</p></footer></body>")


@pytest.mark.parametrize(("container", "post"), [
    # posts in a container whose class words say "comments" (Invision, Disqus-like boards)
    ("<div id='comments' class='cTopic'>{}</div>",
     "<div class='comment' id='comment-{i}'><span>user{i}</span><p>{text}</p></div>"),
    ("<section class='replies'>{}</section>",
     "<div class='reply'><span>user{i}</span><div class='reply-body'>{text}</div></div>"),
    # schema.org forum posts, whatever their class words say
    ("<div class='comment-list'>{}</div>",
     "<article itemscope itemtype='https://schema.org/DiscussionForumPosting' class='comment'>"
     "<span>user{i}</span><div itemprop='text'>{text}</div></article>"),
])
def test_on_a_forum_thread_every_post_is_main_content(container: str, post: str) -> None:
    result = placements(_thread(container, post))
    assert {result[text] for text in POSTS} == {"main"}
    assert result["Garden Forum"] == "header"
    assert result["Forum rules and privacy"] == "footer"


def test_an_article_with_a_long_discussion_keeps_its_comments() -> None:
    comments = "".join(f"<li class='comment'><p>{text} {text}</p></li>" for text in POSTS * 3)
    html = (f"<body><article><div class='entry-content'>{ARTICLE}{ARTICLE}</div></article>"
            f"<div id='comments'><ol>{comments}</ol></div></body>")
    result = placements(html)
    assert {result[f"{text} {text}"] for text in POSTS} == {"comments"}


def test_main_content_split_over_sections_and_cards_inside_main() -> None:
    cards = "".join(f"<div class='card'><h3>Plan {n}</h3><p>{text}</p></div>"
                    for n, text in enumerate(POSTS))
    html = ("<body><header><nav><a href='/'>Home</a> <a href='/p'>Pricing</a></nav></header>"
            "<main><section class='hero'><h1>Garden care, done for you</h1>"
            "<p>We look after small gardens every week of the year.</p></section>"
            f"<section class='plans'>{cards}</section><section><h2>Why us</h2>"
            "<p>Fifteen years, four hundred gardens, one team.</p></section></main>"
            "<footer><p>Call us on 0123 456 789</p></footer></body>")
    result = placements(html)
    assert {result[text] for text in POSTS} == {"main"}
    assert result["We look after small gardens every week of the year."] == "main"
    assert result["Fifteen years, four hundred gardens, one team."] == "main"
    assert result["Call us on 0123 456 789"] == "footer"
    assert result["Home Pricing"] == "nav"


def test_a_grid_of_links_in_the_main_region_is_main_content() -> None:
    items = "".join(f"<li class='product'><a href='/p/{n}'>Acme trowel model {n}</a> "
                    f"<span>$1{n}.00</span></li>" for n in range(8))
    html = ("<body><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>"
            "<main><h1>Trowels</h1><p>Hand trowels for clay, sand and pots, in steel.</p>"
            f"<ul class='products'>{items}</ul></main>"
            "<footer><a href='/privacy'>Privacy</a></footer></body>")
    result = placements(html)
    assert explain_placement(html, "https://site.example/p")[3].rule == (
        "inside a main region of links (a listing, a grid): <main>")
    assert {result[f"Acme trowel model {n} $1{n}.00"] for n in range(8)} == {"main"}
    assert result["Home Shop"] == "nav"
    assert result["Privacy"] == "footer"


def test_short_lines_of_an_article_container_outside_its_text_are_not_main() -> None:
    html = ("<body><article class='post'><h1>Acme trowel review</h1><p>Updated at 1:23 p.m.</p>"
            f"<div class='text'>{ARTICLE}{ARTICLE.replace('Acme', 'Acme Co')}</div>"
            "<p>Explore further</p></article></body>")
    result = placements(html)
    assert result["Acme trowel review"] == "main"
    assert result["Updated at 1:23 p.m."] == "header"
    assert result["Explore further"] == "footer"


def test_explain_placement_names_the_rule_and_the_element() -> None:
    html = (f"<body><nav class='top'><a href='/'>Home</a></nav><main>{ARTICLE}</main>"
            "<div class='site-footer'><p>Acme furniture</p></div></body>")
    explained = explain_placement(html, "https://site.example/p")
    assert [(b.placement, b.rule) for b in explained] == [
        ("nav", 'markup: <nav class="top">'),
        ("main", "inside the main region: <main>"),
        ("main", "inside the main region: <main>"),
        ("footer", 'markup: <div class="site-footer">'),
    ]
    assert [b.placement for b in explained] == [
        b.placement for b in parse_page(html, "https://site.example/p").blocks]


def test_text_of_the_pages_main_region_away_from_its_densest_part_is_main() -> None:
    # a service page: a hero and feature cards in <main>, then one long block of text
    features = "".join(f"<div class='feature'><h3>Feature {n}</h3><p>Short words about "
                       f"feature number {n}.</p></div>" for n in range(3))
    html = ("<body><main><div class='hero-banner'><h1>Garden care</h1><p>Compare plans in "
            f"sixty seconds.</p></div>{features}<section>{ARTICLE * 3}</section></main>"
            "<footer><p>Call us</p></footer></body>")
    result = placements(html)
    assert result["Compare plans in sixty seconds."] == "main"
    assert {result[f"Short words about feature number {n}."] for n in range(3)} == {"main"}
    # the same short lines in an article container (not <main>) are teasers and captions
    teasers = "".join(f"<p>Short words about feature number {n}.</p>" for n in range(3))
    html = (f"<body><article class='post'><div class='body'>{ARTICLE * 3}</div>{teasers}"
            "</article></body>")
    result = placements(html)
    assert {result[f"Short words about feature number {n}."] for n in range(3)} == {"footer"}


@pytest.mark.parametrize("panel", [
    "<div class='message-userDetails'><h4>{name}</h4><p>Well-known member</p></div>",
    "<dl class='postprofile'><dt>{name}</dt><dd>Posts: 116</dd></dl>",
    "<div class='userinfo'><a href='/u/{name}'>{name}</a><div>Join Date: Aug 2008</div></div>",
    "<div class='author-box'><p>{name} writes about tools.</p></div>",
])
def test_a_posts_user_panel_or_author_box_is_not_main(panel: str) -> None:
    posts = "".join(f"<div class='message'>{panel.format(name=f'user{i}')}"
                    f"<div class='message-body'><p>{text}</p></div>"
                    f"<div class='signature'>Sent from my garden shed</div></div>"
                    for i, text in enumerate(POSTS))
    html = f"<body><main><h1>Acme trowel: worth it?</h1>{posts}</main></body>"
    blocks = parse_page(html, "https://forum.example/t/1").blocks
    assert {b.placement for b in blocks if b.text in POSTS} == {"main"}
    assert {b.placement for b in blocks if b.text not in POSTS and b.text != "Acme trowel: "
            "worth it?"} == {"sidebar"}


@pytest.mark.parametrize("value", ["username", "user-avatar", "authority", "users"])
def test_user_words_alone_are_not_user_panels(value: str) -> None:
    assert class_signal(value) is None


def test_linked_titles_of_a_run_of_cards_are_main_and_a_menu_is_not() -> None:
    # a blog index inside <main>: each card is a linked title with its own summary
    cards = "".join(f"<div class='card'><h3><a href='/post/{n}'>Acme trowel story {n}</a></h3>"
                    f"<p>Short summary of the trowel story number {n}.</p></div>"
                    for n in range(4))
    menu = "".join(f"<li><a href='/c/{n}'>Category {n}</a></li>" for n in range(4))
    html = (f"<body><main><h1>Acme blog</h1>{ARTICLE}<div class='grid'>{cards}</div>"
            f"<ul>{menu}</ul>{ARTICLE}</main></body>")
    result = placements(html)
    assert {result[f"Acme trowel story {n}"] for n in range(4)} == {"main"}
    assert {result[f"Category {n}"] for n in range(4)} == {"sidebar"}
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules["Acme trowel story 0"] == (
        "title of an item with its own text (a card, a teaser, a product)")


def test_one_linked_line_between_paragraphs_is_not_a_card() -> None:
    # "Read more: ..." promos set as paragraphs of the article share its parent
    promos = "".join(f"{ARTICLE}<p><a href='/r/{n}'>READ MORE: Acme recalls trowel {n}</a></p>"
                     for n in range(3))
    result = placements(f"<body><article>{promos}</article></body>")
    assert {result[f"READ MORE: Acme recalls trowel {n}"] for n in range(3)} == {"sidebar"}


@pytest.mark.parametrize("label", ["Add to cart", "Sign in", "Click to expand...", "Share",
                                   "Read more »", "Ajouter au panier", "Advertisement",
                                   "Article continues below", "Posts: 1,077",
                                   "Join Date: Aug 2008", "Filter & Sort", "Sort by:",
                                   "Refine your results", "Filtres", "Buy now",
                                   "Choose options", "Add to basket - $29", "$130 Add to cart",
                                   "Add to cart-€549.99", "Select a size", "Sold out",
                                   "Quick view", "Wishlist", "Notify me when back in stock",
                                   "Get started", "Start your free trial", "Try it for free",
                                   "See plans", "View pricing", "Request pricing",
                                   "Download for macOS Download for Windows", "Anzeige",
                                   "Publicité", "Iklan", "Add all 3 to cart",
                                   # (a documentation page's tools)
                                   "Copy", "Copy page", "Copied!", "Copy for LLMView as Markdown",
                                   "Ask about this section", "Show child attributes",
                                   "Edit this page on GitHub",
                                   # (a thread's tools, a post's votes and reactions)
                                   "Post reply", "New topic", "Start a new thread",
                                   "Search for a thread", "Watch thread",
                                   "Display posts from previous:Sort by", "Upvote ·",
                                   "Jo likes this.", "Jo and Al like this.", "Create an account",
                                   "Sold out Added!", "Added to cart",
                                   "1 person likes this.", "Sort By: Best Selling"])
def test_the_label_of_a_control_inside_main_is_not_main(label: str) -> None:
    html = f"<body><main>{ARTICLE}<div><span>{label}</span></div>{ARTICLE}</main></body>"
    assert placements(html)[label] == "sidebar"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules[label] == ("label of a control, a line of a poster's panel or a post's "
                            'reactions ("Add to cart", "Posts: 116", "Jo likes this.")')


@pytest.mark.parametrize("line", ["The output looks like this:", "More like this",
                                  "Copy the file to the server first.", "New topic ideas",
                                  "Sort by size before you pick one."])
def test_lines_that_only_start_like_a_control_are_main(line: str) -> None:
    html = f"<body><main>{ARTICLE}<div><p>{line}</p></div>{ARTICLE}</main></body>"
    assert placements(html)[line] == "main"


def test_a_heading_that_names_furniture_takes_what_follows_it_out_of_main() -> None:
    related = "".join(f"<li>Acme shovel review {n}</li>" for n in range(3))
    html = (f"<body><article><h1>Acme trowel</h1>{ARTICLE}<div class='box'><h3>Related posts"
            f"</h3><ul>{related}</ul></div><h2>Verdict</h2>{ARTICLE.replace('Acme', 'Acme Co')}"
            "</article></body>")
    result = placements(html)
    assert result["Related posts"] == "sidebar"
    assert {result[f"Acme shovel review {n}"] for n in range(3)} == {"sidebar"}
    assert result["Verdict"] == "main"
    assert {b.placement for b in parse_page(html, "https://site.example/p").blocks
            if "Acme Co" in b.text} == {"main"}


def test_a_listings_own_list_of_cards_is_main_wherever_its_densest_text_is() -> None:
    # a shop category: a short intro, then product tiles (a linked name, a price)
    tiles = "".join(f"<div class='tile'><div class='name'><a href='/p/{n}'>Acme trowel model "
                    f"{n}</a></div><div class='price'>$1{n}.00</div></div>"
                    for n in range(6))
    html = ("<body><header><a href='/'>Acme shop</a></header><div class='intro'><h1>Trowels</h1>"
            "<p>Trowels for clay, for sand, and for the rockiest of borders, tested by us.</p>"
            f"</div><div class='grid'>{tiles}</div><footer><p>Acme Ltd</p></footer></body>")
    result = placements(html)
    assert {result[f"Acme trowel model {n}"] for n in range(6)} == {"main"}
    assert {result[f"$1{n}.00"] for n in range(6)} == {"main"}
    assert result["Acme Ltd"] == "footer"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules["Acme trowel model 5"] == (
        "in a list of cards that holds more text than the densest part (a listing)")
    # the same tiles after an article are "more stories", not the page's content
    html = html.replace("<p>Trowels for clay", f"{ARTICLE * 4}<p>Trowels for clay")
    result = placements(html)
    assert {result[f"Acme trowel model {n}"] for n in range(6)} != {"main"}


@pytest.mark.parametrize("value", ["main-wrap has-rail-right", "layout with-sidebar",
                                   "hs_cos_wrapper hs_cos_wrapper_widget", "page no-ads",
                                   "span12 widget-span widget-type-rich_text",
                                   "wt-text-caption", "typography-caption-tile", "caption-s"])
def test_a_wrapper_state_a_cms_module_wrapper_or_a_type_style_is_no_signal(value: str) -> None:
    assert class_signal(value) is None


@pytest.mark.parametrize("value", ["product-caption", "card-caption-content",
                                   "cdr-rating__caption-sr_15-1-0", "tile__caption"])
def test_the_caption_of_a_card_a_product_or_a_rating_is_its_text_not_an_images_caption(
        value: str) -> None:
    assert class_signal(value) is None
    for image_caption in ("wp-caption-text", "image-caption", "caption", "figure-caption"):
        assert class_signal(image_caption) == "sidebar"
    # a shop's list: each tile's blurb sits in its "product-caption"
    tiles = "".join(
        f"<div class='product-tile'><h3><a href='/p/{n}'>Acme trowel {n}</a></h3>"
        f"<div class='{value}'>Forged steel trowel number {n}, with an ash handle and a "
        f"lifetime guarantee against bending.</div></div>" for n in range(5))
    result = placements(f"<body><main><h1>Trowels</h1>{tiles}</main></body>")
    assert {result[f"Forged steel trowel number {n}, with an ash handle and a lifetime "
                   f"guarantee against bending."] for n in range(5)} == {"main"}


def test_a_page_whose_first_post_is_a_comment_is_a_thread() -> None:
    # Invision-style topic: every post, the opening one too, is a "comment"
    posts = "".join(f"<div class='ipsComment' id='comment-{n}_wrap'><p>{text}</p></div>"
                    for n, text in enumerate(POSTS))
    html = (f"<body><main><h1>Acme trowel: worth it?</h1>{posts}</main>"
            f"<div class='about'>{ARTICLE}</div></body>")
    result = placements(html)
    assert {result[text] for text in POSTS} == {"main"}
    # the same comments under an article's own text stay comments
    html = (f"<body><main><h1>Acme trowel review</h1><div class='text'>{ARTICLE}</div>{posts}"
            "</main></body>")
    result = placements(html)
    assert {result[text] for text in POSTS} == {"comments"}


def test_short_lines_of_another_entry_of_a_list_of_articles_are_main() -> None:
    # a thread of <article>s in an article container: the long opening post, short replies
    replies = "".join(f"<article class='reply'><p>{text}</p></article>" for text in POSTS)
    html = (f"<body><article class='thread'><article class='op'><h1>Acme trowel: worth it?"
            f"</h1>{ARTICLE * 2}</article>{replies}</article></body>")
    result = placements(html)
    assert {result[text] for text in POSTS} == {"main"}


def test_the_intro_of_a_page_that_marks_no_main_content_is_main() -> None:
    # a service page: header, a hero pitch, then the dense text; nothing marked as main
    html = ("<body><div class='site-header'><a href='/'>Acme</a></div><div class='hero'>"
            "<h2>Garden care that lasts</h2><p>Acme plans keep your lawn and your borders in "
            f"shape all year for one monthly price.</p></div><div class='text'>{ARTICLE * 6}"
            "</div></body>")
    result = placements(html)
    pitch = "Acme plans keep your lawn and your borders in shape all year for one monthly price."
    assert result[pitch] == "main"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules[pitch] == (
        "paragraph of a page that is not an article (no main content marked, or a short "
        "densest part): an intro, a pitch, a description")
    # before an article container's text, the same line is a standfirst, not main
    html = html.replace("<div class='text'>", "<article>").replace("</div></body>",
                                                                    "</article></body>")
    assert placements(html)[pitch] == "header"


@pytest.mark.parametrize("line", ["© 2025 Acme Widgets Ltd.", "Copyright 2025 Acme News.",
                                  "Disclaimer: the views expressed are the author's own.",
                                  "Follow us on Twitter for more garden tips.",
                                  "Subscribe to the Acme newsletter",
                                  "By clicking Subscribe, you agree to our Terms of Use.",
                                  "By using this site, you consent to our use of cookies.",
                                  "By posting a comment, you agree to our privacy policy.",
                                  "This work is licensed under a Creative Commons Attribution"
                                  " 4.0 License.",
                                  "Except as otherwise noted, the content of this page is"
                                  " licensed under the Apache 2.0 License.",
                                  "Text is available under the Creative Commons Attribution"
                                  " License; additional terms may apply.",
                                  "Acme is a registered trademark of Acme Tools Inc."])
def test_small_print_inside_the_main_content_is_not_main(line: str) -> None:
    html = f"<body><article>{ARTICLE}<p>{line}</p>{ARTICLE}</article></body>"
    assert placements(html)[line] == "footer"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules[line] == ("small print (copyright, disclaimer, licence, trademark, the terms"
                           " a form's button agrees to, follow us)")


@pytest.mark.parametrize("line", [
    "By the time you agree on a trowel, the season is over, so we picked three for you.",
    "Our trowels are licensed under the old Acme patents, which ran out in 1990 at last.",
    "Acme is a registered trademark of Acme Tools Inc., and so the shop was renamed. "
    "That was the start of a long dispute over the trowel's name and its design."])
def test_sentences_that_only_touch_on_terms_or_trademarks_are_main(line: str) -> None:
    html = f"<body><article>{ARTICLE}<p>{line}</p>{ARTICLE}</article></body>"
    assert placements(html)[line] == "main"


def test_paragraphs_beside_a_short_densest_part_that_is_no_article_are_main() -> None:
    # a shop category in <main>: a short description, the tiles, then a buying guide
    # outside <main>; the densest part is the short description, not an article
    tiles = "".join(f"<li><a href='/p/{n}'>Trowel {n}</a></li>" for n in range(6))
    guide = "How to choose a trowel: look for a forged blade and a handle that fits your hand."
    html = ("<body><main><h1>Trowels</h1><p>Trowels for clay, for sand, for loam, for gravel, "
            "and for the rockiest of borders, tested by us, one by one, season after season.</p>"
            f"<ul>{tiles}</ul></main><div><p>{guide}</p></div><footer><p>Acme Ltd</p></footer>"
            "</body>")
    result = placements(html)
    assert result[guide] == "main"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules[guide].startswith("paragraph of a page that is not an article")
    assert result["Acme Ltd"] == "footer"
    # after a short article container, the same paragraph is not its text
    html = html.replace("<main>", "<main><article>").replace("</main>", "</article></main>")
    assert placements(html)[guide] == "footer"


def test_a_cookie_dialog_longer_than_the_page_is_not_its_content() -> None:
    # a recipe category: a one-line intro and a grid of linked cards, then a consent
    # manager (OneTrust, Cookiebot) whose purposes hold most of the page's text
    cards = "".join(f"<div class='card'><a href='/r/{n}'><span>Tomato sauce {n}</span></a></div>"
                    for n in range(6))
    purposes = "".join(
        f"<h4>Purpose {n}</h4><p>These cookies let us and our partners measure visits, "
        "remember your choices and show you personalised content and advertising.</p>"
        for n in range(8))
    intro = "Our collection of tomato sauce recipes has something for every kind of dish you cook."
    html = (f"<body><div><h1>Tomato sauce recipes</h1><p>{intro}</p><div>{cards}</div></div>"
            f"<div id='onetrust-consent-sdk'><div class='ot-pc-content'>{purposes}</div></div>"
            "</body>")
    result = placements(html)
    assert result[intro] == "main"
    assert result["Purpose 3"] == "footer"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/c")}
    assert rules["Purpose 3"] == 'markup: <div id="onetrust-consent-sdk">'
    # the same long box named as a sidebar is a wrapper around the content, as before
    html = html.replace("id='onetrust-consent-sdk'", "class='sidebar'")
    assert placements(html)["Purpose 3"] == "main"


def test_tiles_whose_price_nests_deeper_than_their_title_are_the_listing() -> None:
    # a shop category: each tile is an <li> whose own text is its linked title, with the
    # price and the rating in elements nested below it; a menu above, short text around
    tiles = "".join(
        f"<li><a href='/p/{n}'>Acme Headlamp {n}</a><div class='pricing'><div><span>"
        f"${20 + n}.95</span></div></div><div><div><span>{n + 3} reviews, rated 4.{n} of 5"
        "</span></div></div></li>" for n in range(6))
    html = ("<body><div><ul><li><a href='/'>Home</a></li><li><a href='/shop'>Shop</a></li>"
            "<li><a href='/help'>Help</a></li></ul></div>"
            "<div><h1>Headlamps</h1><p>Headlamps for the trail and the tent.</p>"
            f"<ul>{tiles}</ul></div><div><p>Acme Outdoor Ltd</p></div></body>")
    result = placements(html)
    assert result["Acme Headlamp 4"] == "main"
    assert result["$23.95"] == "main"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/c")}
    assert rules["Acme Headlamp 4"] == (
        "in a list of cards that holds more text than the densest part (a listing)")
    assert result["Shop"] == "nav"
    # a menu's items, with nothing between them, are no tiles
    menu = "".join(f"<li><a href='/c/{n}'>Category {n}</a></li>" for n in range(8))
    html = html.replace("<li><a href='/'>Home</a></li>", menu)
    assert placements(html)["Category 5"] == "nav"


def test_a_price_alone_is_the_products_text_and_a_priced_button_is_a_control() -> None:
    html = (f"<body><main><h1>Acme trowel</h1>{ARTICLE}<div><span>$19.95</span></div>"
            f"<div><button>Add to cart - $19.95</button></div>{ARTICLE}</main></body>")
    result = placements(html)
    assert result["$19.95"] == "main"
    assert result["Add to cart - $19.95"] == "sidebar"


@pytest.mark.parametrize("line", ["Free shipping on orders over $50", "Ships from: Portugal",
                                  "Returns & exchanges accepted", "Showing 24 of 291 results",
                                  "Members earn 120 points on this purchase.",
                                  "Flat rate | Free shipping over $75", "Livraison offerte dès 99€",
                                  "Customer reviews", "In stock", "Out of stock",
                                  "Only 3 left", "Low in stock, only 6 left", "En stock",
                                  "Coming Soon!", "No Longer Available",
                                  "Temporarily out of stock", "Pre-order now"])
def test_a_shops_service_lines_inside_main_are_not_main(line: str) -> None:
    # a product page: description, then the shop's terms between the description and specs
    html = (f"<body><main><h1>Acme trowel</h1>{ARTICLE}<div><span>{line}</span></div>"
            f"{ARTICLE}</main></body>")
    assert placements(html)[line] == "sidebar"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules[line] == "a shop's service line (shipping, returns, result count, points)"
    # a sentence that only starts like one is the page's text
    sentence = "Free shipping was the first thing we looked at when we compared the shops."
    html = html.replace(line, sentence)
    assert placements(html)[sentence] == "main"


@pytest.mark.parametrize("label", ["Add to cart Add to cart", "Add to cart -",
                                   "Share | Print"])
def test_a_controls_label_given_twice_is_still_a_control(label: str) -> None:
    html = f"<body><main>{ARTICLE}<div><button>{label}</button></div>{ARTICLE}</main></body>"
    assert placements(html)[label] == "sidebar"


@pytest.mark.parametrize("heading", ["Keep exploring trowels.",
                                     "People who viewed this item also viewed",
                                     "This is what customers who viewed this product bought",
                                     "Frequently bought together", "Recently viewed",
                                     "Your recently viewed items", "Related services",
                                     "Customers also bought", "You may also like"])
def test_a_shops_recommendation_headings_take_what_follows_out_of_main(heading: str) -> None:
    others = "".join(f"<li>Acme fork model {n}, forged steel, ash handle</li>" for n in range(3))
    html = (f"<body><main><h1>Acme trowel</h1>{ARTICLE}<div><h2>{heading}</h2><ul>{others}</ul>"
            f"</div><h2>Specifications</h2>{ARTICLE.replace('Acme', 'Acme Co')}</main></body>")
    result = placements(html)
    assert result[heading] == "sidebar"
    assert result["Acme fork model 1, forged steel, ash handle"] == "sidebar"
    assert result["Specifications"] == "main"


@pytest.mark.parametrize("post", [
    # XenForo-like: the panel beside each message, the message in its own <article>
    "<li class='message' id='post-{i}'><div class='messageUserInfo'><a href='/m/{i}'>user{i}"
    "</a><span>Posts: 1{i}</span></div><div class='messageContent'><article>"
    "<blockquote class='messageText'>{text}</blockquote></article></div></li>",
    # phpBB-like: a profile list and a body in each post
    "<div class='post' id='p{i}'><div class='inner'><dl class='postprofile'><dt>user{i}</dt>"
    "<dd>Joined: 2019</dd></dl><div class='postbody'><div class='content'>{text}</div></div>"
    "</div></div>",
    # XenForo 2-like: user details and user extras nested in the post's user cell, the
    # message in the cell beside it (the post is their common ancestor, two levels up)
    "<div class='message' id='post-{i}'><div class='message-inner'><div class='message-cell"
    " message-cell--user'><section class='message-user'><div class='message-userDetails'>"
    "<a href='/m/{i}'>user{i}</a></div><div class='message-userExtras'><dl><dt>Posts</dt>"
    "<dd>1{i}</dd></dl></div></section></div><div class='message-cell message-cell--main'>"
    "<div class='message-content'><div class='bbWrapper'>{text}</div></div></div></div></div>",
])
def test_a_run_of_posts_each_with_its_posters_panel_is_a_thread(post: str) -> None:
    # a long opening post, then short replies that density alone would leave out
    opening = " ".join([ARTICLE.replace("<p>", "").replace("</p>", " ")] * 3)
    replies = ["Same here, mine is fine.", "Thanks, that settles it!", "Mine bent in a week.",
               "Which model did you get?"]
    posts = "".join(post.format(i=i, text=text) for i, text in enumerate([opening, *replies]))
    html = (f"<body><header><a href='/'>Garden Forum</a></header><h1>Acme trowel: worth it?</h1>"
            f"<ol class='messageList'>{posts}</ol>"
            f"<div class='similar'><h3>Similar threads</h3><p>Other trowels</p></div>"
            f"<footer><p>Forum rules and privacy</p></footer></body>")
    result = placements(html)
    assert {result[text] for text in replies} == {"main"}
    assert {result[text] for text in result if text.startswith("user1")} == {"sidebar"}
    assert result["Forum rules and privacy"] == "footer"
    why = {block.text: block.rule for block in explain_placement(html, "https://site.example/t")}
    assert why["Mine bent in a week."].startswith("post of a thread")


def test_notices_to_the_reader_are_not_main_content() -> None:
    html = (f"<body><article><h1>The best trowels</h1><div class='entry-content'>"
            f"<p>This post contains affiliate links: we may earn a commission.</p>{ARTICLE}"
            f"<p>Log in to the dashboard, then open the settings of your trowel order.</p>"
            f"<p>Sign up for our newsletter and never miss a review.</p>{ARTICLE}</div>"
            f"<p>You must log in or register to reply here.</p></article></body>")
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    for notice in ("This post contains affiliate links: we may earn a commission.",
                   "Sign up for our newsletter and never miss a review."):
        assert why[notice][0] == "sidebar"
        assert why[notice][1].startswith("notice to the reader")
    assert why["You must log in or register to reply here."][0] != "main"
    # (or to see, view or access what is held back)
    for notice in ("Join to see the photo's details", "Register for free to access the full table",
                   "Sign up (it's free) to be able to post messages"):
        html = f"<body><article>{ARTICLE}<p>{notice}</p>{ARTICLE}</article></body>"
        assert placements(html)[notice] == "sidebar"
    # (a sign-in form's prompts)
    for notice in ("Already have an account? Sign in here.", "Not a member? Join today.",
                   "Sign up for a new account in our community. It's easy!"):
        html = f"<body><main>{ARTICLE}<div><p>{notice}</p></div>{ARTICLE}</main></body>"
        assert placements(html)[notice] == "sidebar"
    question = "What if you already have an account? Then the trowel is yours at half price."
    html = f"<body><main>{ARTICLE}<div><p>{question}</p></div>{ARTICLE}</main></body>"
    assert placements(html)[question] == "main"
    # an instruction that starts the same way is the page's own text
    assert why["Log in to the dashboard, then open the settings of your trowel order."][0] == "main"


def test_a_header_class_after_the_page_text_started_is_a_sections_header() -> None:
    # a service page: the site's header first, then sections and cards with headers of their own
    section = ("<section><div class='section-header'><h2>{0} for every team</h2>"
               "<p>Acme plans {0} for teams of every size, with one dashboard for all of it.</p>"
               "</div><p>Our {0} service covers planning, delivery and support, and we measure"
               " every project against the goals we agreed with you at the start.</p></section>")
    html = (f"<body><div class='site-header'><a href='/'>Acme</a><p>Call us today</p></div>"
            f"<div class='content'>{''.join(section.format(s) for s in ('Design', 'Hosting', 'SEO'))}"
            f"<div class='card'><div class='card-header'>Trusted by 2,000 companies</div>"
            f"<p>From start-ups to banks, customers stay with Acme for years, and say so.</p>"
            f"</div></div><footer><p>Acme Ltd, 1 Main Street</p></footer></body>")
    result = placements(html)
    assert result["Call us today"] == "header"
    assert result["Hosting for every team"] == "main"
    assert result["Acme plans SEO for teams of every size, with one dashboard for all of it."] == (
        "main")
    assert result["Trusted by 2,000 companies"] == "main"


def test_a_banner_or_a_categorys_header_around_its_intro_is_the_pages_text() -> None:
    # a shop category: the intro sits in a "collection-banner" hero and a "category-header",
    # outside any marked main region; a grid of tiles below
    tiles = "".join(f"<li><a href='/p/{n}'>Acme trowel {n}</a></li>" for n in range(6))
    hero = "Acme trowels are forged from one piece of steel, so the blade never comes loose."
    intro = "Every trowel here is tested in clay, sand and gravel before it is listed for sale."
    html = ("<body><div class='site-header'><a href='/'>Acme</a></div>"
            f"<div class='collection-banner-hero'><h2>Trowels</h2><p>{hero}</p></div>"
            f"<div class='category-header'><p class='category-header__text'>{intro}</p></div>"
            f"<div class='grid'><ul>{tiles}</ul></div><div class='text'>{ARTICLE * 3}</div>"
            "</body>")
    result = placements(html)
    assert result[hero] == "main"
    assert result[intro] == "main"
    # the site's own header and a role=banner landmark stay header
    assert class_signal("site-header") == "header"
    html = html.replace("<div class='collection-banner-hero'>", "<div role='banner'>")
    assert placements(html)[hero] == "header"


@pytest.mark.parametrize("value", ["collection-banner-hero", "category-header_description-text",
                                   "section-header", "search_info-header-text"])
def test_a_banner_or_the_header_of_a_part_of_the_content_is_no_signal(value: str) -> None:
    assert class_signal(value) is None


def test_cards_that_are_each_one_link_are_the_listing() -> None:
    # a shop category: each card is one <a> around its name, its blurb and its price;
    # a menu above (one link per item), a short intro, a footer
    cards = "".join(f"<li><a href='/p/{n}'><h3>Acme pruner {n}</h3><p>Bypass blades, {n + 2} "
                    f"sizes</p><span>${30 + n}</span></a></li>" for n in range(6))
    menu = "".join(f"<li><a href='/c/{n}'>Category {n}</a></li>" for n in range(6))
    html = (f"<body><div class='top'><ul>{menu}</ul></div><div><h1>Pruners</h1>"
            "<p>Pruners for roses and for fruit trees.</p></div>"
            f"<div class='products'><ul>{cards}</ul></div><div><p>Acme Garden Ltd</p></div></body>")
    result = placements(html)
    assert {result[f"Acme pruner {n}"] for n in range(6)} == {"main"}
    assert result["$33"] == "main"
    assert {result[f"Category {n}"] for n in range(6)} == {"nav"}
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/c")}
    assert rules["Acme pruner 4"] == (
        "in a list of cards that are each one link (title, summary and price in one <a>) and "
        "hold more text than the densest part (a listing)")
    # the same cards after an article container's short text are "more stories"
    html = html.replace("<div><h1>Pruners</h1>", "<article><h1>Pruners</h1>").replace(
        "fruit trees.</p></div>", "fruit trees, tested over a whole season of pruning.</p>"
        "</article>")
    assert placements(html)["Acme pruner 4"] != "main"


def test_linked_headings_in_the_densest_part_of_main_are_titles_not_links() -> None:
    # a blog index in <main>: each entry's linked heading, then its category link or byline,
    # then its summary and a link to the story (no plain block next to the title for the card
    # rule to see)
    entries = "".join(
        f"<div class='entry'><h2><a href='/post/{n}'>Acme trowel story {n}</a></h2>"
        f"<div class='meta'><a href='/c/tools'>Tools</a></div><p>The story of trowel number "
        f"{n}, how it was forged, sharpened, tested, and finally, sold to a gardener.</p>"
        f"<div class='more'><a href='/post/{n}'>The whole story</a></div></div>"
        for n in range(4))
    html = f"<body><main><h1>Acme blog</h1>{entries}</main></body>"
    result = placements(html)
    assert {result[f"Acme trowel story {n}"] for n in range(4)} == {"main"}
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/b")}
    assert rules["Acme trowel story 2"] == (
        "linked heading in the densest part of a page's <main> or of a page that marks no main "
        "content (the title of a teaser, a card, an entry)")
    # inside an article container the same headings are "more stories"
    html = html.replace("<main>", "<main><article>").replace("</main>", "</article></main>")
    assert placements(html)["Acme trowel story 2"] != "main"


_ENTRY_HEADING = (
    "linked heading between the main content's first and last paragraphs, in the page's <main>"
    " or in another <article> than the densest one (the title of an entry of a listing, of a"
    " teaser, of a section)")


def test_linked_headings_between_the_paragraphs_of_main_are_titles_not_links() -> None:
    # a news index in <main>: its intro, two pinned stories that are a linked heading each
    # (no summary), then the entries with their summaries
    entries = "".join(
        f"<div class='entry'><h3><a href='/story/{n}'>Acme rake story {n}</a></h3><p>The "
        f"story of rake number {n}, how it was forged, tested, and sold, at last.</p></div>"
        for n in range(4))
    html = ("<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main>"
            "<h1>Acme news</h1><div class='intro'><p>The latest news about garden tools, rakes, "
            "hoes, and more, from our own workshop.</p></div><div class='pinned'>"
            "<h3><a href='/story/p1'>Acme pinned story one</a></h3>"
            "<h3><a href='/story/p2'>Acme pinned story two</a></h3></div>"
            f"<div class='latest'>{entries}</div></main></body>")
    assert placements(html)["Acme pinned story two"] == "main"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/n")}
    assert rules["Acme pinned story two"] == _ENTRY_HEADING


def test_linked_headlines_of_a_list_of_articles_are_entries_not_links() -> None:
    # a news listing whose entries are each an <article>: headline link and its source's
    # link, a link to its comments, byline, summary (the densest entry's own headline may stay
    # a link)
    entries = "".join(
        f"<article class='story'><header><h2><a href='/s/{n}'>Acme hoe story {n}</a> "
        f"<a class='source' href='https://news.example/{n}'>(news.example)</a></h2></header>"
        f"<span class='comment-count'><a href='/s/{n}#talk'>12</a></span>"
        f"<div>Posted by Jo on Monday, March {n + 2}</div><p>The story of hoe number {n}, how "
        f"it was forged, sharpened, tested, and finally, sold to a gardener who uses it every "
        f"day, rain or shine.</p></article>" for n in range(4))
    html = f"<body><nav><a href='/'>Home</a></nav><div id='stories'>{entries}</div></body>"
    result = placements(html)
    assert {result[f"Acme hoe story {n} (news.example)"] for n in range(1, 4)} == {"main"}
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/l")}
    assert rules["Acme hoe story 3 (news.example)"] == _ENTRY_HEADING


@pytest.mark.parametrize("span", ["token comment", "hljs-comment", "sp-syntax-comment"])
def test_a_comment_in_highlighted_code_is_not_a_readers_comment(span: str) -> None:
    html = (f"<body><article>{ARTICLE}<pre><code><span class='token keyword'>import</span> acme"
            f"\n<span class='{span}'># the Acme Widgets client</span>\nacme.connect()</code></pre>"
            f"{ARTICLE}</article></body>")
    result = placements(html)
    assert [placement for text, placement in result.items() if "Acme Widgets client" in text] == [
        "main"]
    assert class_signal(span) is None
    assert class_signal("comment-list") == "comments"


def test_on_a_thread_the_opening_post_between_the_title_and_the_first_panel_is_main() -> None:
    # a Q&A page: the question's body comes before its asker's card, long answers after it
    card = "<div class='post-signature'><div class='user-info'><a href='/u/{0}'>user{0}</a>" \
           "<span>1,234 reputation</span></div></div>"
    answer = "<div class='answer'><div class='s-prose'>" + ARTICLE * 3 + "</div>" + card + "</div>"
    html = (f"<body><header><a href='/'>Q&amp;A site</a></header>"
            f"<h1>How do I back up my whole system?</h1><div class='question'>"
            f"<div class='s-prose'><p>I want a copy of everything, settings included.</p>"
            f"<p>Is copying the root folder enough?</p></div>{card.format(0)}</div>"
            f"<div id='answers'>{''.join(answer.format(n) for n in range(1, 4))}</div>"
            f"<p>Not open for further replies.</p>"
            f"<footer><p>Site design and logo</p></footer></body>")
    result = placements(html)
    assert result["I want a copy of everything, settings included."] == "main"
    assert result["Is copying the root folder enough?"] == "main"
    why = {block.text: block.rule for block in explain_placement(html, "https://site.example/q")}
    assert why["Is copying the root folder enough?"].startswith("post of a thread")
    assert result["Not open for further replies."] != "main"
    assert result["Site design and logo"] == "footer"


def test_a_cards_tags_marked_up_as_such_do_not_break_its_run_of_titles() -> None:
    # a blog index in <main>: each card has a date, a linked title, a summary, then its tags
    # (a "tags" list of links, itself next to the summary)
    cards = "".join(
        f"<div class='post-card'><div class='top'><div class='date'>May {n}</div><a "
        f"href='/post/{n}'><p class='title'>Acme trowel story {n}</p></a><div class='summary'>"
        f"How trowel {n} was forged, sharpened and tested, and sold.</div></div><div "
        f"class='post-tags'><a href='/t/tools'>Tools</a><a href='/t/steel'>Steel</a></div></div>"
        for n in range(5))
    html = f"<body><main><h1>Acme blog</h1><div class='list'>{cards}</div></main></body>"
    result = placements(html)
    assert {result[f"Acme trowel story {n}"] for n in range(5)} == {"main"}
    assert result["ToolsSteel"] == "nav"


def test_a_figure_of_running_text_is_content_and_an_images_caption_is_not() -> None:
    # WordPress wraps tables and pull quotes in <figure>; an image's figure holds a caption
    quote = ("<figure class='wp-block-pullquote'><blockquote><p>Acme Widgets changed how our"
             " whole team works: we plan in one place, we ship twice as often, and our clients"
             " see every step of the work as it happens, which they tell us they love.</p>"
             "<cite>Jane Doe, head of delivery</cite></blockquote></figure>")
    image = ("<figure><img src='t.jpg' alt=''><figcaption>The Acme trowel in clay"
             "</figcaption><span>Photo: Acme</span></figure>")
    result = placements(f"<body><article>{ARTICLE}{quote}{image}{ARTICLE}</article></body>")
    assert result["Jane Doe, head of delivery"] == "main"
    assert result["The Acme trowel in clay"] == "sidebar"
    assert result["Photo: Acme"] == "sidebar"


def test_a_gallery_is_content_and_its_controls_are_not() -> None:
    # a product page: a "gallery" of feature cards with their own text, a slideshow's
    # controls (counter, next/previous, caption toggle)
    cards = "".join(f"<li class='gallery-item'><h3>Feature {n}</h3><p>The Acme trowel's "
                    f"blade number {n} is forged from one piece of steel.</p></li>"
                    for n in range(3))
    html = (f"<body><main><h1>Acme trowel</h1>{ARTICLE}<div class='gallery-content'><ul>{cards}"
            "</ul><div class='gallery-controls'><div>1 of 3</div><div><button>Previous</button>"
            f"</div><div><button>Next</button></div><div><button>Caption</button></div></div></div>"
            f"{ARTICLE}</main></body>")
    result = placements(html)
    assert result["Feature 1"] == "main"
    assert result["The Acme trowel's blade number 1 is forged from one piece of steel."] == "main"
    assert {result[label] for label in ("1 of 3", "Previous", "Next", "Caption")} == {"sidebar"}
    assert class_signal("gallery-content") is None


def test_calls_to_action_inside_the_main_content_are_not_main() -> None:
    html = (f"<body><main><h1>The best trowels</h1>{ARTICLE}"
            "<h3>Contact us for a free estimate</h3>"
            "<p>Get our best garden tips delivered straight to your inbox.</p>"
            f"{ARTICLE.replace('Acme', 'Acme Co')}"
            "<p>For questions about a trowel order, please contact us at Acme Support.</p>"
            "<p>Request a quote</p><p>Fill in this form to get the Acme catalogue.</p>"
            "<p>Send us a message</p><p>Drop us a line and we will get back to you.</p>"
            "<p>Was this page helpful?</p><h2>Ready to plant your garden?</h2>"
            "<p>Ready to dig in? Start your free trial today</p>"
            f"{ARTICLE.replace('Acme', 'Acme Inc')}"
            "<p>Ready to dig? Our trowels come in three sizes, and each has a rubber grip.</p>"
            "</main></body>")
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    for call in ("Contact us for a free estimate",
                 "Get our best garden tips delivered straight to your inbox.",
                 "Request a quote", "Fill in this form to get the Acme catalogue.",
                 "Send us a message", "Drop us a line and we will get back to you.",
                 "Was this page helpful?", "Ready to plant your garden?",
                 "Ready to dig in? Start your free trial today"):
        assert why[call] == ("sidebar", "call to action (contact us, request a quote, delivered"
                                        " to your inbox, was this page helpful)"), call
    # the page's own sentence that names a contact stays main
    assert why["For questions about a trowel order, please contact us at Acme Support."][0] == (
        "main")
    assert why["The best trowels"][0] == "main"
    # a question that opens a sentence of the text is no call
    assert why["Ready to dig? Our trowels come in three sizes, and each has a rubber grip."][0] == (
        "main")


def test_short_lines_between_paragraphs_of_an_article_container_are_its_text() -> None:
    plain = ("<p>A grip that does not slip is a grip that does not blister however wet the soil"
             " and however long the afternoon of digging in the garden is.</p>")
    verdict = ("<p>Our verdict on the Acme trowel after a full season of digging in clay and"
               " loam and sand is that it is the one trowel to buy this spring.</p>")
    html = ("<body><article class='post'><h1>Acme trowel review</h1><p>Updated at 1:23 p.m.</p>"
            f"<div class='text'>{ARTICLE}{ARTICLE.replace('Acme', 'Acme Co')}</div>"
            "<div class='more'><p>The reasoning behind the Acme handle is simple:</p>"
            f"{plain}<p>Try the Acme trowel today!</p><p>By Jo Gardener</p>{verdict}</div>"
            "<p>Explore further</p></article></body>")
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    assert why["The reasoning behind the Acme handle is simple:"] == (
        "main", "short line of the article container between two of its paragraphs of running"
                " text (a lead-in, a key figure, a list)")
    # a pitch and a byline between them are not, nor is what sits before or after the text
    assert why["Try the Acme trowel today!"][0] == "footer"
    assert why["By Jo Gardener"][0] == "footer"
    assert why["Updated at 1:23 p.m."][0] == "header"
    assert why["Explore further"][0] == "footer"


def test_a_dateline_inside_the_main_content_is_not_main() -> None:
    html = ("<body><main><h1>Acme trowel review</h1><p>Published: Nov. 19, 2025</p>"
            f"{ARTICLE}<p>Updated rules apply from 2026 to every trowel we sell.</p>"
            f"{ARTICLE.replace('Acme', 'Acme Co')}<p>Last updated on 2025-12-17</p>"
            "</main></body>")
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    rule = "dateline (published, updated, last modified on a date)"
    assert why["Published: Nov. 19, 2025"] == ("header", rule)
    assert why["Last updated on 2025-12-17"] == ("footer", rule)
    assert why["Updated rules apply from 2026 to every trowel we sell."][0] == "main"


def test_titles_of_rich_tiles_laid_out_alike_are_the_cards_titles() -> None:
    # a shop category in <main>: each tile has a linked title, a linked review count, a list
    # of key features and its prices, so its titles are far apart; a menu of links beside
    features = "".join(f"<li>Feature line {k} of this trowel</li>" for k in range(6))
    tiles = "".join(
        f"<div class='tile'><div class='body'><h3><a href='/p/{n}'>Acme trowel model {n}</a>"
        f"</h3><div>SKU ACME-{n}</div><div><a href='/p/{n}#reviews'>{n + 2} Reviews</a></div>"
        f"<div>Key Features</div><ul>{features}</ul></div><div class='buy'><div>$1{n}.00</div>"
        "<div>In Stock</div></div></div>" for n in range(4))
    menu = "".join(f"<li><a href='/c/{n}'>Category {n}</a></li>" for n in range(4))
    html = (f"<body><main><h1>Trowels</h1>{ARTICLE}<ul>{menu}</ul><div class='grid'>{tiles}"
            "</div></main></body>")
    result = placements(html)
    assert {result[f"Acme trowel model {n}"] for n in range(4)} == {"main"}
    assert {result[f"Category {n}"] for n in range(4)} == {"sidebar"}
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/p")}
    assert rules["Acme trowel model 3"] == (
        "title of an item with its own text (a card, a teaser, a product)")


def test_linked_lines_of_posts_on_a_thread_are_no_cards() -> None:
    # a thread: each post has its poster's panel, a linked "Reply with quote", a byline and
    # the post's text; the posts are the items, not a list of cards
    posts = "".join(
        f"<div class='post'><dl class='postprofile'><dt>Poster {n}</dt><dd>Posts: {n + 10}</dd>"
        f"</dl><div class='postbody'><ul><li><a href='/r/{n}'>Reply with quote</a></li></ul>"
        f"<p>by Poster {n} on Tue Aug 27, 2019</p><div>{ARTICLE}</div></div></div>"
        for n in range(4))
    result = placements(f"<body><div class='topic'>{posts}</div></body>")
    assert result["Reply with quote"] == "sidebar"


def test_tiles_beside_a_longer_buying_guide_keep_their_titles_in_main() -> None:
    # a shop category in role=main: an intro, tiles whose own text is their linked name (the
    # price and the rating nested below), then a buying guide longer than the tiles' text
    tiles = "".join(
        f"<li><a href='/p/{n}'>Acme Headlamp {n}</a><div class='pricing'><div><span>"
        f"${20 + n}.95</span></div></div><div><div><span>{n + 3} reviews, rated 4.{n} of 5"
        "</span></div></div></li>" for n in range(6))
    html = (f"<body><div role='main'><h1>Headlamps</h1><div>{ARTICLE}<ul>{tiles}</ul>"
            f"<h2>How to choose a headlamp</h2>{ARTICLE * 4}</div></div></body>")
    result = placements(html)
    assert {result[f"Acme Headlamp {n}"] for n in range(6)} == {"main"}
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/c")}
    assert rules["Acme Headlamp 4"] == (
        "title of an item with its own text (a card, a teaser, a product)")


def test_a_shops_shelf_of_priced_tiles_beside_a_longer_buying_guide_is_main() -> None:
    # a shop category that marks no main content: eight tiles (a linked name, the price
    # nested below), then a buying guide longer than all the tiles' text
    tiles = "".join(
        f"<li><a href='/p/{n}'>Acme Headlamp {n}</a><div class='pricing'><div><span>"
        f"${20 + n}.95</span></div></div><div><div><span>{n + 3} reviews, rated 4.{n} of 5"
        "</span></div></div></li>" for n in range(8))
    html = (f"<body><div><h1>Headlamps</h1><ul>{tiles}</ul></div><div class='guide'>"
            f"<h2>How to choose a headlamp</h2>{ARTICLE * 4}</div></body>")
    result = placements(html)
    assert {result[f"Acme Headlamp {n}"] for n in range(8)} == {"main"}
    assert result["$27.95"] == "main"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/c")}
    assert rules["Acme Headlamp 4"] == (
        "in a long run of tiles most of which show a price (a shop's shelf), beside a longer"
        " text that is no article (a category's description, a buying guide)")
    # without prices the tiles are a list of stories beside the text, not the page's own
    unpriced = html.replace("$", "")
    assert placements(unpriced)["Acme Headlamp 4"] != "main"
    # and beside an article container's text they are its "more to shop"
    article = html.replace("<div class='guide'>", "<article>").replace("</div></body>",
                                                                      "</article></body>")
    assert placements(article)["Acme Headlamp 4"] != "main"
def test_the_sections_of_a_landing_page_between_its_headline_and_its_text_are_main() -> None:
    # a landing page: a headline, a pitch, feature sections of short lines, then the
    # dense text (an FAQ); nothing marked as main
    html = ("<body><div class='site-header'><a href='/'>Acme</a> <a href='/pricing'>Pricing</a>"
            "</div><div class='hero'><h1>Garden care that lasts</h1>"
            "<p>Trusted by gardeners in 40 countries.</p></div>"
            "<div class='features'><h2>Why choose Acme plans?</h2>"
            "<div><h3>Seasonal visits</h3><p>Four visits a year, booked for you.</p></div>"
            "<div><h3>One price</h3><p>No surprises on the monthly bill.</p></div>"
            "<p><a href='/features'>See every feature</a></p></div>"
            f"<div class='faq'>{ARTICLE * 6}</div>"
            "<div class='site-footer'><a href='/about'>About</a></div></body>")
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    landing = ("main", "section of a landing page (no main content marked): between its"
                       " headline or first pitch and its densest part")
    for line in ("Trusted by gardeners in 40 countries.", "Why choose Acme plans?",
                 "Seasonal visits", "Four visits a year, booked for you.", "One price",
                 "No surprises on the monthly bill."):
        assert why[line] == landing, line
    assert why["Garden care that lasts"] == ("main", "headline")
    # links stay out
    assert why["See every feature"][0] == "nav"
    # an unmarked article: a byline or a date under the headline says so, and the lines
    # between it and the text are not the text
    for byline in ("By Jo Gardener", "18 Nov 2019", "5 min read"):
        article = html.replace("<p>Trusted by gardeners in 40 countries.</p>",
                               f"<p>{byline}</p>")
        placed = placements(article)
        assert placed["Why choose Acme plans?"] == "header", byline
        assert placed["Four visits a year, booked for you."] == "header", byline
    # a page that marks its main content is left to it
    marked = html.replace("<div class='faq'>", "<main>").replace(
        "</div><div class='site-footer'>", "</main><div class='site-footer'>")
    assert placements(marked)["Why choose Acme plans?"] == "header"


def test_a_promotions_copy_inside_the_content_of_a_page_that_is_no_article_is_main() -> None:
    # a service page: the offers sit in "cta-banner" boxes between its own paragraphs
    promo = ("<div class='cta-banner' id='spring-promo'><h3>Spring offer</h3>"
             "<p>Save $50 on your first garden visit when you book before May.</p>"
             "<a href='/book'>Get started</a></div>")
    html = (f"<body><div class='text'>{ARTICLE * 3}{promo}{ARTICLE.replace('Acme', 'Acme Co') * 3}"
            "</div></body>")
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    offer = "Save $50 on your first garden visit when you book before May."
    assert why[offer] == ("main", "copy of a promotion between the main content's first and"
                                  " last paragraphs, on a page that is not an article (an offer,"
                                  " a plan)")
    # its heading and its button stay out
    assert why["Spring offer"][0] == "sidebar"
    assert why["Get started"][0] == "sidebar"
    # in an article, the same box is a promotion beside the text
    article = html.replace("<div class='text'>", "<article>").replace("</div></body>",
                                                                      "</article></body>")
    assert placements(article)[offer] == "sidebar"
    # and so it is outside the page's text
    outside = (f"<body><div class='text'>{ARTICLE * 3}{ARTICLE.replace('Acme', 'Acme Co') * 3}"
               f"</div>{promo}</body>")
    assert placements(outside)[offer] == "sidebar"


@pytest.mark.parametrize(("value", "placement"), [
    ("AccordionTextItem_item__adF2E", None), ("ColorfulIcon_product-intelligence__qcfAD", None),
    ("ShowPage_sidebar__l3SeF", "sidebar"), ("SiteFooter_links__Ab3dE", "footer"),
    ("nav__item", "nav"), ("card__title", None),
])
def test_the_hash_of_a_css_modules_class_is_no_word(value: str, placement: str | None) -> None:
    # "__adF2E" is no ad, whatever the class names before it say still counts
    assert class_signal(value) == placement


PRODUCT_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
              '"Product", "name": "Acme trowel"}</script>')


def product_page(head: str = PRODUCT_LD, wrapper: str = "<div class='product'>{}</div>") -> str:
    """A shop's product page: a gallery, a buy box (name, price, button, stock), the
    description, short lines of specifications, the footer."""
    return (f"<html><head>{head}</head><body><header><nav><a href='/'>Home</a> "
            "<a href='/shop'>Shop</a></nav></header>" + wrapper.format(
                "<div class='gallery'><img src='t.jpg' alt=''></div><div class='buy'>"
                "<h1>Acme trowel</h1><div>Forged in Sheffield</div><div>$19.95</div>"
                "<div><button>Add to cart</button></div><div>In stock</div></div>"
                f"<div class='description'>{ARTICLE}</div><div class='specs'>"
                "<div>Blade: stainless steel</div><div>Weight: 180 g</div></div>")
            + "<footer><p>Acme Widgets Ltd, 1 Garden Lane</p></footer></body></html>")


@pytest.mark.parametrize("html", [
    product_page(),
    product_page(head="", wrapper="<div itemscope itemtype='https://schema.org/Product'>{}</div>"),
])
def test_a_products_page_is_main_from_its_name_to_the_footer(html: str) -> None:
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(html, "https://site.example/p")}
    rule = ("a product's page (schema.org Product, no article): from the product's name (the"
            " <h1>) to the page's footer")
    for line in ("Blade: stainless steel", "Weight: 180 g"):
        assert why[line] == ("main", rule), line
    # (the buy box before the description is main as a landing page's section already)
    assert {why[line][0] for line in ("Acme trowel", "Forged in Sheffield", "$19.95")} == {
        "main"}
    # its buttons and states are still not, nor is what sits outside the span
    assert why["Add to cart"][0] == "sidebar"
    assert why["In stock"][0] == "sidebar"
    assert why["Home Shop"][0] == "nav"
    assert why["Acme Widgets Ltd, 1 Garden Lane"][0] == "footer"


@pytest.mark.parametrize("head", [
    "",
    PRODUCT_LD + ('<script type="application/ld+json">{"@type": "BlogPosting", "headline": '
                  '"Acme trowel"}</script>'),
])
def test_a_page_without_a_product_or_with_an_article_has_no_products_span(head: str) -> None:
    result = placements(product_page(head=head))
    assert result["Blade: stainless steel"] == "footer"
    assert result["Weight: 180 g"] == "footer"


def test_a_page_without_running_text_still_has_controls_and_small_print() -> None:
    # a list of links with short lines only: no main content to find, yet its buttons and
    # its copyright line are not the page's content
    rows = "".join(f"<tr><td><a href='/i/{n}'>Acme trowel thread {n}</a></td><td>{n} points"
                   "</td></tr>" for n in range(5))
    html = (f"<body><table>{rows}</table><div><button>Loading...</button></div><div><a"
            " href='/login'>login</a></div><p>© 2025 Acme Forum</p></body>")
    result = placements(html)
    assert result["Acme trowel thread 2"] == "main"
    assert result["Loading..."] == result["login"] == "sidebar"
    assert result["© 2025 Acme Forum"] == "footer"
    rules = {b.text: b.rule for b in explain_placement(html, "https://site.example/l")}
    assert rules["Loading..."] == ("label of a control, a line of a poster's panel or a post's"
                                   ' reactions ("Add to cart", "Posts: 116", "Jo likes this.")')


def intro_page(head: str = "", after_title: str = "") -> str:
    """A shop's category page: the site's header (its name as an <h1>, a tagline), the
    category's <h1> and intro, a sort control and a list of links, then a buying guide."""
    return (f"<html><head>{head}</head><body>"
            "<header><h1>Acme Garden Shop</h1>"
            "<p>Tools that outlast the people who use them, since 1921.</p></header>"
            '<nav><a href="/">Home</a> <a href="/tools">Tools</a></nav>'
            f"<h1>Garden trowels</h1>{after_title}"
            "<p>Every trowel we sell is forged from one piece of steel and tested in heavy"
            " clay before it reaches the shelf.</p>"
            "<p>Choose a narrow blade for planting bulbs.</p>"
            "<div>Sort by: Featured</div>"
            '<ul><li><a href="/t/1">Planting trowel</a></li>'
            '<li><a href="/t/2">Potting trowel</a></li></ul>'
            "<p>Prices include delivery to your door in two days.</p>"
            f"<main>{ARTICLE * 5}</main></body></html>")


INTRO = ("running text under the page's headline (its <h1>), before the main content: the"
         " intro of a listing, a collection, a product")


def test_the_running_text_under_a_pages_headline_is_its_intro() -> None:
    why = {block.text: (block.placement, block.rule)
           for block in explain_placement(intro_page(), "https://site.example/p")}
    assert why["Garden trowels"][0] == "main"
    assert why["Every trowel we sell is forged from one piece of steel and tested in heavy"
               " clay before it reaches the shelf."] == ("main", INTRO)
    assert why["Choose a narrow blade for planting bulbs."] == ("main", INTRO)
    # a label and its value ends the intro; what follows the control and the links is not it
    assert why["Sort by: Featured"][0] == "header"
    assert why["Prices include delivery to your door in two days."][0] == "header"
    # the site's header, its own <h1> and tagline, stays the header
    assert why["Acme Garden Shop"][0] == "header"
    assert why["Tools that outlast the people who use them, since 1921."][0] == "header"


@pytest.mark.parametrize(("head", "after_title"), [
    ('<script type="application/ld+json">{"@type": "NewsArticle"}</script>', ""),
    ("", "<p>By Jo Gardener, 5 min read</p>"),
    ("", "<p>Written by Jo Gardener</p>"),
])
def test_an_articles_standfirst_is_no_intro(head: str, after_title: str) -> None:
    # (under an article's headline, by its schema.org type or a byline: a standfirst, which
    # is no part of the article's body)
    result = placements(intro_page(head, after_title))
    assert result["Choose a narrow blade for planting bulbs."] == "header"


def test_a_subtitle_right_under_the_headline_is_part_of_the_intro() -> None:
    why = {block.text: (block.placement, block.rule) for block in explain_placement(
        intro_page(after_title="<h2>Forged for heavy clay</h2>"), "https://site.example/p")}
    assert why["Forged for heavy clay"] == ("main", INTRO)
    assert why["Choose a narrow blade for planting bulbs."] == ("main", INTRO)
