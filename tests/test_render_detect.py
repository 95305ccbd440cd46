"""The shell detector and the render policy, on hand-written pages (no browser, no Scrapy)."""

from __future__ import annotations

import pytest

from mentionspider.render.detect import RICH_TEXT, shell_reason, visible_chars
from mentionspider.render.policy import (ALWAYS_REASON, KNOWN_REASON, RenderPolicy,
                                         SiteRendering)

ARTICLE_TEXT = " ".join(["Widgets are small mechanical parts used in many machines."] * 40)
BUNDLE = '<script defer src="/static/js/main.4f2a.js"></script>'


def page(body: str, head: str = BUNDLE, title: str = "Shop") -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"{head}</head><body>{body}</body></html>")


@pytest.mark.parametrize("html,reason", [
    # create-react-app's index.html
    (page('<noscript>You need to enable JavaScript to run this app.</noscript>'
          '<div id="root"></div>'), "empty mount node #root"),
    # Vue CLI's, with its noscript notice
    (page("<noscript><strong>We're sorry but shop doesn't work properly without JavaScript "
          "enabled. Please enable it to continue.</strong></noscript><div id=app></div>"),
     "empty mount node #app"),
    # Next.js without server rendering, Nuxt in SPA mode with a spinner, Gatsby, Angular
    (page('<div id="__next"></div><script id="__NEXT_DATA__" type="application/json">'
          '{"props":{}}</script>'), "empty mount node #__next"),
    (page('<div id="__nuxt"><div class="spinner"><svg><circle r="4"/></svg></div></div>'),
     "empty mount node #__nuxt"),
    (page('<div id="___gatsby"><div style="outline:none" id="gatsby-focus-wrapper"></div>'
          '</div>'), "empty mount node #___gatsby"),
    (page("<app-root></app-root>", head='<script src="main.js" type="module"></script>'),
     "app-root"),
    (page('<div data-reactroot=""></div>'), "empty mount node [data-reactroot]"),
    (page('<div id="root"><script>window.__STATE__={"user":null}</script></div>'),
     "empty mount node #root"),
])
def test_framework_shells_are_empty_mount_nodes(html: str, reason: str) -> None:
    if reason == "app-root":
        reason = "empty mount node app-root"
    assert shell_reason(html) == reason


@pytest.mark.parametrize("notice", [
    "Please enable JavaScript in your browser to use this site.",
    "JavaScript is required.",
    "This page requires JavaScript.",
    "Your browser does not support JavaScript!",
    "Bitte aktivieren Sie JavaScript, um diese Seite zu nutzen.",
    "Veuillez activer JavaScript pour afficher ce site.",
    "Habilita JavaScript para ver esta página.",
    "Schakel JavaScript in om deze site te bekijken.",
    "Abilita JavaScript per visualizzare il sito.",
    "Ative o JavaScript para continuar.",
])
def test_noscript_notice_on_a_page_without_mount_node(notice: str) -> None:
    html = page(f'<header><a href="/">Shop</a></header><noscript><p>{notice}</p></noscript>'
                '<div class="container"></div>')
    assert shell_reason(html) == "noscript asks to enable JavaScript"


def test_little_visible_text_for_its_size() -> None:
    state = '{"items":[' + ",".join(['{"id":1,"name":"widget"}'] * 1200) + "]}"
    html = page(f'<div class="page"><p>Loading…</p></div><script>window.__DATA__={state}'
                "</script>")
    assert shell_reason(html) == "little visible text: 10 characters in 30 KB"  # "…" reads "..."


