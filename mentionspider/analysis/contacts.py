"""Ways to reach a site: e-mail addresses and contact pages. Pure: no Scrapy, no DNS.

- **E-mail addresses** come from ``mailto:`` links and from the visible text, including
  the common obfuscations ``name [at] site [dot] com``, ``name(at)site(dot)com``,
  ``name {at} site {dot} com``, ``name @ site.com`` and ``name&#64;site.com``. The bare
  words ``name at site dot com`` are not read: in running text they are mostly prose
  ("meet us at noon dot com"). Each is syntax-checked (one ``@``, a dotted
  domain with a letter-only top-level label, no leading/trailing dots) and lower-cased;
  image-file names that look like addresses (``logo@2x.png``) and placeholder domains
  (``example.com``, ``domain.com``...) are dropped. No DNS lookups.
- **Contact pages** are same-site links whose path or text names one: contact,
  about, impressum, write for us, advertise, kontakt, contacto, contatti,
  over-ons... (:data:`CONTACT_WORDS`), ranked contact > write for us > impressum >
  about.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Final
from urllib.parse import unquote, urlsplit

from mentionspider.analysis.text import find_all

__all__ = ["find_emails", "mailto_emails", "valid_email", "contact_page_rank", "CONTACT_WORDS",
           "best_email"]

_AT: Final = r"(?:\s?@\s?|\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*|&#0*64;|&commat;)"
_DOT: Final = r"(?:\.|\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*)"
_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_EMAIL: Final = re.compile(
    rf"(?<![\w.+-])([a-z0-9][a-z0-9._%+-]{{0,63}}){_AT}((?:{_LABEL}{_DOT})+[a-z]{{2,24}})(?![\w-])",
    re.I)
# An "@" or its obfuscation: every match of _EMAIL holds one, starting with one of "@&[({<".
_AT_CORE: Final = re.compile(r"[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]|@|&#0*64;|&commat;", re.I)
# The characters an address's local part is made of, up to the end of the text searched.
_LOCAL_RUN: Final = re.compile(r"[a-z0-9._%+-]+\Z", re.I)
_DOT_RE: Final = re.compile(_DOT, re.I)
_MAILTO: Final = re.compile(r"href\s*=\s*[\"']?\s*mailto:([^\"'>\s?]+)", re.I)
_VALID: Final = re.compile(rf"[a-z0-9!#$%&'*+/=?^_`{{|}}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{{|}}~-]+)*"
                           rf"@(?:{_LABEL}\.)+[a-z]{{2,24}}")
_FILE_SUFFIXES: Final = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".css", ".js")
#: Domains seen in placeholder addresses ("you@example.com", "name@domain.com").
PLACEHOLDER_DOMAINS: Final = frozenset({"example.com", "example.org", "example.net",
                                        "domain.com", "email.com", "yourdomain.com",
                                        "yoursite.com", "company.com", "sentry.io",
                                        "wixpress.com", "sentry-next.wixpress.com"})
_ROLE_FIRST: Final = ("editor", "editors", "contact", "hello", "info", "press", "news",
                      "tips", "team", "office", "mail", "redaktion", "redactie")

#: Words in a link's path or text that name a page for reaching the site's people,
#: with its rank (lower is better).
CONTACT_WORDS: Final = {
    "contact": 0, "contact-us": 0, "contactus": 0, "kontakt": 0, "contacto": 0,
    "contatti": 0, "contato": 0, "get-in-touch": 0, "contact us": 0, "get in touch": 0,
    "write-for-us": 1, "write for us": 1, "guest-post": 1, "contribute": 1,
    "advertise": 1, "submit": 2,
    "impressum": 2, "imprint": 2, "colofon": 2, "mentions-legales": 2,
    "about": 3, "about-us": 3, "about us": 3, "over-ons": 3, "uber-uns": 3, "ueber-uns": 3,
    "a-propos": 3, "quienes-somos": 3, "chi-siamo": 3, "team": 3,
}
_PATH_WORD: Final = re.compile(r"[a-z]+(?:[-_][a-z]+)*")


def valid_email(address: str) -> bool:
    """Syntax only (no DNS): one ``@``, a dotted domain ending in a letter-only label,
    no image-file lookalike, no placeholder domain."""
    address = address.lower()
    if len(address) > 254 or not _VALID.fullmatch(address):
        return False
    local, domain = address.rsplit("@", 1)
    if ".." in local or local.startswith(".") or local.endswith("."):
        return False
    return not domain.endswith(_FILE_SUFFIXES) and domain not in PLACEHOLDER_DOMAINS \
        and not address.endswith(_FILE_SUFFIXES)


def find_emails(text: str) -> list[str]:
    """E-mail addresses written in ``text``, plain or obfuscated, first seen first."""
    found: dict[str, None] = {}
    for match in _email_matches(text):
        local = match.group(1)
        domain = _DOT_RE.sub(".", match.group(2))
        address = f"{local}@{domain}".lower()
        if valid_email(address):
            found.setdefault(address)
    return list(found)


def _email_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_EMAIL.finditer(text)``, trying the regex only where an address
    can start: at most 64 characters (its local part) before an ``@`` or an obfuscated
    one, and the whitespace in front of that. The local part is made of characters that
    neither start an ``@`` (or its obfuscations) nor are whitespace, so it ends where
    that whitespace begins."""
    pos = tried = 0
    match_at, is_core = _EMAIL.match, _AT_CORE.match
    for at in find_all(text, "@&[({<"):
        if at < pos or is_core(text, at) is None:
            continue  # inside the last address, or no "@" here
        while at > pos and text[at - 1].isspace():
            at -= 1
        run = _LOCAL_RUN.search(text, max(tried, pos, at - 64), at)
        tried = max(tried, at)
        if run is None:
            continue
        # The address starts where that run of local-part characters does, or just
        # after a "%" in it: inside a run any other character before it is one that
        # _EMAIL's look-behind rejects.
        start = run.start()
        while 0 <= start < at:
            if (match := match_at(text, start)) is not None:
                yield match
                pos = match.end()
                break
            start = text.find("%", start, at) + 1 or -1


