"""Time Matcher.find over a few MB of real page text against a bare ``\\w+`` scan.

    python benchmarks/mention_speed.py [--names N] [--mb MB] [--fold] [--spacing]

Text comes from ``../shared/corpora/article-extraction-benchmark/html/*.html.gz``
(visible text via lxml, one normalised block per paragraph-ish element); without
the corpus a generated text is used. The campaign has a handful of real-looking
brand names plus ``--names`` extra names taken from the corpus's own vocabulary, so
that some of them do occur.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mentionspider.analysis.mentions import compile_matcher  # noqa: E402
from mentionspider.analysis.model import BrandName  # noqa: E402
from mentionspider.analysis.text import normalize_text  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/article-extraction-benchmark/html"
BLOCK_TAGS = "p li h1 h2 h3 h4 td blockquote figcaption dd dt".split()


def corpus_blocks() -> list[str]:
    from lxml import html

    blocks: list[str] = []
    for path in sorted(CORPUS.glob("*.html.gz")):
        try:
            root = html.fromstring(gzip.decompress(path.read_bytes()))
        except Exception:  # noqa: BLE001 - a broken page is skipped, not fatal
            continue
        for bad in root.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        for el in root.iter(*BLOCK_TAGS):
            text = normalize_text(el.text_content())
            if text:
                blocks.append(text)
    return blocks


def generated_blocks(rng: random.Random) -> list[str]:
    words = ("the of and to in a is that for it as with was on be by this are from at "
             "widgets acme review best price shipping customers product quality team new "
             "company market online store buy tools home garden service support").split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(8, 60))).capitalize() + "."
            for _ in range(40_000)]


def rate(fn, blocks: list[str], size: int, repeat: int = 3) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = sum(len(fn(block)) for block in blocks)
        best = min(best, time.perf_counter() - start)
    return size / 1e6 / best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=200, help="extra names (default 200)")
    parser.add_argument("--mb", type=float, default=4.0, help="MB of text to scan (default 4)")
    parser.add_argument("--fold", action="store_true", help="fold_diacritics=True")
    parser.add_argument("--spacing", action="store_true", help="spacing_variants=True")
    args = parser.parse_args()

    rng = random.Random(7)
    blocks = corpus_blocks() if CORPUS.is_dir() else []
    source = "corpus" if blocks else "generated"
    blocks = blocks or generated_blocks(rng)
    base, size = list(blocks), sum(map(len, blocks))
    while size < args.mb * 1e6:  # repeat the corpus up to the wanted size
        blocks.extend(base)
        size += sum(map(len, base))

    vocabulary = sorted({w for b in base[:5000] for w in re.findall(r"[A-Z][a-z]{4,}", b)})
    extra = rng.sample(vocabulary, min(args.names, len(vocabulary)))
    names = [BrandName("Acme Widgets"), BrandName("Acme", "sensitive"),
             BrandName("Apple", "with-cue"), BrandName("Café Nero"), BrandName("PayPal")]
    names += [BrandName(w) for w in extra]
    matcher = compile_matcher(names, domains=["acmewidgets.com", "apple.com", "paypal.me"],
                              exclude=["apple pie", "big apple"], fold_diacritics=args.fold,
                              spacing_variants=args.spacing)
    words = re.compile(r"\w+").findall

    find_rate, found = rate(matcher.find, blocks, size)
    word_rate, _ = rate(words, blocks, size)
    print(f"text: {size / 1e6:.1f} MB in {len(blocks)} blocks ({source}); "
          f"{len(names)} names, 3 domains; fold={args.fold} spacing={args.spacing}")
    print(f"Matcher.find      {find_rate:8.1f} MB/s  ({found} matches)")
    print(f"re \\w+ findall    {word_rate:8.1f} MB/s")
    print(f"ratio find / \\w+  {find_rate / word_rate:8.2f}")


if __name__ == "__main__":
    main()
