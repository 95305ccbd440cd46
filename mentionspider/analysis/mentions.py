"""Find a brand's names and domains in normalised page text.

All names and domains of a campaign are compiled once, by :func:`compile_matcher`,
into a single regular expression shaped like a trie (names sharing a prefix share
its branch), so a text is scanned once whatever the number of names.

Matching rules:

* Case-insensitive, except for ``BrandName(match="sensitive")``.
  ``match="with-cue"`` names match case-insensitively too and are returned as
  :class:`CueMatch`: keep them only when the page has another cue for the brand
  (:meth:`Matcher.needs_cue`, :meth:`Matcher.apply_cues`).
* Whole words: ``Acme`` is not found in ``Acmenator``, ``NotAcme``, ``Acme2`` or
  ``Acmeé`` (Unicode letters and digits are word characters). Possessives and the
  plural/genitive ``s`` count (``Acme's``, ``Acmes``), as do hyphenated compounds
  (``Acme-powered``, ``pro-Acme``) and handles (``@Acme``). The match covers the name
  only, not the ``'s`` or ``s``. A name followed by ``.`` and a letter is part of a
  host name (``acme.io``, ``acmewidgets.com.evil.example``) and does not count; only
  the brand's ``domains`` do.
* Words of a multi-word name may be separated by any run of whitespace. With
  ``spacing_variants=True`` they may also be joined or joined by ``-``, ``.`` or
  ``_`` (``Acme Widgets`` ~ ``AcmeWidgets`` ~ ``Acme-Widgets``); one-word CamelCase
  names are split for this (``PayPal`` ~ ``Pay Pal``).
* With ``fold_diacritics=True`` accents are ignored on both sides (``Café Nero`` ~
  ``Cafe Nero``); offsets still index the original text.
* A brand domain written as text counts, with any subdomain (``www.``, ``shop.``),
  in any case, and inside a URL or an e-mail address (``hello@acmewidgets.com``
  names the brand, so it is a mention). It does not count as part of a longer
  host (``notacmewidgets.com``, ``my-acmewidgets.com``,
  ``acmewidgets.com.evil.example``). The match spans the whole host written.
* A match lying inside an occurrence of an ``exclude`` phrase (case-insensitive,
  whole words, same rules as names) is dropped.
* Matches do not overlap; the leftmost wins, and at one position the longest
  (``Acme Widgets`` over ``Acme``, ``acmewidgets.com`` over ``AcmeWidgets``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mentionspider.analysis.model import BrandName, Match
from mentionspider.analysis.text import find_all, normalize_text

__all__ = ["compile_matcher", "Matcher", "CueMatch", "fold_accents", "MATCH_MODES"]

#: The values ``BrandName.match`` may take.
MATCH_MODES = ("insensitive", "sensitive", "with-cue")

# Marker atom for "between two words of a name" (replaced when the regex is emitted).
_SEP = "\x00sep"
# Whole word, optionally followed by a plural/genitive "s", and not a label of a host name.
_NAME_END = r"(?=s?(?!\w|\.\w))"
_DOMAIN_END = r"(?![\w-]|\.[\w-])"  # not followed by more host name
_AFTER_WORD_START = r"(?<!\w[\s\S])"  # after a name's first character: it began a word
_WORD_CHAR = re.compile(r"\w")
_PREFIX = 3  # characters of a name that str.find looks for before the regex runs
_FIND_PREFIXES = 12  # up to this many distinct name prefixes, str.find finds candidates


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x80, 0x2000):
        char = chr(code)
        stripped = "".join(c for c in unicodedata.normalize("NFD", char)
                           if not unicodedata.combining(c))
        if len(stripped) == 1 and stripped != char:
            table[code] = stripped
    # Letters with a stroke have no decomposition but are "accented" to a reader.
    for src, dst in zip("øØłŁđĐħĦıŧŦ", "oOlLdDhHitT"):
        table[ord(src)] = dst
    return table


_FOLD_TABLE = _build_fold_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD_TABLE)) + "]")


def fold_accents(text: str) -> str:
    """Strip accents character by character; the result has the same length as ``text``."""
    if text.isascii() or _FOLDABLE.search(text) is None:
        return text
    return text.translate(_FOLD_TABLE)


@dataclass(frozen=True, slots=True)
class CueMatch(Match):
    """A :class:`Match` of a ``match="with-cue"`` name: keep it only if the page has a cue."""


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str  # the configured name or domain, reported as Match.name
    check: re.Pattern[str]  # full-matches the text of an occurrence of this entry
    needs_cue: bool
    is_domain: bool


class _Trie:
    __slots__ = ("children", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.end: str | None = None  # the boundary check of a name ending here

    def add(self, atoms: Sequence[str], end: str) -> None:
        node = self
        for atom in atoms:
            node = node.children.setdefault(atom, _Trie())
        node.end = end

    def regex(self, sep: str, top: bool = False) -> str:
        """The trie as one regex; with ``top``, each word-character first atom is
        followed by a "not preceded by a word character" check, so that the regex
        starts with a plain character set that ``re`` can scan for quickly."""
        alternatives = [(sep if atom == _SEP else atom)
                        + (_AFTER_WORD_START if top and _WORD_CHAR.fullmatch(atom) else "")
                        + child.regex(sep)
                        for atom, child in self.children.items()]
        if self.end is not None:
            alternatives.append(self.end)  # last: longer names are tried first
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"


def _lower_char(char: str) -> str:
    """A character as the fast regex has it: lower-cased unless that changes its length."""
    lower = char.lower()
    return lower if len(lower) == 1 else char


def _lower_atom(char: str) -> str:
    return re.escape(_lower_char(char))


def _lower_text(text: str) -> str:
    return "".join(map(_lower_char, text))


def _char_atom(char: str, insensitive: bool) -> str:
    if not insensitive:
        return re.escape(char)
    variants = sorted({v for v in (char, char.lower(), char.upper(), char.title())
                       if len(v) == 1})
    if len(variants) == 1:
        return re.escape(char)
    return "[" + "".join(re.escape(v) for v in variants) + "]"


def _split_camel(word: str) -> list[str]:
    """``PayPal`` -> ``["Pay", "Pal"]``; parts shorter than two letters are not split off."""
    parts, start = [], 0
    for i in range(1, len(word)):
        if word[i - 1].islower() and word[i].isupper() and i - start >= 2 and len(word) - i >= 2:
            parts.append(word[start:i])
            start = i
    parts.append(word[start:])
    return parts


def _name_words(name: str, spacing_variants: bool) -> list[str]:
    if not spacing_variants:
        return name.split()
    words = [w for w in re.split(r"[\s._-]+", name) if w]
    return [part for word in words for part in _split_camel(word)]


def _atoms(words: Sequence[str], insensitive: bool, *, lower: bool = False) -> list[str]:
    """Regex atoms, one per character (``lower``: lower-cased literals) or separator."""
    atoms: list[str] = []
    for i, word in enumerate(words):
        if i:
            atoms.append(_SEP)
        atoms.extend(_lower_atom(c) if lower else _char_atom(c, insensitive) for c in word)
    return atoms


def _normalize_domain(domain: str) -> str:
    domain = domain.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain)
    domain = re.split(r"[/?#:]", domain, maxsplit=1)[0].rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain


def _domain_forms(domain: str) -> list[str]:
    """The domain as written, plus its Unicode / punycode twin for IDNs."""
    forms = [domain]
    try:
        if "xn--" in domain:
            forms.append(domain.encode("ascii").decode("idna"))
        elif not domain.isascii():
            forms.append(domain.encode("idna").decode("ascii"))
    except UnicodeError:
        pass
    return forms


class Matcher:
    """A campaign's names and domains compiled into one regex; see :func:`compile_matcher`."""

    def __init__(self, entries: list[_Entry], fast: re.Pattern[str] | None,
                 exact: re.Pattern[str] | None, exclude: re.Pattern[str] | None, *,
                 fold: bool, spacing_variants: bool, by_key: dict[str, list[_Entry]],
                 prefixes: Sequence[str], exclude_prefixes: Sequence[str] = ()) -> None:
        self._entries = entries
        self._fast = fast  # all names lower-cased, run over the lower-cased text
        self._prefixes = tuple(prefixes)  # every match of _fast starts with one of these
        self._exact = exact  # case rules built in; for the rare text the fast one cannot take
        self._exclude = exclude
        self._exclude_prefixes = tuple(exclude_prefixes)
        self._fold = fold
        self._spacing = spacing_variants
        self._by_key = by_key
        self._has_cue_names = any(e.needs_cue for e in entries)
        # Names configured only as with-cue: lets needs_cue() answer for a plain Match
        # rebuilt from stored fields.
        self._cue_only_names = frozenset(e.name for e in entries if e.needs_cue) - frozenset(
            e.name for e in entries if not e.needs_cue)

    @property
    def has_cue_names(self) -> bool:
        """True when some name counts only alongside another cue (``match="with-cue"``)."""
        return self._has_cue_names

    def needs_cue(self, match: Match) -> bool:
        """True when ``match`` is of a ``with-cue`` name.

        Matches from :meth:`find` say so by their type (:class:`CueMatch`); for a plain
        :class:`Match` built elsewhere the name decides, which is ambiguous only for a
        name configured both with and without ``with-cue`` (then: False).
        """
        return isinstance(match, CueMatch) or match.name in self._cue_only_names

    def apply_cues(self, matches: Iterable[Match], *, page_has_cue: bool = False) -> list[Match]:
        """Drop cue-only matches unless the page has a cue.

        A cue is any match of a name or domain that is not itself cue-only, or
        ``page_has_cue`` (e.g. the page links to a brand domain). Pass all of a
        page's matches at once.
        """
        matches = list(matches)
        if page_has_cue or not self._has_cue_names:
            return matches
        if any(not self.needs_cue(m) for m in matches):
            return matches
        return []

    def find(self, text: str, *, lower: str | None = None) -> list[Match]:
        """All occurrences in ``text``: non-overlapping, in order, longest first at a position.

        ``lower`` is ``text.lower()`` when the caller has it already (several matchers
        on one text); it is not used when accents are folded.
        """
        if self._fast is None or self._exact is None:
            return []
        haystack = fold_accents(text) if self._fold else text
        if self._fold or lower is None:
            lower = haystack.lower()
        found: list[Match] = []
        if len(lower) != len(haystack):  # a character whose lower case is longer ("İ")
            for exact_match in self._exact.finditer(haystack):
                found.extend(self._resolve(text, haystack, *exact_match.span()))
        else:
            # Candidates come from str.find (a name's first characters; few names) or
            # from the fast regex's search (many names); each is confirmed case-blind
            # by the fast regex, checked against its name's own rule, and if that
            # fails the exact regex decides at that spot.
            pos = 0
            if len(self._prefixes) <= _FIND_PREFIXES:
                fast = self._fast.match
                for candidate in find_all(lower, self._prefixes):
                    if candidate >= pos and (m := fast(lower, candidate)) is not None:
                        pos = self._confirm(text, haystack, *m.span(), found)
            else:
                search = self._fast.search
                while (m := search(lower, pos)) is not None:
                    pos = self._confirm(text, haystack, *m.span(), found)
        if found and self._exclude is not None:
            found = self._drop_excluded(haystack, lower, found)
        return found

    def _confirm(self, text: str, haystack: str, start: int, end: int,
                 found: list[Match]) -> int:
        """Add the match the fast regex found at ``start:end`` if a name's rule (or the
        exact regex) accepts it; return where to look next."""
        hit = self._resolve(text, haystack, start, end)
        if not hit:
            retry = self._exact.match(haystack, start) if self._exact is not None else None
            if retry is not None:
                start, end = retry.span()
                hit = self._resolve(text, haystack, start, end)
        found.extend(hit)
        return end if hit else start + 1

    def _resolve(self, text: str, haystack: str, start: int, end: int) -> list[Match]:
        """The Match for ``haystack[start:end]``, or [] if no name's own rule accepts it."""
        occurrence = haystack[start:end]
        key = _key(occurrence, self._spacing)
        for entry in self._by_key.get(key) or self._entries:
            if entry.check.fullmatch(occurrence):
                if entry.is_domain:
                    if start and haystack[start - 1] == "-":
                        continue
                    start = self._host_start(haystack, start)
                kind = CueMatch if entry.needs_cue else Match
                return [kind(start, end, entry.name, text[start:end])]
        return []

    @staticmethod
    def _host_start(text: str, start: int) -> int:
        """Move ``start`` back over subdomain labels (``www.``, ``shop.``)."""
        while start > 1 and text[start - 1] == ".":
            label = start - 1
            while label > 0 and (text[label - 1].isalnum() or text[label - 1] in "-_"):
                label -= 1
            if label == start - 1:
                break
            start = label
        return start

    def _drop_excluded(self, haystack: str, lower: str, found: list[Match]) -> list[Match]:
        exclude = self._exclude
        assert exclude is not None
        if len(lower) == len(haystack):
            spans = [m.span(1) for at in find_all(lower, self._exclude_prefixes)
                     if (m := exclude.match(haystack, at)) is not None]
        else:
            spans = [m.span(1) for m in exclude.finditer(haystack)]
        if not spans:
            return found
        return [f for f in found
                if not any(s <= f.start and f.end <= e for s, e in spans)]


