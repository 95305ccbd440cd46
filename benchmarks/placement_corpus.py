"""How well parse_page tells article text from page furniture, on a real corpus.

Corpus: the Zyte article-extraction-benchmark (181 news/blog pages with the
human-marked article body). Every visible block of a page is labelled
"article" when at least half of its word 3-grams occur in the ground-truth
body (blocks under three words: when their words occur there as a phrase),
else "other". Then, counting characters of block text:

    recall   = article characters placed in "main" / all article characters
    leakage  = other characters placed in "main"   / all other characters

``coverage`` is the share of ground-truth word 3-grams found in any block at
all (what visible-text extraction misses, whatever the placement).

    python benchmarks/placement_corpus.py [CORPUS_DIR] [--extractor rules|trafilatura|readability|justext]

The other extractors label a block "main" when at least half of its 3-grams
occur in their extracted text; they are here to compare with the rules.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mentionspider.analysis.document import parse_page  # noqa: E402
from mentionspider.analysis.model import ParsedPage  # noqa: E402
from mentionspider.analysis.text import normalize_text  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "article-extraction-benchmark"
_WORD = re.compile(r"\w+")


def load_corpus(path: Path) -> Iterator[tuple[str, bytes, str, str]]:
    """Yield (id, html bytes, url, article body) per page of the corpus."""
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    for item_id in sorted(truth):
        html = gzip.decompress((path / "html" / f"{item_id}.html.gz").read_bytes())
        yield item_id, html, truth[item_id]["url"], truth[item_id]["articleBody"]


def words(text: str) -> list[str]:
    return _WORD.findall(normalize_text(text).lower())


def shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


class Matcher:
    """Is a piece of text (mostly) part of a reference text?"""

    def __init__(self, reference: str) -> None:
        tokens = words(reference)
        self.shingles = shingles(tokens)
        self.joined = f" {' '.join(tokens)} "

    def __contains__(self, text: str) -> bool:
        tokens = words(text)
        if not tokens:
            return False
        if len(tokens) < 3:
            return f" {' '.join(tokens)} " in self.joined
        grams = shingles(tokens)
        return 2 * len(grams & self.shingles) >= len(grams)


def _library(name: str) -> Callable[[bytes, str], str]:
    """The text a library extracts as the article body."""
    if name == "trafilatura":
        import trafilatura

        def extract(html: bytes, url: str) -> str:
            return trafilatura.extract(html, url=url, include_comments=False,
                                       include_tables=True) or ""
        return extract
    if name == "readability":
        import lxml.html
        from readability import Document

        def extract(html: bytes, url: str) -> str:
            summary = Document(html, url=url).summary(html_partial=True)
            return " ".join(lxml.html.fromstring(summary).itertext()) if summary.strip() else ""
        return extract
    if name == "justext":
        import justext

        def extract(html: bytes, url: str) -> str:
            paragraphs = justext.justext(html, justext.get_stoplist("English"))
            return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
        return extract
    raise SystemExit(f"unknown extractor {name!r}")


def main_flags(page: ParsedPage, html: bytes, url: str,
               extract: Callable[[bytes, str], str] | None) -> list[bool]:
    if extract is None:
        return [block.placement == "main" for block in page.blocks]
    extracted = Matcher(extract(html, url))
    return [block.text in extracted for block in page.blocks]


def run(corpus: Path, extractor: str, verbose: bool) -> None:
    extract = None if extractor == "rules" else _library(extractor)
    totals = dict(article=0, article_main=0, other=0, other_main=0, truth=0, found=0)
    pages: list[tuple[str, float, float]] = []
    elapsed = 0.0
    for item_id, html, url, body in load_corpus(corpus):
        t0 = time.perf_counter()
        page = parse_page(html, url)
        flags = main_flags(page, html, url, extract)
        elapsed += time.perf_counter() - t0
        truth = Matcher(body)
        counts = dict(article=0, article_main=0, other=0, other_main=0)
        seen: set[tuple[str, ...]] = set()
        for block, is_main in zip(page.blocks, flags):
            kind = "article" if block.text in truth else "other"
            counts[kind] += len(block.text)
            if is_main:
                counts[kind + "_main"] += len(block.text)
            seen |= shingles(words(block.text))
        for key, value in counts.items():
            totals[key] += value
        totals["truth"] += len(truth.shingles)
        totals["found"] += len(truth.shingles & seen)
        recall = counts["article_main"] / counts["article"] if counts["article"] else 1.0
        leak = counts["other_main"] / counts["other"] if counts["other"] else 0.0
        pages.append((item_id, recall, leak))
        if verbose:
            print(f"{item_id[:12]}  recall {recall:6.1%}  leakage {leak:6.1%}  {url}")
    n = len(pages)
    rows = [
        ("pages", f"{n}"),
        ("recall (chars, micro)", f"{totals['article_main'] / totals['article']:.2%}"),
        ("leakage (chars, micro)", f"{totals['other_main'] / totals['other']:.2%}"),
        ("recall (mean per page)", f"{sum(p[1] for p in pages) / n:.1%}"),
        ("leakage (mean per page)", f"{sum(p[2] for p in pages) / n:.1%}"),
        ("pages with recall < 90%", f"{sum(p[1] < 0.9 for p in pages)}"),
        ("pages with leakage > 10%", f"{sum(p[2] > 0.1 for p in pages)}"),
        ("coverage of truth 3-grams", f"{totals['found'] / totals['truth']:.1%}"),
        ("pages/s (parse + label)", f"{n / elapsed:.0f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"extractor: {extractor}   corpus: {corpus}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--extractor", default="rules",
                        choices=["rules", "trafilatura", "readability", "justext"])
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per page")
    args = parser.parse_args()
    run(args.corpus, args.extractor, args.verbose)


if __name__ == "__main__":
    main()
