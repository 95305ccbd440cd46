from __future__ import annotations

from mentionspider.scoring import score_broken_link, score_mention_page


def test_main_content_mention_outranks_the_same_mention_in_a_footer() -> None:
    main = score_mention_page("unlinked_mention", placement="main", mention_count=1, depth=2)
    footer = score_mention_page("unlinked_mention", placement="footer", mention_count=1, depth=2)
    assert (main.score, footer.score) == (70, 40)
    assert main.reasons == "names the brand in the main content; no link to the brand"
    assert footer.reasons == "names the brand only in the footer; no link to the brand"


def test_mention_reasons_list_every_point() -> None:
    scored = score_mention_page("unlinked_mention", placement="main", mention_count=3,
                                keywords=["widgets"], depth=0, names=["Acme Widgets"],
                                brand_domains=["acmewidgets.com"])
    assert scored.score == 90
    assert scored.reasons == ("names Acme Widgets in the main content; no link to acmewidgets.com; "
                              "3 mentions; niche page (widgets); a seed page")


def test_broken_link_scores() -> None:
    plain = score_broken_link(status="404", placement="main")
    gone = score_broken_link(status="410", placement="main", linking_pages=3, linking_sites=3)
    footer_nofollow = score_broken_link(status="404", placement="footer", rel="nofollow")
    assert (plain.score, gone.score, footer_nofollow.score) == (64, 84, 30)
    assert gone.reasons == ("links to a dead page (410) in the main content; gone for good; "
                            "3 sites link to this dead target")
    assert footer_nofollow.reasons == ("links to a dead page (404) only in the footer; "
                                       "the link is rel=nofollow")


def test_one_ranking_of_placements_orders_best_mention_and_points() -> None:
    from mentionspider.analysis.model import PLACEMENT_POINTS, PLACEMENTS
    assert PLACEMENTS == ("main", "comments", "sidebar", "header", "nav", "footer")
    points = [PLACEMENT_POINTS[placement] for placement in PLACEMENTS]
    assert points == sorted(points, reverse=True) and set(PLACEMENT_POINTS) == set(PLACEMENTS)
    scores = [score_mention_page("unlinked_mention", placement=p, mention_count=1, depth=3).score
              for p in ("comments", "sidebar")]
    assert scores == [52, 48]
