"""Pages per second on one core: bare ``lxml.html.fromstring`` versus ``parse_page``
and versus the whole page analysis (parse, visible text, placement, mentions, links).

    python benchmarks/analysis_speed.py [CORPUS_DIR] [--rounds N]

Pages are decompressed into memory first; each measurement takes the best of
``--rounds`` passes over the whole corpus.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

from placement_corpus import DEFAULT_CORPUS, load_corpus

from mentionspider.analysis.document import parse_page
from mentionspider.analysis.model import BrandName
from mentionspider.analysis.page import PageAnalyser

# A realistic campaign: a few names, domains, competitors and niche keywords.
ANALYSER = PageAnalyser(
    brand_names=[BrandName("Acme Widgets"), BrandName("AcmeWidgets"), BrandName("Google")],
    brand_domains=["acmewidgets.com", "google.com"], exclude=["google play"],
    competitor_names=[BrandName("Facebook"), BrandName("Twitter")],
    competitor_domains=["facebook.com", "twitter.com"], keywords=["news", "market", "data"])


def analyse(html: bytes, url: str) -> object:
    return ANALYSER.analyse(parse_page(html, url))


def best_rate(pages: list[tuple[bytes, str]], work: Callable[[bytes, str], object],
              rounds: int) -> float:
    """Best pages/second over ``rounds`` passes."""
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        for html, url in pages:
            work(html, url)
        best = min(best, time.perf_counter() - start)
    return len(pages) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = [(html, url) for _id, html, url, _body in load_corpus(args.corpus)]
    megabytes = sum(len(html) for html, _ in pages) / 1e6
    bare = best_rate(pages, lambda html, url: lxml.html.fromstring(html), args.rounds)
    full = best_rate(pages, parse_page, args.rounds)
    whole = best_rate(pages, analyse, args.rounds)
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML, best of {args.rounds} rounds")
    print(f"  {'step':<24} {'pages/s':>9} {'ms/page':>9}")
    print(f"  {'lxml.html.fromstring':<24} {bare:9.0f} {1000 / bare:9.2f}")
    print(f"  {'parse_page':<24} {full:9.0f} {1000 / full:9.2f}")
    print(f"  {'parse_page + analyse':<24} {whole:9.0f} {1000 / whole:9.2f}")
    print(f"  {'parse_page / bare parse':<24} {bare / full:9.2f}x")
    print(f"  {'whole analysis / bare':<24} {bare / whole:9.2f}x")


if __name__ == "__main__":
    main()
