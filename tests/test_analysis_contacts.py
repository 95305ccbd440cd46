"""Ways to reach a site: e-mail addresses (plain, obfuscated, mailto) and contact pages."""

from __future__ import annotations

import pytest

from mentionspider.analysis.contacts import (best_email, contact_page_rank, find_emails,
                                             mailto_emails, valid_email)
from mentionspider.analysis.document import parse_page
from mentionspider.analysis.model import BrandName
from mentionspider.analysis.page import PageAnalyser


@pytest.mark.parametrize("text, emails", [
    ("Write to jo@blog.example.", ["jo@blog.example"]),
    ("Write to jo [at] blog [dot] example", ["jo@blog.example"]),
    ("JO(AT)Blog(DOT)co(DOT)uk", ["jo@blog.co.uk"]),
    ("jo {at} blog {dot} de and ed @ blog.de", ["jo@blog.de", "ed@blog.de"]),
    ("sales&#64;acme.io", ["sales@acme.io"]),
    ("first.last+tips@news.example.org, first.last+tips@news.example.org",
     ["first.last+tips@news.example.org"]),
    # not addresses
    ("logo@2x.png icon@3x.webp", []),
    ("you@example.com name@domain.com", []),  # placeholders
    ("meet us at noon dot com", []),  # bare words are prose
    ("follow @acme on twitter", []),
    ("a@b", []), ("jo@blog.c0m", []), ("jo..x@blog.com", []),
])
def test_find_emails(text: str, emails: list[str]) -> None:
    assert find_emails(text) == emails


def test_mailto_emails() -> None:
    html = ('<a href="mailto:Jo@Blog.COM?subject=Hi">x</a> <a href=mailto:a%40b.org>y</a> '
            '<a href="mailto:&#116;ips@news.example,ed@news.example">z</a> '
            '<a href="mailto:">empty</a>')
    assert mailto_emails(html) == ["jo@blog.com", "a@b.org", "tips@news.example",
                                   "ed@news.example"]


def test_valid_email_is_syntax_only() -> None:
    assert [valid_email(a) for a in ("jo@blog.example", "jo@blog", "@blog.com", "jo@-x.com",
                                     "jo@blog.com.")] == [True, False, False, False, False]


def test_best_email_prefers_the_sites_own_role_address() -> None:
    assert best_email(["jo.smith@gmail.com", "jo@blog.example", "editor@blog.example"],
                      "blog.example") == "editor@blog.example"
    assert best_email(["jo.smith@gmail.com"], "blog.example") == "jo.smith@gmail.com"
    assert best_email([], "blog.example") is None


@pytest.mark.parametrize("url, text, rank", [
    ("https://blog.example/contact/", "", 0),
    ("https://blog.example/kontakt.html", "", 0),
    ("https://blog.example/p?id=7", "Get in touch", 0),
    ("https://blog.example/write-for-us/", "", 1),
    ("https://blog.example/impressum", "", 2),
    ("https://blog.example/about-us/", "", 3),
    ("https://blog.example/blog/2020/contact", "", None),  # an article, not a page to write to
    ("https://blog.example/contact-forms-in-react/", "", None),
    ("https://blog.example/", "Home", None),
])
def test_contact_page_rank(url: str, text: str, rank: int | None) -> None:
    assert contact_page_rank(url, text) == rank


def test_page_analysis_finds_addresses_and_contact_links_but_not_the_brands() -> None:
    analyser = PageAnalyser(brand_names=[BrandName("Acme")], brand_domains=["acme.com"],
                            competitor_domains=["globex.com"])
    page = parse_page(
        b"<main><p>Acme support is support@acme.com; Globex is sales@globex.com. Write to "
        b"jo [at] blog [dot] example.</p></main><footer><a href='/contact/'>Contact</a> "
        b"<a href='/about'>Who we are</a> <a href='/post'>Post</a></footer>",
        "https://blog.example/post")
    result = analyser.analyse(page)
    assert result.emails == ["jo@blog.example"]
    assert result.contact_links == [("https://blog.example/contact/", 0),
                                    ("https://blog.example/about", 3)]
