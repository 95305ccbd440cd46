"""Pages per second on one core: bare ``lxml.html.fromstring`` versus ``parse_page``
and versus the whole page analysis (parse, visible text, placement, mentions, links).

    python benchmarks/analysis_speed.py [CORPUS_DIR] [--rounds N]

CORPUS_DIR is the article benchmark (default, ``ground-truth.json``) or a corpus laid
out as WCXB's (``ground-truth/NNNN.json``, e.g. ``../shared/corpora/wcxb-dev``).

Pages are decompressed into memory first; each step's figure is the best of
``--rounds`` passes over the whole corpus, the steps taking turns round by round.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
import placement_wcxb
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


def load_pages(path: Path) -> list[tuple[bytes, str]]:
    """(html, url) of every page of the corpus at ``path``, in either layout."""
    if (path / "ground-truth").is_dir():
        return [(html, url) for _id, _kind, url, html, _with, _without
                in placement_wcxb.load_corpus(path)]
    return [(html, url) for _id, html, url, _body in load_corpus(path)]


def one_pass(pages: list[tuple[bytes, str]], work: Callable[[bytes, str], object]) -> float:
    """Seconds for one pass of ``work`` over all pages."""
    gc.collect()
    start = time.perf_counter()
    for html, url in pages:
        work(html, url)
    return time.perf_counter() - start


def best_rates(pages: list[tuple[bytes, str]], steps: dict[str, Callable[[bytes, str], object]],
               rounds: int) -> dict[str, float]:
    """Best pages/second of each step over ``rounds`` rounds.

    Each round runs every step once, one after the other, so that a slow spell of
    a noisy machine hits all steps alike and the ratios stay fair.
    """
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(rounds):
        for name, work in steps.items():
            best[name] = min(best[name], one_pass(pages, work))
    return {name: len(pages) / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    pages = load_pages(args.corpus)
    megabytes = sum(len(html) for html, _ in pages) / 1e6
    rates = best_rates(pages, {"bare": lambda html, url: lxml.html.fromstring(html),
                               "parse_page": parse_page, "whole": analyse}, args.rounds)
    bare, full, whole = rates["bare"], rates["parse_page"], rates["whole"]
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML, best of {args.rounds} rounds")
    print(f"  {'step':<24} {'pages/s':>9} {'ms/page':>9}")
    print(f"  {'lxml.html.fromstring':<24} {bare:9.0f} {1000 / bare:9.2f}")
    print(f"  {'parse_page':<24} {full:9.0f} {1000 / full:9.2f}")
    print(f"  {'parse_page + analyse':<24} {whole:9.0f} {1000 / whole:9.2f}")
    print(f"  {'parse_page / bare parse':<24} {bare / full:9.2f}x")
    print(f"  {'whole analysis / bare':<24} {bare / whole:9.2f}x")


if __name__ == "__main__":
    main()
