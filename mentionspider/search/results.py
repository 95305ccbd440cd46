"""Result URLs: normalised for fetching and folded for dedupe; hosts never fetched. Pure.

- :func:`clean_url` is what is fetched: fragment and tracking parameters
  (``utm_*``, ``gclid``, ``fbclid``, ``msclkid``, ...) dropped, scheme and host
  lower-cased, default port dropped.
- :func:`result_key` folds what search engines list as different URLs for one
  page: ``http``/``https``, ``www.``, a trailing slash, ``index.html``, and the
  order of query parameters. Results are deduped on it across queries, pages and
  providers.
- :data:`SOCIAL_HOSTS` are the social networks and user-generated-content hosts a
  search-driven sweep never fetches (nobody there can add a link for you); the
  setting ``MENTIONSPIDER_SEARCH_EXCLUDED_HOSTS`` replaces the list.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["SOCIAL_HOSTS", "TRACKING_PARAMETERS", "clean_url", "result_key"]

SOCIAL_HOSTS = (
    # social networks
    "facebook.com", "fb.com", "instagram.com", "threads.net", "twitter.com", "x.com", "t.co",
    "linkedin.com", "lnkd.in", "pinterest.com", "tiktok.com", "snapchat.com", "tumblr.com",
    "vk.com", "weibo.com", "bsky.app", "mastodon.social", "telegram.org", "t.me",
    "discord.com", "discord.gg", "whatsapp.com",
    # video and user-generated content
    "youtube.com", "youtu.be", "vimeo.com", "twitch.tv", "reddit.com", "redd.it", "quora.com",
    "stackoverflow.com", "stackexchange.com", "medium.com", "substack.com",
    "wikipedia.org", "wikimedia.org", "fandom.com",
    # review and marketplace listings the page owner does not edit
    "trustpilot.com", "yelp.com", "tripadvisor.com", "amazon.com", "ebay.com", "etsy.com",
    # the search engines themselves
    "google.com", "bing.com", "duckduckgo.com", "search.brave.com", "yahoo.com",
)

TRACKING_PARAMETERS = frozenset({
    "gclid", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "mc_cid", "mc_eid",
    "igshid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "srsltid"})


def _keep(name: str) -> bool:
    lower = name.lower()
    return not lower.startswith("utm_") and lower not in TRACKING_PARAMETERS


def clean_url(url: str) -> str:
    """The URL to fetch for a search result ("" when it is not an http(s) URL)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host or " " in url.strip():
        return ""
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if _keep(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def result_key(url: str) -> str:
    """One key for the URLs that are one page to a search engine (see above)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    for index in ("index.html", "index.htm", "index.php"):
        if path.endswith("/" + index):
            path = path[: -len(index)]
    path = path.rstrip("/") or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{host}{path}?{query}" if query else f"{host}{path}"
