from __future__ import annotations

import pytest

from mentionspider.analysis.mentions import CueMatch, compile_matcher, fold_accents
from mentionspider.analysis.model import BrandName, Match
from mentionspider.analysis.text import normalize_text


def found(matcher, text: str) -> list[str]:
    return [m.matched for m in matcher.find(text)]


ACME = compile_matcher([BrandName("Acme")])


def test_case_insensitive_by_default():
    text = "We switched to ACME last year, and acme support was quick."
    assert found(ACME, text) == ["ACME", "acme"]


def test_offsets_index_the_text_and_name_is_the_configured_one():
    text = "Reviews of acme widgets"
    assert ACME.find(text) == [Match(11, 15, "Acme", "acme")]


def test_sensitive_name_needs_its_case():
    matcher = compile_matcher([BrandName("Notion", "sensitive")])
    text = "I had no notion of it until Notion shipped offline mode. NOTION too."
    assert found(matcher, text) == ["Notion"]


def test_whole_words_only():
    text = "The Acmenator from NotAcme beats Acme2 and Acmeé, but not Acme."
    assert found(ACME, text) == ["Acme"]


def test_possessives_plurals_and_hyphenated_compounds_count():
    text = normalize_text("Acme’s support, the Acmes we bought, Acme's (Dutch: Acme's "
                          "winkel), an Acme-powered site and a pro-Acme blog by @Acme.")
    matches = ACME.find(text)
    assert [m.matched for m in matches] == ["Acme"] * 7
    assert text[matches[0].start:matches[0].end + 2] == "Acme's"  # span is the name only


def test_name_as_label_of_a_host_name_is_not_a_mention():
    text = "Mail us at support@acme.io or see acme.example.org. Acme. New sentence."
    assert found(ACME, text) == ["Acme"]


def test_multi_word_name_any_whitespace_between_words():
    matcher = compile_matcher([BrandName("Acme Widgets")])
    assert found(matcher, "Buy Acme  Widgets\nnow") == ["Acme  Widgets"]
    assert found(matcher, "AcmeWidgets and Acme-Widgets are not the name as written") == []


def test_spacing_variants():
    matcher = compile_matcher([BrandName("Acme Widgets"), BrandName("PayPal")],
                              spacing_variants=True)
    text = ("AcmeWidgets, Acme-Widgets, Acme.Widgets and acme_widgets all sell; "
            "pay with Pay Pal or paypal.")
    assert found(matcher, text) == ["AcmeWidgets", "Acme-Widgets", "Acme.Widgets",
                                    "acme_widgets", "Pay Pal", "paypal"]
    assert {m.name for m in matcher.find(text)} == {"Acme Widgets", "PayPal"}


def test_longest_name_wins():
    matcher = compile_matcher([BrandName("Acme"), BrandName("Acme Widgets")])
    text = "Acme Widgets is part of Acme."
    assert [(m.name, m.matched) for m in matcher.find(text)] == [
        ("Acme Widgets", "Acme Widgets"), ("Acme", "Acme")]


def test_longer_sensitive_name_in_wrong_case_falls_back_to_shorter_name():
    matcher = compile_matcher([BrandName("ACME Widgets Pro", "sensitive"), BrandName("Acme")])
    text = "the acme widgets pro range and the ACME Widgets Pro range"
    assert [(m.name, m.matched) for m in matcher.find(text)] == [
        ("Acme", "acme"), ("ACME Widgets Pro", "ACME Widgets Pro")]


def test_fold_diacritics_both_ways_with_original_offsets():
    matcher = compile_matcher([BrandName("Café Nero"), BrandName("Muller")],
                              fold_diacritics=True)
    text = "Coffee at Cafe Nero, then CAFÉ NERO again; Müller yoghurt."
    matches = matcher.find(text)
    assert [(m.name, m.matched) for m in matches] == [
        ("Café Nero", "Cafe Nero"), ("Café Nero", "CAFÉ NERO"), ("Muller", "Müller")]
    assert all(text[m.start:m.end] == m.matched for m in matches)


def test_without_fold_diacritics_accents_must_match():
    matcher = compile_matcher([BrandName("Café Nero")])
    assert found(matcher, "Cafe Nero and Café Nero") == ["Café Nero"]


def test_fold_accents_keeps_length():
    text = "Ærøskøbing Łódź Straße café İstanbul"
    assert len(fold_accents(text)) == len(text)
    assert fold_accents(text) == "Ærøskøbing Łódź Straße café İstanbul".translate(
        str.maketrans("øŁóźéİ", "oLozeI"))


DOMAINS = compile_matcher([BrandName("Acme Widgets")], domains=["acmewidgets.com"])


def test_domain_as_text_with_subdomains_and_case():
    text = ("Order at acmewidgets.com, www.acmewidgets.com or shop.AcmeWidgets.com "
            "(see https://www.acmewidgets.com/pricing).")
    matches = DOMAINS.find(text)
    assert [m.matched for m in matches] == ["acmewidgets.com", "www.acmewidgets.com",
                                            "shop.AcmeWidgets.com", "www.acmewidgets.com"]
    assert {m.name for m in matches} == {"acmewidgets.com"}


def test_domain_inside_longer_host_is_not_a_mention():
    text = ("Phishing: notacmewidgets.com, my-acmewidgets.com and "
            "acmewidgets.com.evil.example are not ours.")
    assert DOMAINS.find(text) == []


def test_domain_at_end_of_sentence_counts():
    assert found(DOMAINS, "Our favourite shop is AcmeWidgets.com.") == ["AcmeWidgets.com"]


