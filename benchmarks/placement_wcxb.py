"""Placement accuracy on WCXB's dev pages, per page kind, next to trafilatura.

Corpus: ``../shared/corpora/wcxb-dev/`` (967 real pages of seven kinds with
human-reviewed snippets; read its SOURCE.md). For every page, each ``with``
snippet (main-content text) must be placed ``main`` and each ``without``
snippet (boilerplate) anywhere else:

- a snippet is looked for in the page's visible text as parse_page gives it
  (blocks in order), compared on letters and digits only (case, spaces and
  punctuation ignored), at every place it occurs; snippets not found there are
  counted as ``not found`` and left out of the score, for both extractors;
- an occurrence is placed ``main`` when most of its characters are in ``main``
  blocks; a ``with`` snippet is right when some occurrence is in ``main``, a
  ``without`` snippet when none is (what "the extraction contains it" means);
- trafilatura is scored as a placement oracle on the same snippets: text in
  its extraction (``trafilatura.extract`` with its defaults) is ``main``;
- "by snippet" counts snippets; "by character" weighs each by its length.

    python benchmarks/placement_wcxb.py [CORPUS_DIR] [--kind KIND] [--no-oracle] [-v]

trafilatura is a benchmark dependency only (``pip install -e '.[bench]'``); it is
installed into the running environment on first use when missing. Its
extractions are cached under ``.bench/`` (keyed by its version), so later runs
only time our side. ``-v`` prints every wrongly placed snippet with the rule that placed it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mentionspider.analysis.document import explain_placement, parse_page  # noqa: E402
from mentionspider.analysis.text import normalize_text  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "wcxb-dev"
CACHE = REPO / ".bench"
KINDS = ("article", "service", "forum", "listing", "product", "collection", "documentation")
_NOT_ALNUM = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """Letters and digits only, lower-cased: how snippets and page text are compared."""
    return _NOT_ALNUM.sub("", normalize_text(text).lower())


def load_corpus(path: Path, kind: str | None = None):  # type: ignore[no-untyped-def]
    """Yield (id, kind, url, html bytes, with snippets, without snippets) per page."""
    for truth_file in sorted((path / "ground-truth").glob("*.json")):
        data = json.loads(truth_file.read_text(encoding="utf-8"))
        page_kind = data["_internal"]["page_type"]["primary"]
        if kind is not None and page_kind != kind:
            continue
        truth = data["ground_truth"]
        html = gzip.decompress((path / "html" / f"{truth_file.stem}.html.gz").read_bytes())
        yield (truth_file.stem, page_kind, data["url"], html,
               [s for s in truth.get("with") or [] if key(s)],
               [s for s in truth.get("without") or [] if key(s)])


def trafilatura_extract():  # type: ignore[no-untyped-def]
    """trafilatura's extract function and version, installing it when missing."""
    try:
        import trafilatura
    except ImportError:
        print("installing trafilatura (benchmark only) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "trafilatura"],
                       check=True)
        import trafilatura
    return trafilatura.extract, trafilatura.__version__


class Oracle:
    """trafilatura's extraction per page, cached on disk by its version."""

    def __init__(self, corpus: Path) -> None:
        self.extract, self.version = trafilatura_extract()
        CACHE.mkdir(exist_ok=True)
        self.path = CACHE / f"wcxb-trafilatura-{self.version}-{corpus.name}.json"
        self.cache: dict[str, str] = (json.loads(self.path.read_text(encoding="utf-8"))
                                      if self.path.exists() else {})
        self.dirty = False
        self.seconds = 0.0
        self.timed = 0

    def text_key(self, page_id: str, html: bytes, url: str) -> str:
        if page_id not in self.cache:
            start = time.perf_counter()
            self.cache[page_id] = key(self.extract(html, url=url) or "")
            self.seconds += time.perf_counter() - start
            self.timed += 1
            self.dirty = True
        return self.cache[page_id]

    def save(self) -> None:
        if self.dirty:
            self.path.write_text(json.dumps(self.cache), encoding="utf-8")


