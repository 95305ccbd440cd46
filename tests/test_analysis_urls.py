"""URL canonicalisation: one page, one address."""

from __future__ import annotations

import pytest

from mentionspider.analysis.urls import canonical_url, is_home_page, url_key


@pytest.mark.parametrize("url, canonical", [
    ("HTTP://WWW.Example.COM:80/a/?b=2&a=1#frag", "http://www.example.com/a/?a=1&b=2"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com:8443/x", "https://example.com:8443/x"),
    ("https://example.com./x", "https://example.com/x"),
    ("https://blog.example/post/?utm_source=news&utm_MEDIUM=mail&fbclid=1&gclid=2&mc_cid=3"
     "&mc_eid=4&_ga=5&msclkid=6&hsa_cam=7&id=9", "https://blog.example/post/?id=9"),
    ("https://blog.example/post/?utm_source=x", "https://blog.example/post/"),
    ("https://blog.example/a%7eb/caf%C3%A9?q=%c3%a9", "https://blog.example/a~b/caf%C3%A9?q=%C3%A9"),
    ("https://blog.example/café", "https://blog.example/caf%C3%A9"),
    ("https://blog.example/x?b=&a=1&&", "https://blog.example/x?a=1&b="),
    ("https://blog.example/Post/Index.html", "https://blog.example/Post/Index.html"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),  # an IPv6 literal keeps its brackets
    ("http://[FD00::1]/", "http://[fd00::1]/"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_one_page_under_many_addresses_has_one_key() -> None:
    twins = ["http://blog.example/post", "https://blog.example/post/",
             "https://www.blog.example/post/index.html", "http://blog.example:80/post/#comments",
             "https://blog.example/post/?utm_source=newsletter", "HTTPS://BLOG.EXAMPLE/post/",
             "https://blog.example/post/index.php", "https://blog.example/post/default.aspx"]
    assert {url_key(url) for url in twins} == {"blog.example/post"}
    assert url_key("https://blog.example/?b=1&a=2") == "blog.example/?a=2&b=1"
    # not twins: another subdomain, another path case, another query, another port
    assert len({url_key(u) for u in ["https://shop.blog.example/post", "https://blog.example/Post",
                                     "https://blog.example/post?page=2",
                                     "https://blog.example:8080/post"]}) == 4


def test_home_page() -> None:
    assert [is_home_page(u) for u in ["https://a.example", "https://www.a.example/index.html",
                                      "https://a.example/?lang=en", "https://a.example/post/"]] \
        == [True, True, True, False]