def _key(text: str, spacing_variants: bool) -> str:
    """Lookup key of a name or an occurrence: lower-cased, separators removed."""
    return re.sub(r"[\s._-]+" if spacing_variants else r"\s+", "", text).lower()


def compile_matcher(names: Sequence[BrandName], *, domains: Sequence[str] = (),
                    exclude: Sequence[str] = (), spacing_variants: bool = False,
                    fold_diacritics: bool = False) -> Matcher:
    """Compile a campaign's names, domains and exclusions into one :class:`Matcher`.

    Names are passed through :func:`normalize_text` (and accent folding when
    ``fold_diacritics``); blank names and domains are ignored. Raises ValueError for
    an unknown ``BrandName.match``.
    """
    fold = fold_diacritics
    prep = (lambda s: fold_accents(normalize_text(s))) if fold else normalize_text
    sep = r"(?:\s+|[-._]?)" if spacing_variants else r"\s+"

    word_trie, other_trie, domain_trie, fast_trie = _Trie(), _Trie(), _Trie(), _Trie()
    entries: list[_Entry] = []
    prefixes: set[str] = set()
    for brand in names:
        if brand.match not in MATCH_MODES:
            raise ValueError(f"unknown match mode {brand.match!r} for name {brand.text!r}; "
                             f"expected one of {', '.join(MATCH_MODES)}")
        text = prep(brand.text)
        words = _name_words(text, spacing_variants)
        if not words:
            continue
        insensitive = brand.match != "sensitive"
        atoms = _atoms(words, insensitive)
        end = _NAME_END if re.search(r"\w\Z", words[-1]) else ""
        (word_trie if re.match(r"\w", words[0]) else other_trie).add(atoms, end)
        fast_trie.add(_atoms(words, True, lower=True), end)
        prefixes.add(_lower_text(words[0])[:_PREFIX])
        check = re.compile("".join(sep if a == _SEP else a for a in atoms))
        entries.append(_Entry(normalize_text(brand.text), check, brand.match == "with-cue",
                              is_domain=False))
    for raw in domains:
        domain = _normalize_domain(normalize_text(raw))
        if not domain:
            continue
        for form in _domain_forms(domain):
            atoms = [_char_atom(c, True) for c in prep(form)]
            domain_trie.add(atoms, _DOMAIN_END)
            fast_trie.add([_lower_atom(c) for c in prep(form)], _DOMAIN_END)
            prefixes.add(_lower_text(prep(form))[:_PREFIX])
            entries.append(_Entry(domain, re.compile("".join(atoms)), False, is_domain=True))

    # Non-cue names first, so that a name configured twice is reported as its surest form.
    entries.sort(key=lambda e: e.needs_cue)
    by_key: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_key.setdefault(_key(prep(entry.name), spacing_variants), []).append(entry)

    exact_branches = []
    if domain_trie.children:
        exact_branches.append(r"(?<![\w-])" + domain_trie.regex(sep))
    if word_trie.children:
        exact_branches.append(r"(?<!\w)" + word_trie.regex(sep))
    if other_trie.children:
        exact_branches.append(other_trie.regex(sep))
    exact = re.compile("|".join(exact_branches)) if exact_branches else None
    fast = re.compile(fast_trie.regex(sep, top=True)) if fast_trie.children else None

    exclude_trie = _Trie()
    exclude_prefixes: set[str] = set()
    for phrase in exclude:
        words = prep(phrase).split()
        if words:
            exclude_trie.add(_atoms(words, True), _NAME_END)
            exclude_prefixes.add(_lower_text(words[0])[:_PREFIX])
    exclude_re = None
    if exclude_trie.children:
        # Only run on texts with matches; a lookahead finds overlapping occurrences too.
        exclude_re = re.compile(r"(?<!\w)(?=(" + exclude_trie.regex(r"\s+") + "))")
    return Matcher(entries, fast, exact, exclude_re, fold=fold,
                   spacing_variants=spacing_variants, by_key=by_key,
                   prefixes=_shortest(prefixes), exclude_prefixes=_shortest(exclude_prefixes))


def _shortest(prefixes: set[str]) -> list[str]:
    """The prefixes without those that start with another one (they add no positions)."""
    return [p for p in sorted(prefixes) if p and not any(
        p != q and q and p.startswith(q) for q in prefixes)]