class PageText:
    """A parsed page's visible text as one key string, with each character's placement."""

    def __init__(self, blocks: list[tuple[str, str]], rules: list[str] | None = None) -> None:
        parts: list[str] = []
        self.ends: list[int] = []  # end offset of each block's key in the joined key
        self.placements: list[str] = []
        self.rules: list[str] = []
        size = 0
        for index, (text, placement) in enumerate(blocks):
            part = key(text)
            if part:
                parts.append(part)
                size += len(part)
                self.ends.append(size)
                self.placements.append(placement)
                self.rules.append(rules[index] if rules else "")
        self.text = "".join(parts)

    def occurrences(self, snippet: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        start = self.text.find(snippet)
        while start >= 0 and len(found) < 50:
            found.append((start, start + len(snippet)))
            start = self.text.find(snippet, start + 1)
        return found

    def main_share(self, start: int, end: int) -> float:
        """Share of the characters in [start, end) that sit in main blocks."""
        import bisect
        index = bisect.bisect_right(self.ends, start)
        main = 0
        pos = start
        while pos < end and index < len(self.ends):
            stop = min(end, self.ends[index])
            if self.placements[index] == "main":
                main += stop - pos
            pos = stop
            index += 1
        return main / (end - start)

    def placements_of(self, start: int, end: int) -> str:
        import bisect
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_right(self.ends, end - 1)
        return "+".join(dict.fromkeys(f"{placement} ({rule})" if rule else placement for
                                      placement, rule in zip(self.placements[first:last + 1],
                                                             self.rules[first:last + 1])))


class Tally:
    def __init__(self) -> None:
        self.n = self.right = 0
        self.chars = self.right_chars = 0

    def add(self, ok: bool, size: int) -> None:
        self.n += 1
        self.chars += size
        if ok:
            self.right += 1
            self.right_chars += size

    def snippet_rate(self) -> float:
        return self.right / self.n if self.n else 1.0

    def char_rate(self) -> float:
        return self.right_chars / self.chars if self.chars else 1.0


def run(corpus: Path, kind: str | None, oracle: Oracle | None, verbose: bool) -> None:
    # tallies[(extractor, kind, with|without)]
    tallies: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    pages: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    snippets: dict[str, int] = defaultdict(int)
    ours_seconds = 0.0
    for page_id, page_kind, url, html, with_, without in load_corpus(corpus, kind):
        start = time.perf_counter()
        page = parse_page(html, url)
        ours_seconds += time.perf_counter() - start
        rules = [block.rule for block in explain_placement(html, url)] if verbose else None
        text = PageText([(block.text, block.placement) for block in page.blocks], rules)
        theirs = oracle.text_key(page_id, html, url) if oracle is not None else ""
        pages[page_kind] += 1
        for side, group in (("with", with_), ("without", without)):
            for snippet in group:
                snippets[page_kind] += 1
                wanted = key(snippet)
                spots = text.occurrences(wanted)
                if not spots:
                    missing[page_kind] += 1
                    continue
                in_main = any(text.main_share(a, b) > 0.5 for a, b in spots)
                ok = in_main if side == "with" else not in_main
                tallies[("ours", page_kind, side)].add(ok, len(wanted))
                if not ok and verbose:
                    where = " | ".join(text.placements_of(a, b) for a, b in spots[:3])
                    print(f"{page_id} {page_kind:<13} {side:<7} {snippet[:70]!r} got {where}")
                if oracle is not None:
                    found = wanted in theirs
                    tallies[("trafilatura", page_kind, side)].add(
                        found if side == "with" else not found, len(wanted))
    if oracle is not None:
        oracle.save()
    kinds = [k for k in KINDS if k in pages] + sorted(set(pages) - set(KINDS))
    extractors = ["ours"] + (["trafilatura"] if oracle is not None else [])

    def merged(extractor: str, which: list[str], sides: tuple[str, ...]) -> Tally:
        total = Tally()
        for k in which:
            for side in sides:
                part = tallies[(extractor, k, side)]
                total.n += part.n
                total.right += part.right
                total.chars += part.chars
                total.right_chars += part.right_chars
        return total

    print(f"corpus: {corpus}  pages: {sum(pages.values())}")
    head = ("| kind | pages | snippets scored (not found) | ours by snippet | ours by char "
            "| ours main / boilerplate |")
    if oracle is not None:
        head += f" trafilatura {oracle.version} by snippet | by char | main / boilerplate |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for label, which in [(k, [k]) for k in kinds] + [("**all**", kinds)]:
        row = [label, str(sum(pages[k] for k in which))]
        ours = merged("ours", which, ("with", "without"))
        row.append(f"{ours.n:,} ({sum(missing[k] for k in which):,})")
        for extractor in extractors:
            both = merged(extractor, which, ("with", "without"))
            main = merged(extractor, which, ("with",))
            boiler = merged(extractor, which, ("without",))
            row += [f"{both.snippet_rate():.1%}", f"{both.char_rate():.1%}",
                    f"{main.snippet_rate():.1%} / {boiler.snippet_rate():.1%}"]
        print("| " + " | ".join(row) + " |")
    total_pages = sum(pages.values())
    print(f"ours: {total_pages / ours_seconds:.0f} pages/s (parse_page)", end="")
    if oracle is not None and oracle.timed:
        print(f"; trafilatura: {oracle.timed / oracle.seconds:.0f} pages/s", end="")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--kind", choices=KINDS, help="only pages of this kind")
    parser.add_argument("--no-oracle", action="store_true", help="leave trafilatura out")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every wrongly placed snippet")
    args = parser.parse_args()
    if not (args.corpus / "ground-truth").is_dir():
        raise SystemExit(f"{args.corpus}: no ground-truth/ folder: not a WCXB corpus")
    run(args.corpus, args.kind, None if args.no_oracle else Oracle(args.corpus), args.verbose)


if __name__ == "__main__":
    main()