@pytest.mark.parametrize("html", [
    # a static article: much text, even with an empty widget mount and a noscript notice
    page(f'<article><h1>Widgets</h1><p>{ARTICLE_TEXT}</p></article><div id="app"></div>'
         "<noscript>Please enable JavaScript to view the comments powered by Disqus."
         "</noscript>"),
    # no script at all: nothing could fill the page in
    page('<div id="root"></div><noscript>Enable JavaScript</noscript>', head=""),
    # server-rendered Next.js: the mount node holds the page
    page('<div id="__next"><h1>Hello</h1><p>A short server-rendered page.</p></div>'),
    # a short page with tracking noscripts (Tag Manager iframe, pixel image)
    page('<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-X" '
         'height="0" width="0" style="display:none"></iframe></noscript>'
         '<noscript><img src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"/>'
         "</noscript><main><h1>Contact</h1><p>Write to us at the address below, we answer "
         "within two days.</p></main>"),
    # a mount-like id that is not one, and a noscript that styles
    page('<div id="app-banner"></div><noscript><style>.js-only{display:none}</style>'
         "</noscript><p>Opening hours: nine to five, Monday to Friday.</p>"),
    # little text, but the page is small: nothing is missing
    page("<p>Moved.</p>"),
])
def test_pages_that_are_not_shells(html: str) -> None:
    assert shell_reason(html) is None


def test_rich_text_count_short_circuits_and_matches_the_analysis() -> None:
    shell = page('<div id="root"></div>')
    assert shell_reason(shell, visible=RICH_TEXT) is None
    assert shell_reason(shell, visible=0) == "empty mount node #root"
    assert visible_chars(page(f"<p>{ARTICLE_TEXT}</p>")) == len(ARTICLE_TEXT)
    assert shell_reason(shell.encode()) == "empty mount node #root"


# --- the policy ---------------------------------------------------------------------------
SHELL = page('<div id="root"></div>')
STATIC = page(f"<article><p>{ARTICLE_TEXT}</p></article>")


def test_modes_per_run_site_and_request() -> None:
    policy = RenderPolicy("auto", [SiteRendering("spa.example", "always"),
                                   SiteRendering("blog.spa.example", "never"),
                                   SiteRendering("slow.example", wait_for="#comments")])
    assert policy.mode("https://www.spa.example/a") == "always"
    assert policy.mode("https://blog.spa.example/a") == "never"
    assert policy.mode("https://notspa.example/") == "auto"
    assert policy.mode("https://slow.example/") == "auto"
    assert policy.wait_for("https://slow.example/x") == "#comments"
    assert policy.wait_for("https://spa.example/x") is None
    assert policy.mode("https://blog.spa.example/a", override="auto") == "auto"
    assert policy.render_first("https://spa.example/") == ALWAYS_REASON
    assert policy.render_first("https://other.example/") is None
    assert policy.after_raw("https://blog.spa.example/", SHELL) is None
    assert policy.after_raw("https://other.example/", SHELL) == "empty mount node #root"
    assert policy.can_render


def test_never_renders_nothing_unless_a_site_asks() -> None:
    assert not RenderPolicy("never").can_render
    assert not RenderPolicy("never", [SiteRendering("a.example", "never")]).can_render
    assert RenderPolicy("never", [SiteRendering("a.example", "auto")]).can_render
    policy = RenderPolicy("never")
    assert policy.after_raw("https://a.example/", SHELL) is None
    assert policy.render_first("https://a.example/") is None
    with pytest.raises(ValueError, match="render_js: expected one of never, auto, always, "
                                         "got 'sometimes'"):
        RenderPolicy("sometimes")


def test_a_site_whose_pages_are_shells_becomes_known() -> None:
    policy = RenderPolicy("auto")
    assert policy.after_raw("https://app.example/", SHELL) == "empty mount node #root"
    assert policy.render_first("https://app.example/b") is None
    assert policy.after_raw("https://www.app.example/c", SHELL) == "empty mount node #root"
    assert policy.known_sites() == ["app.example"]
    assert policy.render_first("https://app.example/d") == KNOWN_REASON
    assert policy.after_raw("https://app.example/e", STATIC) == KNOWN_REASON
    assert policy.render_first("https://app.example/f", override="never") is None


def test_a_mostly_static_site_with_two_shells_is_not_known() -> None:
    policy = RenderPolicy("auto")
    for i in range(3):
        assert policy.after_raw(f"https://mixed.example/{i}", STATIC) is None
    policy.after_raw("https://mixed.example/app", SHELL)
    policy.after_raw("https://mixed.example/app2", SHELL)
    assert policy.known_sites() == []
    assert policy.render_first("https://mixed.example/next") is None
