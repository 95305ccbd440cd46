from __future__ import annotations

from mentionspider.analysis.snippet import sentence_spans, snippet

PARAGRAPH = ("Dr. Smith met us in the U.S. last year. He said e.g. Acme sells 3.5 million "
             "widgets. Then we left! Was it good? \"Yes.\" Finally the end.")
LONG = ("In a sprawling review that covers garden tools, kitchen gadgets and a surprising "
        "number of umbrellas, the author finally concludes that Acme Widgets makes the "
        "sturdiest hinges she has tested in twenty years of writing about hardware.")


def around(text: str, name: str, width: int = 200) -> str:
    start = text.index(name)
    return snippet(text, start, start + len(name), width)


def test_sentences_skip_abbreviations_initialisms_and_decimals():
    assert [PARAGRAPH[s:e] for s, e in sentence_spans(PARAGRAPH)] == [
        "Dr. Smith met us in the U.S. last year.",
        "He said e.g. Acme sells 3.5 million widgets.",
        "Then we left!",
        "Was it good?",
        '"Yes."',
        "Finally the end.",
    ]


def test_lower_case_after_full_stop_is_not_a_new_sentence():
    text = "Prices start at 5 p.m. tomorrow. Acme is open."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Prices start at 5 p.m. tomorrow.", "Acme is open."]


def test_sentence_that_fits_grows_by_whole_neighbours():
    assert around(PARAGRAPH, "Acme", 45) == "He said e.g. Acme sells 3.5 million widgets."
    assert around(PARAGRAPH, "Acme", 60) == (
        "He said e.g. Acme sells 3.5 million widgets. Then we left!")
    assert around(PARAGRAPH, "Acme", 200) == PARAGRAPH


def test_long_sentence_is_cut_on_word_boundaries_with_ellipses():
    assert around(LONG, "Acme Widgets", 60) == (
        "…finally concludes that Acme Widgets makes the sturdiest…")
    assert around(LONG, "Acme Widgets", 100) == (
        "…the author finally concludes that Acme Widgets makes the sturdiest hinges she "
        "has tested…")


def test_cut_near_the_start_of_a_sentence_gives_the_room_to_the_right():
    text = ("Acme Widgets, founded in a garage in 1999 by two brothers who could not find a "
            "decent hinge, now ships to forty countries.")
    assert around(text, "Acme Widgets", 60) == (
        "Acme Widgets, founded in a garage in 1999 by two brothers…")


def test_cut_drops_trailing_comma_before_ellipsis():
    text = "We tried many brands, and in the end Acme, the cheapest, won every single round."
    assert around(text, "Acme", 36) == "…and in the end Acme, the cheapest…"
    assert around(text, "Acme", 14) == "…end Acme…"


def test_mention_longer_than_width_stays_whole():
    text = "Everyone loves The Acme Widget Company Of Greater Springfield these days, really."
    name = "The Acme Widget Company Of Greater Springfield"
    assert around(text, name, 20) == f"…{name}…"


def test_whitespace_is_collapsed():
    text = "First  line.\nThen   Acme\tarrived."
    assert around(text, "Acme") == "First line. Then Acme arrived."


def test_text_without_sentence_punctuation():
    assert around("Acme", "Acme") == "Acme"
    assert around("best hinges: Acme", "Acme", 10) == "…Acme"