def mailto_emails(html: str) -> list[str]:
    """Addresses of the page's ``mailto:`` links (entities and escapes decoded)."""
    if "mailto:" not in html and "MAILTO:" not in html and "Mailto:" not in html:
        return []
    found: dict[str, None] = {}
    for raw in _MAILTO.findall(html):
        for address in unquote(htmllib.unescape(raw)).split(","):
            address = address.strip().lower()
            if valid_email(address):
                found.setdefault(address)
    return list(found)


def best_email(addresses: Iterable[str], site: str) -> str | None:
    """The address to write to: one on the site's own domain first, a role address
    (editor@, contact@, hello@...) before a personal one, else the first found."""
    candidates = list(dict.fromkeys(addresses))
    if not candidates:
        return None

    def rank(address: str) -> tuple[int, int, int]:
        local, domain = address.rsplit("@", 1)
        own = domain == site or domain.endswith("." + site)
        return (0 if own else 1, 0 if local.startswith(_ROLE_FIRST) else 1,
                candidates.index(address))
    return min(candidates, key=rank)


@lru_cache(maxsize=65536)  # a site's contact links come back on every page of it
def contact_page_rank(url: str, text: str = "") -> int | None:
    """How good a contact route the page at ``url`` (linked as ``text``) is: 0 contact,
    1 write for us / advertise, 2 impressum, 3 about; None when it is none of them."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return None
    segments = [s for s in unquote(path).split("/") if s]
    if len(segments) > 2:
        return None  # /blog/2020/contact-forms-in-react is an article, not a contact page
    ranks = []
    for segment in segments:
        stem = segment.rsplit(".", 1)[0]
        if stem in CONTACT_WORDS:
            ranks.append(CONTACT_WORDS[stem])
    words = " ".join(text.lower().split())
    if words in CONTACT_WORDS and len(words) < 30:
        ranks.append(CONTACT_WORDS[words])
    return min(ranks) if ranks else None
