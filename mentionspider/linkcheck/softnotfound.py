"""Soft 404s: pages that answer 200 but really say "not found". Pure: no Scrapy, no I/O.

Three kinds of evidence, checked in this order (the first that holds decides):

1. ``redirect``: a deep URL was redirected to its site's home page;
2. ``phrase``: the title or a top heading says "page not found" (English, Dutch,
   German, French, Spanish, Italian, Portuguese);
3. ``probe``: the page is the same page the host serves for a random path that
   cannot exist (compared by normalised title and word shingles), which the
   checker fetches once per host (:func:`probe_path`, :class:`HostProfile`).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import html as lxml_html

from mentionspider.analysis.urls import registered_domain

__all__ = ["PageSketch", "HostProfile", "SoftNotFound", "sketch_page", "not_found_phrase",
           "redirected_home", "same_page", "similarity", "url_words", "probe_path",
           "soft_404_evidence", "PHRASES"]

#: Title/heading phrases that mean "not found", per language (lower-case, no accents).
PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("page not found", "not found", "page cannot be found", "page could not be found",
           "couldn't find the page", "could not find the page", "page doesn't exist",
           "page does not exist", "page no longer exists", "no longer available",
           "error 404"),
    "nl": ("pagina niet gevonden", "niet gevonden", "pagina bestaat niet",
           "deze pagina bestaat niet", "pagina kan niet worden gevonden",
           "niet meer beschikbaar"),
    "de": ("seite nicht gefunden", "nicht gefunden", "seite existiert nicht",
           "seite wurde nicht gefunden", "seite konnte nicht gefunden werden",
           "nicht mehr verfugbar", "fehler 404"),
    "fr": ("page introuvable", "page non trouvee", "introuvable",
           "page n'existe pas", "cette page n'existe pas", "page inexistante",
           "erreur 404", "n'est plus disponible"),
    "es": ("pagina no encontrada", "no encontrada", "no encontrado",
           "pagina no existe", "la pagina que buscas no existe", "error 404",
           "ya no esta disponible"),
    "it": ("pagina non trovata", "non trovata", "pagina non esiste"),
    "pt": ("pagina nao encontrada", "nao encontrada", "pagina nao existe"),
}
_PHRASE_RES = [(lang, phrase, re.compile(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])"))
               for lang, phrases in PHRASES.items() for phrase in phrases]
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/home/"}
_WORD = re.compile(r"[^\W\d_]+")
_SHINGLE = 3
_MAX_WORDS = 5000
#: Shingle similarity above which a page is "the same page" as the host's not-found page.
SAME_PAGE_SIMILARITY = 0.85


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class PageSketch:
    """What soft-404 detection needs from a page: title, top headings, text shingles."""

    title: str = ""
    headings: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def shingles(self, ignore: frozenset[str] = frozenset()) -> frozenset[int]:
        """Hashes of word triples, leaving out ``ignore`` (words of the URLs asked
        for: not-found pages often echo them)."""
        words = [w for w in self.words if w not in ignore]
        if not words:
            return frozenset()
        return frozenset(zlib.crc32(" ".join(words[i:i + _SHINGLE]).encode())
                         for i in range(max(1, len(words) - _SHINGLE + 1)))


def sketch_page(body: bytes | str) -> PageSketch:
    """Read a page's title, h1/h2 headings and words (digits ignored)."""
    if not body or not body.strip():
        return PageSketch()
    try:
        root = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return PageSketch()
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    title = _fold(" ".join(root.xpath("//title//text()")))
    headings = tuple(h for h in (_fold(e.text_content()) for e in root.xpath("//h1|//h2")[:4])
                     if h)
    words = tuple(_WORD.findall(_fold(root.text_content()))[:_MAX_WORDS])
    return PageSketch(title, headings, words)


def not_found_phrase(page: PageSketch) -> str | None:
    """``'title says "page not found" (en)'`` when the title or a heading says so."""
    for where, text in (("title", page.title), *(("heading", h) for h in page.headings)):
        if not text or len(text) > 120:
            continue  # a long title is an article that happens to use the words
        for lang, phrase, pattern in _PHRASE_RES:
            if pattern.search(text):
                return f'{where} says "{phrase}" ({lang})'
    return None


def _is_home(path: str) -> bool:
    return path.lower() in _HOME_PATHS