def test_email_address_at_brand_domain_is_a_mention():
    text = "Questions? Write to hello@acmewidgets.com and they answer within a day."
    assert DOMAINS.find(text) == [Match(26, 41, "acmewidgets.com", "acmewidgets.com")]


def test_domain_given_as_url_and_idn_forms():
    matcher = compile_matcher([], domains=["https://www.Café.com/shop", "  "])
    text = "café.com, CAFÉ.COM and xn--caf-dma.com"
    assert [(m.name, m.matched) for m in matcher.find(text)] == [
        ("café.com", "café.com"), ("café.com", "CAFÉ.COM"), ("café.com", "xn--caf-dma.com")]


def test_domain_wins_over_joined_name():
    matcher = compile_matcher([BrandName("Acme Widgets")], domains=["acmewidgets.com"],
                              spacing_variants=True)
    assert [m.name for m in matcher.find("AcmeWidgets.com sells AcmeWidgets")] == [
        "acmewidgets.com", "Acme Widgets"]


def test_exclude_phrases():
    matcher = compile_matcher([BrandName("Apple")], exclude=["apple pie", "Big Apple"])
    assert matcher.find("I baked an apple pie, then two Apple Pies.") == []
    assert found(matcher, "Apple makes phones in the big apple? No, Apple does not.") == [
        "Apple", "Apple"]


def test_exclude_does_not_drop_a_match_only_next_to_it():
    matcher = compile_matcher([BrandName("Apple Music"), BrandName("Apple")],
                              exclude=["apple pie"])
    assert found(matcher, "Apple Music pie chart") == ["Apple Music"]


def test_with_cue_names():
    matcher = compile_matcher([BrandName("Acme Widgets"), BrandName("Acme", "with-cue")],
                              domains=["acmewidgets.com"])
    assert matcher.has_cue_names
    alone = matcher.find("Acme is a common word in cartoons.")
    assert alone == [CueMatch(0, 4, "Acme", "Acme")]
    assert matcher.needs_cue(alone[0])
    assert matcher.apply_cues(alone) == []
    assert matcher.apply_cues(alone, page_has_cue=True) == alone
    with_cue = matcher.find("Acme, or Acme Widgets (acmewidgets.com), ships fast.")
    assert [matcher.needs_cue(m) for m in with_cue] == [True, False, False]
    assert matcher.apply_cues(with_cue) == with_cue
    assert matcher.needs_cue(Match(0, 4, "Acme", "Acme"))  # rebuilt from stored fields
    assert not matcher.needs_cue(Match(0, 4, "Acme Widgets", "Acme Widgets"))


def test_name_configured_twice_reports_the_non_cue_form():
    matcher = compile_matcher([BrandName("Acme", "with-cue"), BrandName("Acme", "sensitive")])
    assert [matcher.needs_cue(m) for m in matcher.find("acme and Acme")] == [True, False]
    assert not matcher.needs_cue(Match(0, 4, "Acme", "acme"))  # ambiguous without the type
    assert not compile_matcher([BrandName("Acme")]).has_cue_names


def test_names_are_normalised_like_the_text():
    matcher = compile_matcher([BrandName("Ben & Jerry’s"), BrandName("Yahoo!")])
    text = normalize_text("Ben & Jerry’s and Yahoo!Mail")
    assert found(matcher, text) == ["Ben & Jerry's", "Yahoo!"]


def test_unknown_match_mode():
    with pytest.raises(ValueError, match="unknown match mode 'fuzzy'"):
        compile_matcher([BrandName("Acme", "fuzzy")])


def test_empty_matcher_and_empty_text():
    assert compile_matcher([]).find("Acme") == []
    assert ACME.find("") == []


def test_text_whose_lower_case_is_longer():
    matcher = compile_matcher([BrandName("Acme"), BrandName("İnci")])
    text = "İstanbul shops stock Acme and İnci"
    assert [(m.start, m.matched) for m in matcher.find(text)] == [(21, "Acme"), (30, "İnci")]


def test_many_names_one_pass():
    names = [BrandName(f"Brand{i}") for i in range(300)] + [BrandName("Acme")]
    matcher = compile_matcher(names)
    assert found(matcher, "Brand7, Brand299 and Acme; not Brand300.") == [
        "Brand7", "Brand299", "Acme"]


def test_many_names_find_the_same_as_few():
    # up to 12 name prefixes the matcher looks for them with str.find, above that with
    # one regex search: both must give the same matches
    names = [BrandName("Acme Widgets"), BrandName("AW", "sensitive"), BrandName("Widgetry")]
    fillers = [BrandName(f"Filler{chr(97 + i)}{chr(97 + i)}x") for i in range(20)]
    text = normalize_text("Acme Widgets’ AW range beats aw, Acme\u00a0widgets.com and "
                          "Widgetry; acmewidgets.com and www.acmewidgets.com too. Acme Widgetsx.")
    few = compile_matcher(names, domains=["acmewidgets.com"], exclude=["aw range"])
    many = compile_matcher(names + fillers, domains=["acmewidgets.com"], exclude=["aw range"])
    assert [(m.start, m.end, m.name) for m in few.find(text)] == [
        (m.start, m.end, m.name) for m in many.find(text)]
    # "AW range" is excluded, "aw" has the wrong case, "widgets.com" is another host
    assert found(few, text) == ["Acme Widgets", "Widgetry", "acmewidgets.com",
                                "www.acmewidgets.com"]
