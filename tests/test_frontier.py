from __future__ import annotations

from mentionspider.frontier import Frontier, trap_reason


def test_admits_seed_sites_within_budget() -> None:
    frontier = Frontier(["blog.example"], max_pages_per_site=2)
    assert frontier.admit("http://blog.example/", seed=True) is None
    assert frontier.admit("http://www.blog.example/a") is None  # subdomain: same site
    assert frontier.admit("http://www.blog.example/a") == "seen"  # not counted twice
    assert frontier.admit("http://blog.example/b") == "site_budget"
    assert frontier.admit("http://other.example/") == "offsite"
    assert frontier.admit("http://blog.example/file.pdf") == "not_html"


def test_trap_reasons() -> None:
    assert trap_reason("http://a.example/cal/2024/01/") is None
    assert trap_reason("http://a.example/a/b/a/b/a/b") == "repeated_path_segment"
    assert trap_reason("http://a.example/" + "x" * 600) == "url_too_long"
    assert trap_reason("http://a.example/?" + "&".join(f"p{i}=1" for i in range(12))) == \
        "too_many_parameters"


def test_host_of_matches_urlsplit() -> None:
    from urllib.parse import urlsplit

    from mentionspider.analysis.urls import host_of
    for url in ["https://WWW.A.com./x", "http://u:p@h.com/", "http://[::1]:80/",
                "https://a.b:8080?x", "http://x.com#f", "mailto:x", "http://a.com"]:
        assert host_of(url) == (urlsplit(url).hostname or "").rstrip("."), url


def test_one_page_under_several_addresses_is_admitted_once_under_the_seeds_address() -> None:
    frontier = Frontier(["blog.example"], max_pages_per_site=10)
    assert frontier.admit("https://blog.example/", seed=True) is None
    assert frontier.admit("http://blog.example/post/") is None
    assert [frontier.admit(twin) for twin in (
        "https://blog.example/post", "http://www.blog.example/post/index.html",
        "https://blog.example/post/?utm_source=newsletter&fbclid=x#top")] == ["seen"] * 3
    assert frontier.pages["blog.example"] == 2  # the budget counts pages, not addresses
    assert frontier.canonical("http://www.blog.example/post/?utm_source=x&b=2&a=1") == \
        "https://blog.example/post/?a=1&b=2"
    assert frontier.canonical("http://shop.blog.example/x") == "http://shop.blog.example/x"
    frontier.set_origin("http://www.blog.example/")  # the seed redirected there
    assert frontier.canonical("https://blog.example/x") == "http://www.blog.example/x"
    frontier.mark_seen("https://blog.example/canonical/")
    assert frontier.admit("http://blog.example/canonical") == "seen"