def redirected_home(requested_url: str, final_url: str) -> bool:
    """True when a deep URL ended up, through redirects, on its site's home page."""
    if not final_url or final_url == requested_url:
        return False
    try:
        requested, final = urlsplit(requested_url), urlsplit(final_url)
    except ValueError:
        return False
    if _is_home(requested.path) or not _is_home(final.path) or final.query:
        return False
    return registered_domain(requested.hostname or "") == registered_domain(final.hostname or "")


def url_words(*urls: str) -> frozenset[str]:
    """The words of some URLs, as :meth:`PageSketch.shingles` should ignore them."""
    return frozenset(w for url in urls for w in _WORD.findall(_fold(url)))


def similarity(a: PageSketch, b: PageSketch, ignore: frozenset[str] = frozenset()) -> float:
    """Jaccard similarity of two pages' word shingles (0..1)."""
    first, second = a.shingles(ignore), b.shingles(ignore)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def same_page(page: PageSketch, probe: PageSketch,
              ignore: frozenset[str] = frozenset()) -> float | None:
    """The similarity when ``page`` is the host's not-found page, else None.

    Same normalised title (digits dropped) and near-identical text; a page with
    no title is compared by text alone, with a stricter threshold. ``ignore``:
    words of both URLs.
    """
    if not page.words or not probe.words:
        return None
    score = similarity(page, probe, ignore)
    titles_match = _strip_digits(page.title) == _strip_digits(probe.title)
    if page.title and probe.title and not titles_match:
        return None
    threshold = SAME_PAGE_SIMILARITY if page.title else 0.95
    return score if score >= threshold else None


def _strip_digits(text: str) -> str:
    return " ".join(re.sub(r"\d+", " ", text).split())


def probe_path() -> str:
    """A path that cannot exist on any site, to see how a host answers for one."""
    return f"/mentionspider-probe-{secrets.token_hex(8)}"


@dataclass(slots=True)
class HostProfile:
    """How one host answered its probe: ``honest`` (404/410/any error, so a 200
    there is trusted), or the page it serves for paths that do not exist."""

    status: int = 0
    final_url: str = ""
    sketch: PageSketch | None = None
    honest: bool = True
    url: str = ""  # the probe's URL

    @classmethod
    def from_probe(cls, requested_url: str, status: int, final_url: str,
                   body: bytes | str | None) -> "HostProfile":
        return cls.from_sketch(requested_url, status, final_url,
                               sketch_page(body or b"") if 200 <= status < 300 else None)

    @classmethod
    def from_sketch(cls, requested_url: str, status: int, final_url: str,
                    sketch: PageSketch | None) -> "HostProfile":
        """The profile from the probe's answer, its page already sketched."""
        if not 200 <= status < 300:
            return cls(status, final_url, None, True, requested_url)
        if redirected_home(requested_url, final_url):
            return cls(status, final_url, None, False, requested_url)
        return cls(status, final_url, sketch or PageSketch(), False, requested_url)


@dataclass(slots=True)
class SoftNotFound:
    """Per-run cache of host profiles: one probe per host."""

    profiles: dict[str, HostProfile | None] = field(default_factory=dict)

    def state(self, host: str) -> str:
        """``unknown`` (not probed yet), ``pending``, ``honest`` or ``soft``."""
        if host not in self.profiles:
            return "unknown"
        profile = self.profiles[host]
        if profile is None:
            return "pending"
        return "honest" if profile.honest else "soft"

    def start(self, host: str) -> None:
        self.profiles[host] = None

    def settle(self, host: str, profile: HostProfile) -> None:
        self.profiles[host] = profile

    def profile(self, host: str) -> HostProfile | None:
        return self.profiles.get(host)


def soft_404_evidence(requested_url: str, final_url: str, page: PageSketch | None,
                      probe: HostProfile | None = None) -> str | None:
    """Why a 2xx answer is really "not found", or None when it is a real page.

    ``page`` is None when only headers were fetched (HEAD): then only the
    redirect evidence can be read.
    """
    if redirected_home(requested_url, final_url):
        return f"redirect: a deep URL was redirected to the home page {final_url}"
    if page is None:
        return None
    phrase = not_found_phrase(page)
    if phrase:
        return f"phrase: {phrase}"
    if probe is not None and not probe.honest and probe.sketch is not None:
        path = urlsplit(final_url or requested_url).path
        if not _is_home(path):
            ignore = url_words(requested_url, final_url, probe.url, probe.final_url)
            score = same_page(page, probe.sketch, ignore)
            if score is not None:
                return (f"probe: same page as the host's answer to a nonexistent path "
                        f"(similarity {score:.2f})")
    return None
