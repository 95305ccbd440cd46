"""Scores that say why: every reason named with its points; weights in one place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mentionspider.campaign import CampaignError, parse_campaign
from mentionspider.scoring import (WEIGHTS, AuthorityError, PageFacts, Scorer, domain_class,
                                   parse_authority, score_broken_link, score_mention_page)
from mentionspider.scoring_config import parse_scoring

TODAY = date(2026, 12, 1)
PAGE = "https://blog.example/post/"


def test_main_content_mention_outranks_the_same_mention_in_a_footer() -> None:
    main = score_mention_page("unlinked_mention", placement="main", mention_count=1, depth=2)
    footer = score_mention_page("unlinked_mention", placement="footer", mention_count=1, depth=2)
    assert (main.score, footer.score) == (70, 40)
    assert main.reasons == "names the brand in the main content (+30); no link to the brand (+40)"
    assert footer.reasons == "names the brand only in the footer (+0); no link to the brand (+40)"
    assert [(r.name, r.points) for r in main.parts] == [("placement.main", 30),
                                                        ("kind.unlinked_mention", 40)]


def test_mention_reasons_list_every_point() -> None:
    scored = score_mention_page("unlinked_mention", placement="main", mention_count=3,
                                keywords=["widgets"], depth=0, names=["Acme Widgets"],
                                brand_domains=["acmewidgets.com"])
    assert scored.score == 90
    assert scored.reasons == ("names Acme Widgets in the main content (+30); no link to "
                              "acmewidgets.com (+40); 3 mentions (+10); niche page (widgets) (+5); "
                              "a seed page (+5)")
    assert sum(r.points for r in scored.parts) == scored.score


def test_broken_link_scores() -> None:
    plain = score_broken_link(status="404", placement="main")
    gone = score_broken_link(status="410", placement="main", linking_pages=3, linking_sites=3)
    footer_nofollow = score_broken_link(status="404", placement="footer", rel="nofollow")
    assert (plain.score, gone.score, footer_nofollow.score) == (64, 84, 30)
    assert gone.reasons == ("links to a dead page (410) in the main content (+64); gone for good "
                            "(+10); 3 sites link to this dead target (+10)")
    assert footer_nofollow.reasons == ("links to a dead page (404) only in the footer (+40); "
                                       "the link is rel=nofollow (-10)")


def test_a_sitewide_template_link_is_a_footer_list() -> None:
    footer = score_broken_link(status="404", placement="footer", site_pages=12, linking_pages=12)
    assert footer.reasons == ("links to a dead page (404) only in the footer (+40); 12 pages link "
                              "to this dead target (+5); a sitewide template link (12 pages of "
                              "the site) (-10)")
    main = score_broken_link(status="404", placement="main", site_pages=12, linking_pages=12)
    assert "template" not in main.reasons  # the same link in twelve articles is not a template


def test_indexability_drops_a_page_far_down_with_the_reason() -> None:
    scorer = Scorer(today=TODAY)
    indexed = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                                  page=PageFacts(url=PAGE, depth=2))
    noindex = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                                  page=PageFacts(url=PAGE, depth=2,
                                                 robots=frozenset({"noindex", "follow"})))
    elsewhere = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                                    page=PageFacts(url=PAGE, depth=2,
                                                   canonical="https://other.example/post"))
    same = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                               page=PageFacts(url=PAGE, depth=2,
                                              canonical="http://www.blog.example/post"))
    assert (indexed.score, noindex.score, elsewhere.score, same.score) == (70, 20, 40, 70)
    assert noindex.reasons.endswith("; not indexed: robots noindex (-50)")
    assert elsewhere.reasons.endswith(
        "; its canonical is another page: https://other.example/post (-30)")


def test_language_freshness_domain_class_and_link_lists() -> None:
    scorer = Scorer(languages=("en",), today=TODAY)

    def reasons(**facts: object) -> str:
        scored = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                                     page=PageFacts(depth=2, **facts))  # type: ignore[arg-type]
        return scored.reasons.split("(+40); ", 1)[1] if "(+40); " in scored.reasons else ""

    assert reasons(url=PAGE, lang="en") == "in English (+5)"
    assert reasons(url=PAGE, lang="de") == "in German, not in en (-20)"
    assert reasons(url=PAGE, modified="2026-11-20") == "updated 2026-11-20 (+5)"
    assert reasons(url=PAGE, published="2020-01-01") == "last published 2020-01-01 (-5)"
    assert reasons(url=PAGE, published="2024-06-01") == ""  # neither fresh nor stale
    assert reasons(url="https://www.agency.gov.uk/x") == "a government site (+10)"
    assert reasons(url="https://cs.stanford.edu/x") == "a school or university site (+10)"
    assert reasons(url=PAGE, types=("NewsArticle",)) == "a news article (+5)"
    assert reasons(url=PAGE, outlinks=250) == "links out 250 times: a link list (-10)"
    assert [domain_class(h) for h in ("x.gov", "x.gouv.fr", "x.ac.uk", "x.edu.au", "gov.example",
                                      "governor.com", "x.co.uk")] == [
        "gov", "gov", "edu", "edu", None, None, None]


def test_authority_list_from_a_tranco_style_csv() -> None:
    ranks = parse_authority("rank,domain\n1,google.com\n1234,blog.example\n90000,b.example\n"
                            "5,google.com\n")
    assert ranks == {"google.com": 1, "blog.example": 1234, "b.example": 90000}
    scorer = Scorer(authority=ranks)
    scored = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                                 page=PageFacts(url="https://www.blog.example/p", depth=2))
    assert scored.reasons.endswith("; authority rank 1,234 (+10)")
    assert (scorer.rank("https://news.b.example/"), scorer.rank("https://c.example/")) == (
        90000, None)
    with pytest.raises(AuthorityError, match="line 2: rank 'x' is not a number"):
        parse_authority("1,a.com\nx,b.com\n")
    with pytest.raises(AuthorityError, match="line 1: expected rank,domain, got 'a.com'"):
        parse_authority("a.com\n")


def test_every_weight_is_overridable_by_name() -> None:
    scorer = Scorer(overrides={"placement.main": 10, "kind.unlinked_mention": 50})
    scored = scorer.mention_page("unlinked_mention", placement="main", mention_count=1,
                                 page=PageFacts(depth=2))
    assert scored.reasons == "names the brand in the main content (+10); no link to the brand (+50)"
    assert all(isinstance(value, (int, float)) for value in WEIGHTS.values())


CAMPAIGN = {"name": "acme", "brand": {"names": ["Acme"], "domains": ["acme.com"]},
            "crawl": {"seeds": ["https://blog.example/"]}}


def test_scoring_table_in_a_campaign(tmp_path: Path) -> None:
    (tmp_path / "top.csv").write_text("1,big.example\n2,blog.example\n", encoding="utf-8")
    config = parse_scoring({"language": ["en", "NL"], "authority_file": "top.csv",
                            "placement": {"main": 25}, "indexability.noindex": -80},
                           tmp_path / "c.toml")
    assert (dict(config.weights), config.languages, dict(config.authority)) == (
        {"placement.main": 25.0, "indexability.noindex": -80.0}, ("en", "nl"),
        {"big.example": 1, "blog.example": 2})
    campaign = parse_campaign({**CAMPAIGN, "scoring": {"language": "en"}}, tmp_path / "c.toml")
    assert campaign.scoring is not None and campaign.scoring.languages == ("en",)
    assert campaign.to_dict()["scoring"] == {"weights": {}, "languages": ["en"],
                                             "authority_file": None, "authority_sites": 0}


@pytest.mark.parametrize("table, message", [
    ({"placement": {"mian": 25}}, "scoring.placement.mian: unknown key (expected language, "
                                  "authority_file or a weight named in mentionspider/scoring.py)"),
    ({"placement.main": "high"}, "scoring.placement.main: expected a finite number, got 'high'"),
    ({"placement.main": float("nan")}, "scoring.placement.main: expected a finite number, "
                                       "got nan"),
    ({"language": "english!"}, "scoring.language: expected a language code like \"en\" or a "
                               "list of them, got 'english!'"),
    ({"authority_file": "missing.csv"}, "scoring.authority_file: cannot read missing.csv: "
                                        "No such file or directory"),
    ({"authority_file": "bad.csv"}, "scoring.authority_file: bad.csv line 2: rank 'two' is not "
                                    "a number"),
])
def test_bad_scoring_table_is_one_line(tmp_path: Path, table: dict, message: str) -> None:
    (tmp_path / "bad.csv").write_text("1,a.example\ntwo,b.example\n", encoding="utf-8")
    with pytest.raises(CampaignError) as error:
        parse_campaign({**CAMPAIGN, "scoring": table}, tmp_path / "c.toml")
    assert str(error.value) == f"{tmp_path / 'c.toml'}: {message}"


def test_one_ranking_of_placements_orders_best_mention_and_points() -> None:
    from mentionspider.analysis.model import PLACEMENT_POINTS, PLACEMENTS
    assert PLACEMENTS == ("main", "comments", "sidebar", "header", "nav", "footer")
    points = [PLACEMENT_POINTS[placement] for placement in PLACEMENTS]
    assert points == sorted(points, reverse=True) and set(PLACEMENT_POINTS) == set(PLACEMENTS)
    scores = [score_mention_page("unlinked_mention", placement=p, mention_count=1, depth=3).score
              for p in ("comments", "sidebar")]
    assert scores == [52, 48]
